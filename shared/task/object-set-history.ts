/**
 * The task's object set over the binlog: which objects were selected from which position on. The
 * reader follows it so that a restart anywhere reads each stretch of the binlog with the set that
 * was in effect there, and record ids stay a pure function of the binlog, the filters and the
 * signals. A change takes effect at the end of the transaction that wrote its signal row
 * (source/object-change.ts); the first entry is the set the task started with.
 */
import type { TaskState } from './state.ts';
import type { TaskObject } from './schema.ts';
import type { BinlogPoint } from '../record/index.ts';

export interface ObjectSetChange {
  /** The objects in effect from `from` on (as the task file said, defaults applied). */
  readonly objects: readonly TaskObject[];
  /** The first resume position read with this set: the end of its signal's transaction. */
  readonly from: BinlogPoint;
  /** The signal row's id in the signal table; null for the set the task started with. */
  readonly signalId: string | null;
  /** When the reader switched (ISO). */
  readonly at: string;
  /** `db.table` (or `db.*`) selected now and not before, and the other way round. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Entries kept: older ones lie behind every resume position the queue can still hold. */
const KEPT = 32;

/** Orders binlog positions; file names of one server share a prefix and a fixed-width number. */
export function comparePoints(a: BinlogPoint, b: BinlogPoint): number {
  if (a.file !== b.file) return a.file.length !== b.file.length ? a.file.length - b.file.length : a.file < b.file ? -1 : 1;
  return a.position - b.position;
}

/** The set in effect at `at`: the last change whose `from` is not after it; null before the first. */
export function objectSetAt(history: readonly ObjectSetChange[], at: BinlogPoint): ObjectSetChange | null {
  let found: ObjectSetChange | null = null;
  for (const change of history) if (comparePoints(change.from, at) <= 0) found = change;
  return found;
}

/** One text per object set, whatever the key order in the file: equal sets compare equal. */
export function objectsKey(objects: readonly TaskObject[]): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sorted(objects));
}

/** `db.table` names a set selects by name, and `db.*` for whole databases (no catalog needed). */
export function objectNames(objects: readonly TaskObject[]): string[] {
  return objects.flatMap((o) => (o.tables ? o.tables.map((t) => `${o.database}.${typeof t === 'string' ? t : t.name}`) : [`${o.database}.*`]));
}

/** Adds a change (or replaces the one with its signal id: a re-read signal records it once), in binlog order, bounded. */
export function withObjectSetChange(change: ObjectSetChange) {
  return (current: TaskState | null): TaskState => {
    const base = current ?? { status: 'RUNNING' as const, at: change.at };
    const others = (base.objectSets ?? []).filter((c) => !(c.signalId === change.signalId && (c.signalId !== null || comparePoints(c.from, change.from) === 0)));
    const history = [...others, change].sort((a, b) => comparePoints(a.from, b.from)).slice(-KEPT);
    return { ...base, objectSets: history };
  };
}
