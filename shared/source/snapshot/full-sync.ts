/**
 * The full data sync inside the reader: decides when a run starts (a new task that asked for full
 * sync, a re-baseline request read from the signal table, or an unfinished run in the stored
 * cursor), runs it beside the stream, and reports its progress. The stream and the sync meet only
 * in the merger, between transactions.
 */
import type { Logger } from '../../log.ts';
import { snapshotProgress, type Row, type SnapshotCursor, type TableSchema } from '../../record/index.ts';
import type { Task } from '../../task/index.ts';
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { CHANGED_KEYS_LIMIT, ChangedKeys } from './changed-keys.ts';
import { ChunkMerger, type MergeTarget } from './chunk-merger.ts';
import { parseSignal, type SignalTable } from './signal.ts';
import { newSnapshotCursor, runSnapshot, type SnapshotRunOptions } from './snapshot-runner.ts';
import { precheckTables, selectedTables } from './table-precheck.ts';

export interface FullSyncOptions extends Omit<SnapshotRunOptions, 'endpoint' | 'isMariaDb'> {
  /** Copy every selected table when the task starts on an empty queue (`syncTypes` has `full`). */
  readonly initial: boolean;
  /** End the reader once the run is complete (`syncTypes` is `[full]`). */
  readonly stopWhenComplete: boolean;
  /** Where re-baseline requests arrive (rows inserted by the full-sync function). */
  readonly signalTable: SignalTable | null;
  /** The task's name: a signal row names the task it is for. */
  readonly taskName: string;
}

export interface SnapshotStatus {
  readonly runId: string;
  readonly rows: number;
  readonly tablesDone: number;
  readonly tables: number;
  readonly current: string | null;
  readonly currentRows: number;
  readonly currentEstimate: number;
  readonly completed: boolean;
  readonly error?: string;
}

export interface FullSyncDeps {
  readonly endpoint: SourceEndpoint;
  readonly isMariaDb: boolean;
  readonly objects: Task['objects'];
  readonly query: SqlQuery;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** The assembler (undefined until it exists). */
  readonly target: () => MergeTarget | undefined;
  /** Resolves when the queue can take another batch. */
  readonly room: () => Promise<void>;
  readonly status?: { snapshot: SnapshotStatus | null };
  /** The queue was empty: this is the task's first start. */
  readonly fresh: boolean;
  /** The stored progress, if a run was under way. */
  readonly cursor: SnapshotCursor | null;
}

export interface FullSync {
  observe: ChunkMerger['observe'];
  observeDdl: ChunkMerger['observeDdl'];
  merge: () => void;
  /** A row of the signal table, as the stream read it. */
  onSignal: (schema: TableSchema, row: Row) => void;
  /** Resolves when the reader should stop: the run is complete and the task is full sync only. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

function statusOf(cursor: SnapshotCursor): SnapshotStatus {
  return { runId: cursor.runId, ...snapshotProgress(cursor), completed: cursor.completedAtMs !== null, ...(cursor.error ? { error: cursor.error } : {}) };
}

const active = (c: SnapshotCursor | null): c is SnapshotCursor => c !== null && c.completedAtMs === null;

export function startFullSync(options: FullSyncOptions, deps: FullSyncDeps): FullSync {
  const { log } = deps;
  const controller = new AbortController();
  const signal = AbortSignal.any([deps.signal, controller.signal]);
  const changed = new ChangedKeys();
  changed.onFull = () =>
    log.warn('full sync: too many keys changed during the copy to remember them all; rows changed from now on before they are copied may arrive twice (the copy comes last, with the current value)', {
      keys: CHANGED_KEYS_LIMIT,
    });
  const merger = new ChunkMerger(
    deps.cursor,
    deps.target,
    (cursor) => {
      if (deps.status) deps.status.snapshot = statusOf(cursor);
    },
    Date.now,
    changed,
  );
  if (deps.status && deps.cursor) deps.status.snapshot = statusOf(deps.cursor);
  let finish: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  finished.catch(() => {});

  /** Lists the run's tables and prechecks them; a refused re-baseline ends as a failed run, not a failed task. */
  async function prepare(cursor: SnapshotCursor, initial: boolean): Promise<void> {
    const tables = cursor.listPending ? await selectedTables(deps.query, deps.objects) : cursor.tables;
    try {
      await precheckTables(deps.query, tables, options);
    } catch (err) {
      if (initial) throw err;
      log.error('full sync request refused', { run: cursor.runId, error: (err as Error).message });
      await merger.progress((c) => (c.runId === cursor.runId ? { ...c, tables, listPending: false, completedAtMs: Date.now(), error: (err as Error).message } : c));
      return;
    }
    if (merger.cursor?.runId === cursor.runId) merger.replace({ ...merger.cursor, tables, listPending: false });
    log.info('full sync starting', { run: cursor.runId, tables: tables.length, workers: options.workers, chunkRows: options.chunkRows });
  }

  async function loop(): Promise<void> {
    if (!merger.cursor && options.initial && deps.fresh) {
      merger.replace({ ...newSnapshotCursor(`initial-${new Date().toISOString()}`, []), listPending: true });
    }
    while (!signal.aborted && active(merger.cursor)) {
      const cursor = merger.cursor;
      if (cursor.listPending) {
        // An initial run refused by its precheck fails the task (as DTS's precheck does); a re-baseline request only ends.
        await prepare(cursor, cursor.runId.startsWith('initial-'));
        continue;
      }
      await runSnapshot({ ...options, endpoint: deps.endpoint, isMariaDb: deps.isMariaDb }, { merger, query: deps.query, signal, log, room: deps.room });
    }
    if (options.stopWhenComplete && merger.cursor?.completedAtMs != null) finish();
  }

  let running: Promise<void> | null = null;
  const kick = () => {
    running ??= loop()
      .catch((err: Error) => {
        if (!signal.aborted) fail(err);
      })
      .finally(() => {
        running = null;
        // A request that arrived while the loop was winding down.
        if (!signal.aborted && active(merger.cursor)) kick();
      });
  };
  kick();

  return {
    observe: (schema, images) => merger.observe(schema, images),
    observeDdl: (kind, database, table) => merger.observeDdl(kind, database, table),
    merge: () => merger.tryMerge(),
    onSignal(schema, row) {
      const request = parseSignal(schema, row, options.taskName);
      if (!request) return;
      // A new request replaces a run under way: the new run copies every table it names again.
      merger.replace({ ...newSnapshotCursor(`request-${request.id}`, request.tables ?? []), listPending: request.tables === null });
      log.info('full sync requested', { run: `request-${request.id}`, tables: request.tables?.join(',') ?? 'all selected' });
      kick();
    },
    finished,
    async stop() {
      controller.abort();
      await running;
    },
  };
}
