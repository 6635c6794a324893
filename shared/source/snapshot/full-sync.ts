/**
 * The full data sync inside the reader: decides whether a run starts (a new task that asked for
 * full sync, or an unfinished run in the stored cursor), runs it beside the stream, and reports
 * its progress. The stream and the sync meet only in the merger, between transactions.
 */
import type { Logger } from '../../log.ts';
import { snapshotProgress, type SnapshotCursor } from '../../record/index.ts';
import type { Task } from '../../task/index.ts';
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { ChunkMerger, type MergeTarget } from './chunk-merger.ts';
import { precheckTables, selectedTables } from './table-precheck.ts';
import { newSnapshotCursor, runSnapshot, type SnapshotRunOptions } from './snapshot-runner.ts';

export interface FullSyncOptions extends Omit<SnapshotRunOptions, 'endpoint' | 'isMariaDb'> {
  /** Copy every selected table when the task starts on an empty queue (`syncTypes` has `full`). */
  readonly initial: boolean;
  /** End the reader once the run is complete (`syncTypes` is `[full]`). */
  readonly stopWhenComplete: boolean;
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
}

export interface FullSyncDeps {
  readonly endpoint: SourceEndpoint;
  readonly isMariaDb: boolean;
  readonly objects: Task['objects'];
  readonly query: SqlQuery;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly target: () => MergeTarget;
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
  merge: () => void;
  /** Resolves when the reader should stop because the run is complete and nothing else follows. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

function statusOf(cursor: SnapshotCursor): SnapshotStatus {
  return { runId: cursor.runId, ...snapshotProgress(cursor), completed: cursor.completedAtMs !== null };
}

export function startFullSync(options: FullSyncOptions, deps: FullSyncDeps): FullSync {
  const controller = new AbortController();
  const signal = AbortSignal.any([deps.signal, controller.signal]);
  const merger = new ChunkMerger(deps.cursor, deps.target, (cursor) => {
    if (deps.status) deps.status.snapshot = statusOf(cursor);
  });
  if (deps.status && deps.cursor) deps.status.snapshot = statusOf(deps.cursor);
  let finish: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  finished.catch(() => {});

  async function run(): Promise<void> {
    if (!merger.cursor && options.initial && deps.fresh) {
      const tables = await selectedTables(deps.query, deps.objects);
      await precheckTables(deps.query, tables, options);
      merger.replace(newSnapshotCursor(`initial-${new Date().toISOString()}`, tables));
      deps.log.info('full sync starting', { tables: tables.length, workers: options.workers, chunkRows: options.chunkRows });
    }
    const cursor = merger.cursor;
    if (cursor && cursor.completedAtMs === null) {
      await runSnapshot({ ...options, endpoint: deps.endpoint, isMariaDb: deps.isMariaDb }, { merger, query: deps.query, signal, log: deps.log, room: deps.room });
    }
    if (options.stopWhenComplete && merger.cursor?.completedAtMs != null) finish();
  }
  const running = run().catch((err: Error) => {
    if (!signal.aborted) fail(err);
  });

  return {
    observe: (schema, images) => merger.observe(schema, images),
    merge: () => merger.tryMerge(),
    finished,
    async stop() {
      controller.abort();
      await running;
    },
  };
}
