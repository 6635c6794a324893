/**
 * One precheck item's result, as DTS shows it: passed, a warning the user may ignore (with the
 * reason), or a failure that keeps the task from starting. `fix` is the statement or setting that
 * makes the item pass. Messages name settings, objects and privileges, never row values or secrets.
 */
export type PrecheckStatus = 'pass' | 'warn' | 'fail';

export interface Finding {
  /** Stable id (`source.binlog_format`, `objects.keys`, `destination.kafka.topics`): the --json key. */
  readonly id: string;
  readonly status: PrecheckStatus;
  readonly message: string;
  /** What to run or change; absent on a pass. */
  readonly fix?: string;
}

export const pass = (id: string, message: string): Finding => ({ id, status: 'pass', message });
export const warn = (id: string, message: string, fix: string): Finding => ({ id, status: 'warn', message, fix });
export const fail = (id: string, message: string, fix: string): Finding => ({ id, status: 'fail', message, fix });

export function failures(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'fail');
}
