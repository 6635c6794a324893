/**
 * The incremental reader: binlog → batches → queue. The queue is the only checkpoint: a reader
 * starts from the last appended batch's resume point and skips the records that batch already
 * holds. One call of `runReader` is one connection's life; retries around it live in ops/.
 */
import type { Logger } from '../log.ts';
import type { ResumePosition, Row, TableSchema } from '../record/index.ts';
import { formatPosition } from '../record/index.ts';
import type { Queue } from '../queue/types.ts';
import type { Task } from '../task/index.ts';
import { BinlogStream, type StreamStart } from './binlog/binlog-stream.ts';
import type { SourceEndpoint } from './binlog/connection-options.ts';
import { TransactionAssembler } from './binlog/transaction-assembler.ts';
import { createAppender, type AppenderStatus } from './appender.ts';
import { openSourceConnection } from './connection.ts';
import { createObjectSelection } from './object-selection.ts';
import { checkGtidStart, normalizeGtidSet } from './gtid-start.ts';
import { precheckSource, type SourceFacts } from './precheck.ts';
import { StreamConditions, tableConditionsOf, validateConditions } from './filter-condition/index.ts';
import { TableSchemas } from './schema/table-schemas.ts';
import { startFullSync, type FullSyncOptions } from './snapshot/full-sync.ts';
import { isHeartbeatTable, type HeartbeatOptions } from './heartbeat/index.ts';
import type { FullSync, SnapshotStatus } from './snapshot/full-sync.ts';
import { createObjectSwitch, objectsInEffect, switchRecord, type ObjectSetLog } from './object-switch.ts';

export interface ReaderOptions {
  readonly endpoint: SourceEndpoint;
  readonly replicaServerId: number;
  readonly objects: Task['objects'];
  readonly start: Task['source']['start'];
  readonly reader: Task['reader'];
  /** Consumers whose lag (in batches) holds the reader back. */
  readonly consumers: readonly string[];
  /** How often an empty batch records progress through changes the task does not select. */
  readonly checkpointIntervalMs?: number;
  /** Full data sync beside the stream; absent when the task syncs incremental changes only. */
  readonly fullSync?: FullSyncOptions;
  /** DTS "throttling for incremental sync": rows/s and MB/s of binlog rows appended (ops/throttle.ts). */
  readonly throttle?: { afterRows(rows: number, bytes: number, signal?: AbortSignal): Promise<void> };
  /**
   * The DTS heartbeat: its table's changes are never records (even when the task selects its
   * database), and checkpoints come at least every half interval, so each beat's commit time
   * reaches the queue (and the latency measured from it) within about one interval.
   */
  readonly heartbeat?: HeartbeatOptions | null;
}

export interface ReaderDeps {
  readonly queue: Queue;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Told once the binlog connection is streaming (tests and the local runtime wait for it). */
  readonly onReady?: (start: StreamStart) => void;
  /** Called after each append: the reader made progress (ends a retry streak). */
  readonly onProgress?: () => void;
  /**
   * The task's object-set history (in the task state): the reader reads each stretch of the binlog
   * with the set in effect there and switches at object-set signals. Without it, `objects` only.
   */
  readonly objectSets?: ObjectSetLog;
}

/** Live counters of a running reader, for progress logs and status (the appender moves the counts). */
export interface ReaderStatus extends AppenderStatus {
  /** The full data sync's progress, when one has run. */
  snapshot: SnapshotStatus | null;
}

export function newReaderStatus(): ReaderStatus {
  return { records: 0, batches: 0, position: '', lastSourceTimeMs: 0, paused: false, snapshot: null };
}

function resumeFrom(facts: SourceFacts, start: Task['source']['start']): ResumePosition {
  if (start === 'current') return { file: facts.file, position: facts.position, gtidSet: facts.gtidSet, nextRecordId: 1 };
  if ('gtid' in start) return { file: facts.file, position: 4, gtidSet: normalizeGtidSet(start.gtid), nextRecordId: 1 };
  return { file: start.file, position: start.position, gtidSet: null, nextRecordId: 1 };
}

/** Reads until stopped; an object-set change ends one connection's read and starts the next with the new set. */
export async function runReader(options: ReaderOptions, deps: ReaderDeps, status?: ReaderStatus): Promise<void> {
  while ((await readWithObjectsInEffect(options, deps, status)) === 'switched' && !deps.signal.aborted);
}

async function readWithObjectsInEffect(options: ReaderOptions, deps: ReaderDeps, status?: ReaderStatus): Promise<'stopped' | 'switched'> {
  const { queue, log, signal } = deps;
  const control = await openSourceConnection(options.endpoint, 'the reader');
  const { query } = control;
  let stream: BinlogStream | null = null;
  let fullSync: FullSync | null = null;
  const timers: NodeJS.Timeout[] = [];
  let ended = false; // no group-commit flush after this read's end (a next read may append already)
  try {
    // Key values it reads (full-sync range cuts) must render TIMESTAMPs as the chunk readers do: in UTC.
    await query("SET SESSION time_zone = '+00:00'", []);
    const last = await queue.last();
    const start = last ? last.batch.resume : null;
    const objects = start ? await objectsInEffect(deps.objectSets, options.objects, start) : options.objects;
    const facts = await precheckSource(query, { serverId: options.replicaServerId, objects });
    const conditions = tableConditionsOf(objects);
    await validateConditions(query, conditions);
    // A configured GTID start is checked once, when it is used; a stored checkpoint came from this source.
    if (!last && options.start !== 'current' && 'gtid' in options.start) await checkGtidStart(query, facts.isMariaDb, options.start.gtid);
    const resume = start ?? resumeFrom(facts, options.start);
    if (!start) await objectsInEffect(deps.objectSets, options.objects, resume, true);
    const skipThrough = last ? last.batch.lastRecordId : 0;
    if (status) status.position = formatPosition(resume);
    log.info('reader starting', { from: formatPosition(resume), stored: last !== null, source: facts.version, nextRecordId: resume.nextRecordId });

    // eslint-disable-next-line prefer-const -- the full sync and the assembler refer to each other
    let assembler: TransactionAssembler;
    // Group commit: while the queue is idle a committed transaction leaves at once (after the
    // events already read in this turn joined it), so latency does not wait for batchMaxDelayMs;
    // while an append is in flight, commits gather into the next batch, which leaves when it ends.
    let flushQueued = false;
    const flushWhenIdle = () => {
      if (flushQueued || !appender.idle || signal.aborted || ended) return;
      flushQueued = true;
      setImmediate(() => {
        flushQueued = false;
        if (appender.idle && !signal.aborted && !ended) assembler.flush();
      });
    };
    const appender = createAppender(
      { consumers: options.consumers, maxLagBatches: options.reader.maxLagBatches, throttle: options.throttle },
      { queue, log, signal, onProgress: deps.onProgress, status, stream: () => stream, onIdle: flushWhenIdle },
    );
    fullSync = options.fullSync
      ? startFullSync(options.fullSync, {
          endpoint: options.endpoint,
          isMariaDb: facts.isMariaDb,
          objects,
          query,
          log,
          signal,
          target: () => assembler,
          room: appender.room,
          status,
          fresh: last === null,
          cursor: resume.snapshot ?? null,
        })
      : null;
    assembler = new TransactionAssembler({
      serverId: facts.serverId,
      serverVersion: facts.version,
      start: resume,
      skipThrough,
      batchMaxRecords: options.reader.batchMaxRecords,
      batchMaxBytes: options.reader.batchMaxBytes,
      emit: appender.add,
      observeRows: fullSync?.observe,
      observeDdl: fullSync?.observeDdl,
      beforeTransaction: fullSync?.merge,
      silentTable: options.heartbeat ? (database, table) => isHeartbeatTable(options.heartbeat?.table, database, table) : undefined,
      startSourceTimeMs: last?.batch.sourceTimeMs,
      afterCommit: flushWhenIdle,
    });
    const sync = fullSync;
    const objectSwitch = createObjectSwitch(options.fullSync?.taskName ?? '', objects, log);
    const onSignal = (schema: TableSchema, row: Row) => {
      // Past a switch, signals belong to the next set's reader (it reads them again).
      if (objectSwitch.closed || objectSwitch.onSignal(schema, row)) return;
      sync?.onSignal(schema, row);
    };
    stream = new BinlogStream({
      endpoint: options.endpoint,
      replicaServerId: options.replicaServerId,
      objects: createObjectSelection(objects),
      start: resume,
      assembler: deps.objectSets ? objectSwitch.gate(assembler) : assembler,
      schemas: new TableSchemas(query),
      conditions: conditions.size > 0 ? new StreamConditions(conditions) : undefined,
      signals: sync && options.fullSync?.signalTable ? { table: options.fullSync.signalTable, onSignal } : undefined,
      log,
    });
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([stream.start(), stopped]);
    if (!signal.aborted) deps.onReady?.(resume);
    timers.push(
      setInterval(
        () => {
          sync?.merge();
          assembler.flush();
        },
        Math.max(options.reader.batchMaxDelayMs, 10),
      ),
    );
    timers.push(setInterval(() => assembler.flush(true), checkpointEveryMs(options)));

    const failed = stream.done.then(() => undefined);
    const change = await Promise.race([stopped, failed, appender.failed, ...(sync ? [sync.finished] : []), ...(deps.objectSets ? [objectSwitch.switched] : [])]);
    // Stopping: read nothing more (held packets are dropped), keep every finished transaction
    // already assembled, drop the open one (it is re-read next time).
    stream.stop();
    if (change && !signal.aborted && deps.objectSets) {
      // The checkpoint at the switch's transaction end is where the new set's reader starts.
      await fullSync?.stop();
      assembler.flush(true);
      await appender.drain();
      await Promise.race([appender.failed, Promise.resolve()]); // an append that failed fails the switch too
      const record = switchRecord(change, objects, assembler.boundary);
      await deps.objectSets.record(record);
      log.info('object set switched', { at: formatPosition(assembler.boundary), signalId: record.signalId, added: record.added.join(','), removed: record.removed.join(',') });
      return 'switched';
    }
    assembler.flush();
    await appender.drain();
    log.info('reader stopped', { at: formatPosition(assembler.boundary), aborted: signal.aborted });
    return 'stopped';
  } finally {
    ended = true;
    for (const t of timers) clearInterval(t);
    stream?.stop();
    await fullSync?.stop();
    await control.close();
  }
}

/** Checkpoints every 5 s by default; with a heartbeat, at least every half heartbeat interval (not under 250 ms). */
export function checkpointEveryMs(options: Pick<ReaderOptions, 'checkpointIntervalMs' | 'heartbeat'>): number {
  const base = options.checkpointIntervalMs ?? 5000;
  return options.heartbeat ? Math.min(base, Math.max(250, options.heartbeat.intervalMs / 2)) : base;
}
