/**
 * The local runtime: the reader and every deliverer of one task in one process, on the task's
 * queue, each supervised by the task's retry windows. Logs progress (rows/s, lag) and ends
 * STOPPED on request or FAILED with the reason when a stage gives up.
 */
import { join } from 'node:path';
import type { Logger } from '../../log.ts';
import { newDeliveryStatus, supervise, windowsFromMinutes, type BackoffOptions, type DeliveryStatus, type RetryWindows } from '../../ops/index.ts';
import { superviseDestination } from '../deliver-destination.ts';
import { newReaderStatus, runReader, type ReaderStatus } from '../../source/reader.ts';
import type { StreamStart } from '../../source/binlog/binlog-stream.ts';
import { writeTaskState, type Task } from '../../task/index.ts';
import { openQueue, readerOptions, resolveDestinations, taskDir } from '../compose.ts';
import { DtsError } from '../../errors.ts';
import { startReaderThread } from './reader-thread.ts';
import { sendFullSyncRequest } from '../full-sync-request.ts';
import { scheduleEvery } from './schedule.ts';
import { createOperationFilter } from '../../source/filter.ts';

export interface RunTaskOptions {
  readonly task: Task;
  /** The task file's path (named in configuration errors). */
  readonly origin: string;
  /** Relative queue directories resolve from here. */
  readonly baseDir: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly onReaderReady?: (start: StreamStart) => void;
  readonly statusIntervalMs?: number;
  /** Tests shorten the task's windows and backoff; the task file's minutes apply otherwise. */
  readonly windows?: RetryWindows;
  readonly backoff?: BackoffOptions;
  /** Run the reader on its own thread (default), or on this one. */
  readonly readerThread?: boolean;
  /** Logger settings for the reader thread (it builds its own logger). */
  readonly logOptions?: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'text' | 'json' };
}

export interface TaskOutcome {
  /** COMPLETED: a full-sync-only task copied every table and every destination has it. */
  readonly status: 'STOPPED' | 'FAILED' | 'COMPLETED';
  readonly error?: Error;
}

export async function runTaskLocally(o: RunTaskOptions): Promise<TaskOutcome> {
  const { task, log } = o;
  const stateFile = join(taskDir(task, o.baseDir), 'state.json');
  // Resolve every secret before anything starts: a missing one is a configuration error, not a failure.
  const options = readerOptions(task, o.origin);
  const destinations = resolveDestinations(task, o.origin);
  const inThread = o.readerThread ?? true;
  const queue = await openQueue(task, o.baseDir, o.origin, { writer: !inThread });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  const windows = o.windows ?? windowsFromMinutes(task.advanced);
  const supervision = { windows, signal: stop.signal, backoff: o.backoff };
  let failure: Error | undefined;
  const failStage = (stage: string) => (err: Error) => {
    failure ??= err;
    log.error('task failed', { stage, error: err.message, ...(err instanceof DtsError ? { code: err.code, ...err.context } : {}) });
    stop.abort();
  };

  await writeTaskState(stateFile, { status: 'RUNNING', at: new Date().toISOString() });
  let readerStatus!: ReaderStatus;
  let completed = false;
  // The reader returns by itself only when a full-sync-only task copied everything: once every
  // destination has what the queue holds, the task is COMPLETED.
  const whenComplete = async () => {
    if (stop.signal.aborted || !readerStatus.snapshot?.completed) return;
    const { lastSeq } = await queue.stats();
    while (!stop.signal.aborted) {
      const { cursors } = await queue.stats();
      if (destinations.every((d) => (cursors[d.name] ?? 0) >= lastSeq)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    completed = !stop.signal.aborted;
    stop.abort();
  };
  const stages: Promise<void>[] = [];
  if (inThread) {
    const reader = startReaderThread(
      { task, origin: o.origin, baseDir: o.baseDir, log: o.logOptions ?? { level: task.log.level, format: 'text' }, windows, backoff: o.backoff },
      o.onReaderReady,
    );
    stop.signal.addEventListener('abort', () => reader.stop(), { once: true });
    readerStatus = reader.status;
    stages.push(reader.done.then(() => whenComplete(), failStage('reader')));
  } else {
    readerStatus = newReaderStatus();
    const readerLog = log.child({ stage: 'reader' });
    const status = readerStatus;
    stages.push(
      supervise((progress) => runReader(options, { queue, log: readerLog, signal: stop.signal, onReady: o.onReaderReady, onProgress: progress }, status), {
        ...supervision,
        log: readerLog,
      }).then(() => whenComplete(), failStage('reader')),
    );
  }
  const filter = createOperationFilter(task.objects);
  const deliveries = new Map<string, DeliveryStatus>();
  for (const destination of destinations) {
    const sinkLog = log.child({ stage: `deliver-${destination.type}`, destination: destination.name });
    const status = newDeliveryStatus();
    deliveries.set(destination.name, status);
    stages.push(
      superviseDestination(destination, { queue, signal: stop.signal, log: sinkLog, windows, backoff: o.backoff, status, filter }).catch(failStage(`deliver-${destination.type}:${destination.name}`)),
    );
  }

  if (task.fullSync.schedule) scheduleEvery(task.fullSync.schedule, stop.signal, log, () => sendFullSyncRequest(task, o.origin, null));
  const progress = startProgressLog(log, readerStatus, deliveries, o.statusIntervalMs ?? 10_000);
  // The task status carries the full sync's progress while one runs (rows, tables, the current table's estimate).
  let lastSnapshot = '';
  const statusWriter = setInterval(() => {
    const snapshot = readerStatus.snapshot;
    const text = JSON.stringify(snapshot);
    if (!snapshot || text === lastSnapshot || stop.signal.aborted) return;
    lastSnapshot = text;
    void writeTaskState(stateFile, { status: 'RUNNING', at: new Date().toISOString(), fullSync: snapshot }).catch(() => {});
  }, 1000);
  statusWriter.unref();
  try {
    await Promise.all(stages);
  } finally {
    clearInterval(progress);
    clearInterval(statusWriter);
    o.signal.removeEventListener('abort', onAbort);
    await queue.close();
  }
  const reason = failure && { message: failure.message, ...(failure instanceof DtsError ? { code: failure.code, context: failure.context } : {}) };
  const status = failure ? 'FAILED' : completed ? 'COMPLETED' : 'STOPPED';
  await writeTaskState(stateFile, { status, at: new Date().toISOString(), reason, ...(readerStatus.snapshot ? { fullSync: readerStatus.snapshot } : {}) });
  log.info(status === 'STOPPED' ? 'task stopped' : `task ${status}`, { records: readerStatus.records, position: readerStatus.position });
  return failure ? { status: 'FAILED', error: failure } : { status };
}

function startProgressLog(log: Logger, reader: ReaderStatus, deliveries: Map<string, DeliveryStatus>, everyMs: number): NodeJS.Timeout {
  let lastRead = 0;
  const lastDelivered = new Map<string, number>();
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const seconds = (now - lastAt) / 1000;
    lastAt = now;
    const fields: Record<string, unknown> = { readRowsPerSec: Math.round((reader.records - lastRead) / seconds), read: reader.records, position: reader.position, paused: reader.paused };
    lastRead = reader.records;
    const snap = reader.snapshot;
    if (snap && !snap.completed) {
      const pct = snap.currentEstimate > 0 ? Math.min(100, Math.round((snap.currentRows / snap.currentEstimate) * 100)) : null;
      fields.fullSync = `${snap.tablesDone}/${snap.tables} tables, ${snap.rows} rows${snap.current ? `; ${snap.current} ${snap.currentRows}/~${snap.currentEstimate}${pct === null ? '' : ` (${pct}%)`}` : ''}`;
    }
    for (const [name, s] of deliveries) {
      fields[`${name}.rowsPerSec`] = Math.round((s.records - (lastDelivered.get(name) ?? 0)) / seconds);
      fields[`${name}.delivered`] = s.records;
      // How far behind the reader, in source time: 0 when caught up, whatever the wall clock says.
      fields[`${name}.lagMs`] = Math.max(0, reader.lastSourceTimeMs - s.lastSourceTimeMs);
      lastDelivered.set(name, s.records);
    }
    log.info('progress', fields);
  }, everyMs);
  timer.unref();
  return timer;
}
