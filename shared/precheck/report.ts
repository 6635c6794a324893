/** The precheck's outputs: text a person reads, and the stable --json shape. */
import type { Finding } from './finding.ts';

export interface PrecheckReport {
  readonly task: string;
  /** fail when any item fails, warn when any warns, else pass. */
  readonly result: 'pass' | 'warn' | 'fail';
  readonly counts: { readonly pass: number; readonly warn: number; readonly fail: number };
  readonly items: readonly Finding[];
}

export function report(task: string, items: readonly Finding[]): PrecheckReport {
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const i of items) counts[i.status] += 1;
  const result = counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'pass';
  return { task, result, counts, items };
}

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export function formatText(r: PrecheckReport): string {
  const lines = [`precheck of task ${r.task}`];
  for (const i of r.items) {
    lines.push(`${MARK[i.status]}  ${i.id}: ${i.message}`);
    if (i.fix) lines.push(`      fix: ${i.fix}`);
  }
  lines.push(`${r.counts.pass} passed, ${r.counts.warn} warning(s) (ignorable), ${r.counts.fail} failed`);
  return lines.join('\n');
}
