/**
 * Drives a full data sync beside the stream: tables one after another, each cut into key ranges
 * read by parallel workers. A worker reads its next chunk while the previous one waits to join the
 * stream (never further ahead), so memory holds at most two chunks a worker, and progress is
 * always the cursor the merger stored. Everything resumes from that cursor after a restart.
 */
import { AbortedError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SnapshotCursor, TableSnapshot } from '../../record/index.ts';
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { ChunkReader, type Chunk } from './chunk-reader.ts';
import type { ChunkMerger, MergeOutcome } from './chunk-merger.ts';
import { planTable, type PlanOptions } from './table-plan.ts';

/** Rate limits for the source (ops/throttle.ts implements it). */
export interface SnapshotThrottle {
  beforeQuery(signal?: AbortSignal): Promise<void>;
  afterRows(rows: number, bytes: number, signal?: AbortSignal): Promise<void>;
}

export interface SnapshotRunOptions extends PlanOptions {
  readonly endpoint: SourceEndpoint;
  readonly isMariaDb: boolean;
  /** Filter conditions by `db.table`. */
  readonly filters: ReadonlyMap<string, string>;
  readonly throttle: SnapshotThrottle;
}

export interface SnapshotRunDeps {
  readonly merger: ChunkMerger;
  /** The control connection (planning queries). */
  readonly query: SqlQuery;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Resolves when the queue can take another batch: chunks never pile up in memory. */
  readonly room: () => Promise<void>;
}

export function newSnapshotCursor(runId: string, tables: readonly string[]): SnapshotCursor {
  return { runId, tables, finished: {}, current: null, completedAtMs: null };
}

/** Runs until the cursor's run is complete or the signal stops it (it resumes from the cursor). */
export async function runSnapshot(options: SnapshotRunOptions, deps: SnapshotRunDeps): Promise<void> {
  const { merger, signal, log } = deps;
  const runId = merger.cursor?.runId;
  while (!signal.aborted) {
    const cursor = merger.cursor;
    // Done, or replaced by a new request (the caller starts that one).
    if (!cursor || cursor.completedAtMs !== null || cursor.listPending || cursor.runId !== runId) return;
    let current = cursor.current;
    if (!current) {
      const next = cursor.tables.find((t) => !(t in cursor.finished));
      if (!next) {
        await merger.progress((c) => (c.runId === runId ? { ...c, completedAtMs: Date.now() } : c));
        log.info('full sync completed', { run: cursor.runId, tables: cursor.tables.length, rows: Object.values(cursor.finished).reduce((a, b) => a + b, 0) });
        return;
      }
      const [database, table] = splitName(next);
      current = await planTable(deps.query, database, table, options);
      if (merger.cursor?.runId !== runId) continue;
      merger.replace({ ...merger.cursor, current });
      log.info('full sync of a table starting', { table: next, key: current.key.join(','), estimatedRows: current.estimatedRows, ranges: current.ranges.length });
    }
    const name = `${current.database}.${current.table}`;
    // One worker's failure stops its siblings at once (the reader retries the whole run from the cursor).
    const table = new AbortController();
    const tableDeps = { ...deps, signal: AbortSignal.any([signal, table.signal]) };
    const workers = current.ranges.map((range, i) => (range.done ? null : copyRange(options, tableDeps, name, i))).filter((w) => w !== null);
    let failure: unknown = null;
    await Promise.all(
      workers.map((w) =>
        w.catch((err: unknown) => {
          failure ??= err;
          table.abort();
        }),
      ),
    );
    if (failure) throw failure;
  }
}

/** A chunk read (or being read) with its place among the merger's pending chunks. */
interface ChunkRead {
  /** The key the chunk was read after: it is placed only if the range still stands there. */
  readonly after: TableSnapshot['ranges'][number]['after'];
  readonly pending: ReturnType<ChunkMerger['register']>;
  readonly chunk: Promise<Chunk>;
}

/**
 * One worker: reads its range chunk after chunk. While a chunk waits to join the stream (and its
 * batch is appended), the next one is already read: at most one chunk ahead, so a worker holds
 * two chunks at most. The one ahead is placed only after its predecessor was; if that one was
 * stale, the one ahead is dropped and the range read again from the cursor.
 */
async function copyRange(options: SnapshotRunOptions, deps: SnapshotRunDeps, name: string, rangeIndex: number): Promise<void> {
  const { merger, signal, log } = deps;
  const reader = new ChunkReader(options.endpoint, options.isMariaDb, () => merger.ddlsSeen);
  const runId = merger.cursor?.runId;
  const condition = options.filters.get(name) ?? null;
  const readAfter = async (table: TableSnapshot, after: ChunkRead['after']): Promise<ChunkRead> => {
    await options.throttle.beforeQuery(signal);
    const pending = merger.register(name);
    const ranges = table.ranges.map((r, i) => (i === rangeIndex ? { ...r, after } : r));
    const chunk = reader.read({ ...table, ranges }, rangeIndex, condition, options.chunkRows);
    chunk.catch(() => pending.cancel());
    return { after, pending, chunk };
  };
  let ahead: ChunkRead | null = null;
  try {
    const planned = merger.cursor?.current;
    if (planned && planned.key.length === 0) return await scanKeyless(options, deps, reader, planned, condition, runId);
    while (!signal.aborted) {
      const table = merger.cursor?.current;
      if (!table || merger.cursor?.runId !== runId || `${table.database}.${table.table}` !== name || table.ranges[rangeIndex]!.done) return;
      const range = table.ranges[rangeIndex]!;
      // The chunk ahead continues from where the range stands, or it is read again from there.
      if (ahead && ahead.after !== range.after) ahead = drop(ahead);
      const current: ChunkRead = ahead ?? (await readAfter(table, range.after));
      ahead = null;
      const chunk = await current.chunk;
      await deps.room();
      // A request may replace the run while this chunk is pending: its rows still go out, the new run copies them again.
      current.pending.ready(chunk, (cursor, rows) => (cursor.runId === runId ? advance(cursor, rangeIndex, chunk.lastKey, chunk.last, rows) : cursor));
      if (!chunk.last && chunk.lastKey && !signal.aborted) ahead = await readAfter(table, chunk.lastKey);
      // A stale chunk (the table was altered while it was pending) left the cursor as it was: the loop reads the range again.
      const outcome = await untilMergedOrStopped(current.pending.handle.merged, signal);
      if (outcome === 'stale') log.info('full sync chunk read again: the table was altered while it was pending', { table: name, range: rangeIndex });
      if (outcome !== 'placed' && ahead) ahead = drop(ahead);
      await options.throttle.afterRows(chunk.rows.length, chunk.bytes, signal);
    }
  } finally {
    if (ahead) drop(ahead);
    // The read ahead may still be running on the reader's connection: close after it ends.
    await ahead?.chunk.catch(() => {});
    await reader.close();
  }
}

/** Forgets a chunk read ahead: it leaves the merger's pending list, its rows (when they come) are not placed. */
function drop(read: ChunkRead): null {
  read.pending.cancel();
  read.chunk.catch(() => {});
  return null;
}

/** A keyless table in one pass; its pieces are not watched for changes (there is no key to watch). */
async function scanKeyless(options: SnapshotRunOptions, deps: SnapshotRunDeps, reader: ChunkReader, table: TableSnapshot, condition: string | null, runId: string | undefined): Promise<void> {
  const { merger, signal, log } = deps;
  log.warn('copying a table without a primary or unique key in one pass: rows changed during the pass may arrive twice or out of date', { table: `${table.database}.${table.table}` });
  await reader.scan(table, condition, options.chunkRows, async (chunk) => {
    if (signal.aborted) throw new AbortedError();
    await deps.room();
    await options.throttle.afterRows(chunk.rows.length, chunk.bytes, signal);
    const pending = merger.register(null);
    pending.ready(chunk, (cursor, rows) => (cursor.runId === runId ? advance(cursor, 0, null, chunk.last, rows) : cursor));
    await untilMergedOrStopped(pending.handle.merged, signal);
  });
}

/** The cursor after one chunk of range `i`: its last key, and the table finished with its last range. */
function advance(cursor: SnapshotCursor, i: number, lastKey: TableSnapshot['ranges'][number]['after'], last: boolean, rows: number): SnapshotCursor {
  const current = cursor.current!;
  const ranges = current.ranges.map((r, j) => (j === i ? { ...r, after: lastKey ?? r.after, done: last } : r));
  const table: TableSnapshot = { ...current, ranges, rows: current.rows + rows };
  if (!ranges.every((r) => r.done)) return { ...cursor, current: table };
  return { ...cursor, current: null, finished: { ...cursor.finished, [`${table.database}.${table.table}`]: table.rows } };
}

function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** The merge outcome, or null when the run stopped first. */
function untilMergedOrStopped(merged: Promise<MergeOutcome>, signal: AbortSignal): Promise<MergeOutcome | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (outcome: MergeOutcome | null) => {
      signal.removeEventListener('abort', stopped);
      resolve(outcome);
    };
    const stopped = () => done(null);
    signal.addEventListener('abort', stopped, { once: true });
    void merged.then(done);
  });
}
