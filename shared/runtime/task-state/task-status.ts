/**
 * What `dts status` shows: the stored state, each destination's delivered position and lag (batches
 * and records between its cursor and the reader's last appended batch, read from the queue itself),
 * its DTS latency now and the stored latency series, the open retry windows and the full sync's progress.
 */
import { openQueue } from '../compose.ts';
import { destinationLatency } from '../../queue/latency.ts';
import type { FailureReason, LatencySample, ObjectSetChange, Task, TaskState, TaskStatus } from '../../task/index.ts';
import { openTaskStateStore } from './state-store.ts';

export interface DestinationStatus {
  readonly name: string;
  readonly type: string;
  /** The queue seq this destination has acknowledged up to. */
  readonly deliveredSeq: number;
  readonly lagBatches: number;
  /** Records the reader has queued that this destination has not acknowledged. */
  readonly lagRecords: number;
  /** DTS latency now: now − the source commit time of the newest change it acknowledged; null before it acknowledged any. */
  readonly latencyMs: number | null;
  /** That source commit time (ISO). */
  readonly currentTo: string | null;
  /** False when measured from the first pending batch (the acknowledged one was dropped): a lower bound. */
  readonly latencyExact: boolean;
  /** The stored latency samples, oldest first (one a minute on FC, every 10 s under `npm start`). */
  readonly latencySeries: readonly LatencySample[];
}

export interface RetryWindowStatus {
  readonly stage: string;
  readonly since: string;
  readonly openSeconds: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

export interface TaskStatusReport {
  readonly task: string;
  /** RUNNING when nothing was recorded yet: a task that never ran has nothing to stop it. */
  readonly status: TaskStatus;
  readonly recorded: boolean;
  readonly since: string | null;
  readonly reason: FailureReason | null;
  readonly stateAt: string;
  readonly readerSeq: number;
  readonly destinations: readonly DestinationStatus[];
  readonly retryWindows: readonly RetryWindowStatus[];
  readonly fullSync: unknown;
  /** The object set over the binlog, oldest first: what was selected from which position and when the reader switched. */
  readonly objectSets: readonly ObjectSetChange[];
}

export async function taskStatus(task: Task, baseDir: string, origin: string, now = Date.now()): Promise<TaskStatusReport> {
  const store = await openTaskStateStore(task, baseDir, origin);
  let state: TaskState | null;
  try {
    state = await store.read();
  } finally {
    await store.close();
  }
  const queue = await openQueue(task, baseDir, origin, { writer: false });
  let destinations: DestinationStatus[];
  let readerSeq: number;
  try {
    const stats = await queue.stats();
    readerSeq = stats.lastSeq;
    const records = await recordsAfter(queue, Math.min(readerSeq, ...task.destinations.map((d) => stats.cursors[d.name] ?? 0)), readerSeq);
    destinations = [];
    for (const d of task.destinations) {
      const seq = stats.cursors[d.name] ?? 0;
      const latency = await destinationLatency(queue, d.name, now);
      destinations.push({
        name: d.name,
        type: d.type,
        deliveredSeq: seq,
        lagBatches: readerSeq - seq,
        lagRecords: records.filter((r) => r.seq > seq).reduce((n, r) => n + r.count, 0),
        latencyMs: latency.latencyMs,
        currentTo: latency.sourceTimeMs === null ? null : new Date(latency.sourceTimeMs).toISOString(),
        latencyExact: latency.exact,
        latencySeries: state?.latencySeries?.[d.name] ?? [],
      });
    }
  } finally {
    await queue.close();
  }
  const retryWindows = Object.entries(state?.retryWindows ?? {}).map(([stage, w]) => ({
    stage,
    since: new Date(w.since).toISOString(),
    openSeconds: Math.max(0, Math.round((now - w.since) / 1000)),
    attempts: w.attempts,
    lastError: w.lastError?.message ?? null,
  }));
  return {
    task: task.name,
    status: state?.status ?? 'RUNNING',
    recorded: state !== null,
    since: state?.at ?? null,
    reason: state?.reason ?? null,
    stateAt: store.where,
    readerSeq,
    destinations,
    retryWindows,
    fullSync: state?.fullSync ?? null,
    objectSets: state?.objectSets ?? [],
  };
}

/** Record counts of the batches after `fromSeq` up to `toSeq` (what some destination has yet to acknowledge). */
async function recordsAfter(queue: Awaited<ReturnType<typeof openQueue>>, fromSeq: number, toSeq: number): Promise<{ seq: number; count: number }[]> {
  const counts: { seq: number; count: number }[] = [];
  let after = fromSeq;
  while (after < toSeq) {
    const entries = await queue.read(after, { maxBatches: 256 });
    if (entries.length === 0) break;
    for (const e of entries) if (e.seq <= toSeq) counts.push({ seq: e.seq, count: e.batch.records.length });
    after = entries.at(-1)!.seq;
  }
  return counts;
}
