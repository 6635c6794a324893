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
  /**
   * Every object, privilege or problem the message lists, for programs: the message may shorten a
   * long list ("and 3 more"), this never does. Absent when the item lists nothing.
   */
  readonly subject?: readonly string[];
}

/** At most this many names in one message; the count says how many more. */
const LISTED = 10;
export function listNames(names: readonly string[]): string {
  return names.length <= LISTED ? names.join(', ') : `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}

/**
 * How a message shows its subject: `names` at most ten, comma-separated, with how many more;
 * `all` every one, comma-separated (statements the fix repeats one by one); `and` joined by " and "
 * (two privileges); `problems` joined by "; " (whole sentences, all of them).
 */
export type ListStyle = 'names' | 'all' | 'and' | 'problems';
const JOIN: Record<ListStyle, (subject: readonly string[]) => string> = {
  names: listNames,
  all: (s) => s.join(', '),
  and: (s) => s.join(' and '),
  problems: (s) => s.join('; '),
};

/** A message about a list: built here from the subject, so the two cannot disagree. */
export interface Listing {
  readonly subject: readonly string[];
  readonly style: ListStyle;
  /** The message around the list, as `style` shows it. */
  readonly text: (list: string) => string;
}

export const listing = (subject: readonly string[], text: (list: string) => string, style: ListStyle = 'names'): Listing => ({ subject, style, text });

function finding(id: string, status: PrecheckStatus, message: string | Listing, fix?: string): Finding {
  const withFix = fix === undefined ? {} : { fix };
  if (typeof message === 'string') return { id, status, message, ...withFix };
  return { id, status, message: message.text(JOIN[message.style](message.subject)), ...withFix, subject: [...message.subject] };
}

export const pass = (id: string, message: string | Listing): Finding => finding(id, 'pass', message);
export const warn = (id: string, message: string | Listing, fix: string): Finding => finding(id, 'warn', message, fix);
export const fail = (id: string, message: string | Listing, fix: string): Finding => finding(id, 'fail', message, fix);

export function failures(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'fail');
}
