/**
 * The local runtime: the reader and every deliverer of one task in one process, on the task's
 * queue, each supervised by the task's retry windows. Logs progress (rows/s, lag, DTS latency),
 * stores a latency sample every 10 s, serves /metrics when given a metricsPort, and ends STOPPED
 * on request or FAILED with the reason when a stage gives up.
 *
 * The task state beside the queue decides whether it works: a PAUSED task (`dts pause`, from any
 * process, before or during this run) stops reading and delivering and waits for `dts resume`; a
 * `dts stop` ends the run STOPPED. Both are noticed by polling the state (statePollMs).
 */
import type { Logger } from '../../log.ts';
import {
  defaultStatePollMs,
  failureReason,
  newDeliveryStatus,
  sleep,
  supervise,
  watchTaskState,
  windowsFromMinutes,
  type BackoffOptions,
  type DeliveryStatus,
  type RetryWindows,
} from '../../ops/index.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import { objectSetLogOf } from '../task-state/object-set-log.ts';
import { requestObjectChangeLogged } from '../object-change-request.ts';
import { superviseDestination } from '../deliver-destination.ts';
import { newReaderStatus, runReader, type ReaderStatus } from '../../source/reader.ts';
import type { StreamStart } from '../../source/binlog/binlog-stream.ts';
import { starting, withDelivered, withFullSync, withLatencySample, type Task, type TaskState, type TaskStateStore } from '../../task/index.ts';
import { serveTaskMetrics, type MetricsServer } from '../../ops/metrics/index.ts';
import { destinationLatency } from '../../queue/latency.ts';
import type { Queue } from '../../queue/types.ts';
import { alertWebhookOf, openQueue, readerOptions, resolveDestinations } from '../compose.ts';
import { DtsError, ErrorCodes } from '../../errors.ts';
import { startReaderThread } from './reader-thread.ts';
import { sendFullSyncRequest } from '../full-sync-request.ts';
import { scheduleEvery, scheduleHeartbeat } from './schedule.ts';
import { startAlertMonitor } from '../../ops/alerts/index.ts';
import { createOperationFilter } from '../../source/operation-filter.ts';
import { createRecordMapping } from '../../mapping/index.ts';

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
  /** How often the task state is read for a pause or stop written by another process (default 500 ms). */
  readonly statePollMs?: number;
  /** Serve Prometheus text on `GET /metrics` at this port while the task runs (0: any free port). */
  readonly metricsPort?: number;
  /** The address the metrics endpoint binds (default 127.0.0.1). */
  readonly metricsHost?: string;
  /** Called once the metrics endpoint listens, with the port it bound (how a caller of port 0 learns it). */
  readonly onMetricsListening?: (address: { readonly host: string; readonly port: number }) => void;
  /** How often a latency sample joins the stored series (default 10 s). */
  readonly latencySampleMs?: number;
}

export interface TaskOutcome {
  /** COMPLETED: a full-sync-only task copied every table and every destination has it. */
  readonly status: 'STOPPED' | 'FAILED' | 'COMPLETED';
  readonly error?: Error;
}

export async function runTaskLocally(o: RunTaskOptions): Promise<TaskOutcome> {
  // Resolve every secret before anything starts: a missing one is a configuration error, not a failure.
  readerOptions(o.task, o.origin);
  resolveDestinations(o.task, o.origin);
  alertWebhookOf(o.task, o.origin);
  const store = await openTaskStateStore(o.task, o.baseDir, o.origin);
  let metrics: MetricsServer | null = null;
  try {
    // Before the state says RUNNING: a port in use is a configuration error that starts nothing.
    if (o.metricsPort !== undefined) metrics = await startMetrics(o, store);
    let state = await store.update(starting);
    // A task file edited while the task was stopped: its object set is switched at a binlog position.
    await requestObjectChangeLogged(o.task, o.origin, store, o.log);
    for (;;) {
      if (o.signal.aborted) return { status: 'STOPPED' };
      if (state?.status === 'PAUSED') {
        o.log.info('task paused; waiting for `npm run dts -- resume`', { state: store.where });
        state = await waitWhilePaused(store, o);
        if (state?.status === 'RUNNING') o.log.info('task resumed');
        continue;
      }
      // `dts stop` (or another process recording a failure) while this one waited.
      if (state && state.status !== 'RUNNING') return outcomeOf(state);
      const run = await runStages(o, store);
      if (run.interruptedBy?.status === 'PAUSED' && !o.signal.aborted) {
        state = run.interruptedBy;
        continue;
      }
      return run.outcome;
    }
  } finally {
    await metrics?.close();
    await store.close();
  }
}

/** The /metrics endpoint for the whole run, pauses included, on a read-only view of the queue of its own. */
async function startMetrics(o: RunTaskOptions, store: TaskStateStore): Promise<MetricsServer> {
  const queue = await openQueue(o.task, o.baseDir, o.origin, { writer: false });
  try {
    const destinations = o.task.destinations.map((d) => d.name);
    const server = await serveTaskMetrics({ task: o.task.name, destinations, queue, store, port: o.metricsPort!, host: o.metricsHost, log: o.log });
    o.onMetricsListening?.(server.address);
    return { address: server.address, close: () => server.close().finally(() => queue.close()) };
  } catch (err) {
    await queue.close();
    throw err;
  }
}

function outcomeOf(state: TaskState): TaskOutcome {
  if (state.status === 'FAILED') return { status: 'FAILED', error: new DtsError(state.reason?.message ?? 'the task is FAILED', { code: ErrorCodes.RETRY_WINDOW_EXCEEDED }) };
  return { status: state.status === 'COMPLETED' ? 'COMPLETED' : 'STOPPED' };
}

/** Polls the store until the task is no longer PAUSED (or this process is asked to stop). */
async function waitWhilePaused(store: TaskStateStore, o: RunTaskOptions): Promise<TaskState | null> {
  for (;;) {
    if (!(await sleep(o.statePollMs ?? defaultStatePollMs, o.signal))) return store.read();
    const state = await store.read().catch(() => undefined);
    if (state !== undefined && state?.status !== 'PAUSED') return state;
  }
}

interface StagesRun {
  readonly outcome: TaskOutcome;
  /** The state another process wrote that stopped this run (PAUSED, STOPPED). */
  readonly interruptedBy?: TaskState;
}

/** Runs the reader and every deliverer until the task stops, fails, completes, or another process pauses or stops it. */
async function runStages(o: RunTaskOptions, store: TaskStateStore): Promise<StagesRun> {
  const { task, log } = o;
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
  let interruptedBy: TaskState | undefined;
  const failStage = (stage: string) => (err: Error) => {
    failure ??= err;
    log.error('task failed', { stage, error: err.message, ...(err instanceof DtsError ? { code: err.code, ...err.context } : {}) });
    stop.abort();
  };
  const unwatch = watchTaskState(
    store,
    log,
    (state) => {
      interruptedBy = state;
      log.info(`task ${state.status} by another process; stopping reading and delivering`, { state: store.where });
      stop.abort();
    },
    o.statePollMs,
  );

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
    const reader = startReaderThread({ task, origin: o.origin, baseDir: o.baseDir, log: o.logOptions ?? { level: task.log.level, format: 'text' }, windows, backoff: o.backoff }, o.onReaderReady);
    stop.signal.addEventListener('abort', () => reader.stop(), { once: true });
    readerStatus = reader.status;
    stages.push(reader.done.then(() => whenComplete(), failStage('reader')));
  } else {
    readerStatus = newReaderStatus();
    const readerLog = log.child({ stage: 'reader' });
    const status = readerStatus;
    stages.push(
      supervise(
        (progress) => {
          const onReady = (start: StreamStart) => {
            progress(); // streaming closes a stored window, as in the reader thread
            o.onReaderReady?.(start);
          };
          return runReader(options, { queue, log: readerLog, signal: stop.signal, onReady, onProgress: progress, objectSets: objectSetLogOf(store) }, status);
        },
        { ...supervision, log: readerLog, stored: { store, stage: 'reader' } },
      ).then(() => whenComplete(), failStage('reader')),
    );
  }
  const filter = createOperationFilter(task.objects, task.ddl);
  const mapping = createRecordMapping(task, log);
  const deliveries = new Map<string, DeliveryStatus>();
  for (const destination of destinations) {
    const sinkLog = log.child({ stage: `deliver-${destination.type}`, destination: destination.name });
    const status = newDeliveryStatus();
    deliveries.set(destination.name, status);
    const stored = { store, stage: `deliver:${destination.name}` };
    stages.push(
      superviseDestination(destination, { queue, signal: stop.signal, log: sinkLog, windows, backoff: o.backoff, status, filter, mapping, taskName: task.name, stored }).catch(
        failStage(`deliver-${destination.type}:${destination.name}`),
      ),
    );
  }

  if (task.fullSync.schedule) scheduleEvery(task.fullSync.schedule, stop.signal, log, () => sendFullSyncRequest(task, o.origin, null));
  scheduleHeartbeat(task, o.origin, stop.signal, log.child({ stage: 'heartbeat' }));
  const alerts = startAlertMonitor({ task, webhook: alertWebhookOf(task, o.origin), store, queue, log: log.child({ stage: 'alerts' }), signal: stop.signal });
  const progress = startProgressLog(log, readerStatus, deliveries, o.statusIntervalMs ?? 10_000, queue);
  // The stored state carries the full sync's progress while one runs and each destination's delivered position.
  let lastSnapshot = '';
  const sampleEveryMs = o.latencySampleMs ?? 10_000;
  let lastSampleAt = 0;
  const statusWriter = setInterval(() => {
    if (stop.signal.aborted) return;
    if (Date.now() - lastSampleAt >= sampleEveryMs) {
      lastSampleAt = Date.now();
      void sampleLatency(
        queue,
        store,
        destinations.map((d) => d.name),
        lastSampleAt,
        sampleEveryMs,
      ).catch(() => {});
    }
    const snapshot = readerStatus.snapshot;
    const text = JSON.stringify(snapshot);
    if (snapshot && text !== lastSnapshot) {
      lastSnapshot = text;
      void store.update(withFullSync(snapshot)).catch(() => {});
    }
    void queue
      .stats()
      .then(({ cursors }) => store.update(withDelivered(Object.fromEntries(destinations.map((d) => [d.name, cursors[d.name] ?? 0])))))
      .catch(() => {});
  }, 1000);
  statusWriter.unref();
  try {
    await Promise.all(stages);
  } finally {
    unwatch();
    clearInterval(progress);
    clearInterval(statusWriter);
    o.signal.removeEventListener('abort', onAbort);
    const { cursors } = await queue.stats().catch(() => ({ cursors: {} as Record<string, number> }));
    await queue.close();
    await store.update(withDelivered(Object.fromEntries(destinations.map((d) => [d.name, cursors[d.name] ?? 0])))).catch(() => {});
  }
  const reason = failure && failureReason(failure);
  const status = failure ? 'FAILED' : completed ? 'COMPLETED' : 'STOPPED';
  const fullSync = readerStatus.snapshot ? { fullSync: readerStatus.snapshot } : {};
  // A pause or stop written by another process stays as written; this run only records its own end.
  if (failure || completed || !interruptedBy) {
    await store.update((current) => {
      const { reason: _, ...rest } = current ?? {};
      return { ...rest, status, at: new Date().toISOString(), ...(reason ? { reason } : {}), ...fullSync };
    });
  }
  // How this run ended (FAILED, PAUSED, STOPPED) reaches the alert webhook before the process exits.
  await alerts.finish();
  log.info(status === 'STOPPED' ? 'task stopped' : `task ${status}`, { records: readerStatus.records, position: readerStatus.position });
  const outcome: TaskOutcome = failure ? { status: 'FAILED', error: failure } : { status: interruptedBy && !completed ? outcomeOf(interruptedBy).status : status };
  return { outcome, interruptedBy };
}

/** One DTS latency sample per destination into the stored series (transitions.ts withLatencySample). */
async function sampleLatency(queue: Queue, store: TaskStateStore, names: readonly string[], at: number, everyMs: number): Promise<void> {
  const latencies = await Promise.all(names.map(async (name) => [name, (await destinationLatency(queue, name, at)).latencyMs] as const));
  await store.update(withLatencySample(Object.fromEntries(latencies), at, { minIntervalMs: everyMs }));
}

function startProgressLog(log: Logger, reader: ReaderStatus, deliveries: Map<string, DeliveryStatus>, everyMs: number, queue: Queue): NodeJS.Timeout {
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
      fields[`${name}.latencyMs`] = null; // filled in below; null while nothing is acknowledged
      lastDelivered.set(name, s.records);
    }
    // DTS latency: now − the source time of the newest change it acknowledged, heartbeats included.
    void Promise.all(
      [...deliveries.keys()].map(async (name) => {
        fields[`${name}.latencyMs`] = (await destinationLatency(queue, name, now)).latencyMs;
      }),
    )
      .catch(() => {})
      .finally(() => log.info('progress', fields));
  }, everyMs);
  timer.unref();
  return timer;
}
