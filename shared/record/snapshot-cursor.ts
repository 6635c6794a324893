/**
 * How far a full data sync has come. It travels inside every batch's resume position, so the queue
 * stays the only checkpoint: a reader restarted from a batch knows both where the binlog resumes
 * and which chunks of which tables are already in the queue. Values are replaced, never mutated:
 * a batch waiting to be appended must keep the progress it was emitted with.
 */
import type { TableName, Value } from './types.ts';

/** A slice of a table's key space read by one worker: keys in (after, upTo], in key order. */
export interface KeyRange {
  /** The last key already in the queue; null before the range's first chunk. */
  readonly after: readonly Value[] | null;
  /** The range's inclusive upper end; null for the last range (no end). */
  readonly upTo: readonly Value[] | null;
  readonly done: boolean;
}

export interface TableSnapshot extends TableName {
  /** Key columns the chunks are ordered by; empty for an opted-in keyless single scan. */
  readonly key: readonly string[];
  readonly ranges: readonly KeyRange[];
  /** Rows already emitted, and the catalog's estimate of the table's rows when the table started. */
  readonly rows: number;
  readonly estimatedRows: number;
}

export interface SnapshotCursor {
  /** Names one run (a new task's initial sync, or a re-baseline request). */
  readonly runId: string;
  /** `db.table` of every table of the run, in order. */
  readonly tables: readonly string[];
  /** The run was requested for every selected table and the list is not made yet. */
  readonly listPending?: boolean;
  /** Why the run ended without copying (its precheck failed); set together with completedAtMs. */
  readonly error?: string;
  /** Tables finished, with their row counts. */
  readonly finished: Readonly<Record<string, number>>;
  /** The table being copied now, or null before its ranges are planned / after the last one. */
  readonly current: TableSnapshot | null;
  /** Set once every table is copied: the run is over. */
  readonly completedAtMs: number | null;
}

/** Total rows emitted so far, and the estimate of the whole run (for progress lines). */
export function snapshotProgress(cursor: SnapshotCursor): { rows: number; tablesDone: number; tables: number; current: string | null; currentRows: number; currentEstimate: number } {
  const finishedRows = Object.values(cursor.finished).reduce((a, b) => a + b, 0);
  const current = cursor.current;
  return {
    rows: finishedRows + (current?.rows ?? 0),
    tablesDone: Object.keys(cursor.finished).length,
    tables: cursor.tables.length,
    current: current ? `${current.database}.${current.table}` : null,
    currentRows: current?.rows ?? 0,
    currentEstimate: current?.estimatedRows ?? 0,
  };
}
