/**
 * One task's metrics at one moment, read from what every process shares: the queue (how far the
 * reader and each destination got, DTS latency) and the stored state (status, retry windows, full
 * sync). The local runner renders it as Prometheus text on /metrics, the FC latency function logs
 * it as one `metrics` line: the same values either way.
 *
 * Record counts come from record ids, which are dense from 1 in stream order: the newest queued
 * id is how many records the reader has queued, the id at a destination's cursor how many it
 * has passed. They are totals since the queue began, the same in every process, and cost two reads.
 */
import { destinationProgress } from '../../queue/latency.ts';
import type { Queue } from '../../queue/types.ts';
import type { TaskState, TaskStatus } from '../../task/index.ts';

export const TASK_STATUSES: readonly TaskStatus[] = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'COMPLETED'];

export interface DestinationMetrics {
  /** Records the destination acknowledged (its cursor passed them; those its operation filter drops count). */
  readonly deliveredRecordsTotal: number;
  /** DTS latency: now − source commit time of the newest change it acknowledged; null before it acknowledged any. */
  readonly latencyMs: number | null;
  /** False when measured from the first pending batch (the acknowledged one was dropped): a lower bound. */
  readonly latencyExact: boolean;
  /** The queue seq it acknowledged, and the batches and records queued after it. */
  readonly cursor: number;
  readonly pendingBatches: number;
  readonly pendingRecords: number;
}

export interface RetryWindowMetrics {
  readonly open: boolean;
  readonly openSeconds: number;
  readonly attempts: number;
}

export interface FullSyncMetrics {
  readonly tables: number;
  readonly tablesDone: number;
  readonly rowsCopied: number;
  readonly completed: boolean;
}

export interface TaskMetrics {
  readonly task: string;
  /** The stored status; RUNNING when none is recorded (a task that never ran has nothing stopping it). */
  readonly status: TaskStatus;
  /** Records the reader has queued (row changes, full-sync rows, DDL). */
  readonly readRecordsTotal: number;
  /** Seq of the newest queued batch. */
  readonly queueHeadSeq: number;
  readonly destinations: Readonly<Record<string, DestinationMetrics>>;
  /** By stage (`reader`, `deliver:<destination>`, and any other stage the state names). */
  readonly retryWindows: Readonly<Record<string, RetryWindowMetrics>>;
  /** Null when no full sync has run. */
  readonly fullSync: FullSyncMetrics | null;
}

export interface CollectInput {
  readonly task: string;
  readonly destinations: readonly string[];
  readonly queue: Queue;
  readonly state: TaskState | null;
  readonly now?: number;
}

export async function collectTaskMetrics({ task, destinations, queue, state, now = Date.now() }: CollectInput): Promise<TaskMetrics> {
  const last = await queue.last();
  const queueHeadSeq = last?.seq ?? 0;
  const readRecordsTotal = last?.batch.lastRecordId ?? 0;
  const perDestination: Record<string, DestinationMetrics> = {};
  for (const name of destinations) {
    const p = await destinationProgress(queue, name, now);
    // A cursor whose batches are gone (cannot happen while it holds retention) counts as caught up only at the head.
    const delivered = p.recordsThrough ?? (p.cursor >= queueHeadSeq ? readRecordsTotal : 0);
    perDestination[name] = {
      deliveredRecordsTotal: delivered,
      latencyMs: p.latencyMs,
      latencyExact: p.exact,
      cursor: p.cursor,
      pendingBatches: Math.max(0, queueHeadSeq - p.cursor),
      pendingRecords: Math.max(0, readRecordsTotal - delivered),
    };
  }
  return {
    task,
    status: state?.status ?? 'RUNNING',
    readRecordsTotal,
    queueHeadSeq,
    destinations: perDestination,
    retryWindows: retryWindowMetrics(state, destinations, now),
    fullSync: fullSyncMetrics(state?.fullSync),
  };
}

/** Every stage the task has, open or not, so a dashboard sees a window close (1 → 0), not vanish. */
function retryWindowMetrics(state: TaskState | null, destinations: readonly string[], now: number): Record<string, RetryWindowMetrics> {
  const stages = new Set(['reader', ...destinations.map((d) => `deliver:${d}`), ...Object.keys(state?.retryWindows ?? {})]);
  const out: Record<string, RetryWindowMetrics> = {};
  for (const stage of stages) {
    const w = state?.retryWindows?.[stage];
    out[stage] = w ? { open: true, openSeconds: Math.max(0, Math.round((now - w.since) / 1000)), attempts: w.attempts } : { open: false, openSeconds: 0, attempts: 0 };
  }
  return out;
}

/** The stored full-sync progress (the reader's SnapshotStatus), read defensively: the state is JSON from any version. */
function fullSyncMetrics(progress: unknown): FullSyncMetrics | null {
  if (progress === null || typeof progress !== 'object') return null;
  const p = progress as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { tables: num(p.tables), tablesDone: num(p.tablesDone), rowsCopied: num(p.rows), completed: p.completed === true };
}
