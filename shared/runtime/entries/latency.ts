/**
 * The latency function (timer): per destination, the DTS latency (now − the source commit time of
 * the newest change it acknowledged, heartbeats included: queue/latency.ts), and how far its
 * cursor is behind the queue's head in batches, records and source time; the task's metrics, also
 * logged as one `metrics` line; one sample per destination into the stored latency series. Never
 * appends, commits or holds back retention. With the heartbeat on, an idle task shows seconds.
 */
import { destinationLatency, type DestinationLatency } from '../../queue/latency.ts';
import type { Queue } from '../../queue/types.ts';
import type { Batch } from '../../record/index.ts';
import type { Logger } from '../../log.ts';
import { collectTaskMetrics, type TaskMetrics } from '../../ops/metrics/index.ts';
import { withLatencySample, type Task } from '../../task/index.ts';
import { openQueue } from '../compose.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import type { Entry } from '../fc/handler.ts';
import type { LatencyEvent } from '../fc/event-schemas.ts';
import { configuredTask } from './task-config.ts';

/** Records held in memory at once while scanning. */
const PAGE_RECORDS = 10_000;

export interface HeadReport {
  readonly seq: number;
  /** Source time of the last batch's last change (ISO); null when nothing is stored or it is a checkpoint without records. */
  readonly eventTime: string | null;
}

export interface DestinationLag {
  /** Seq of the last batch the destination acknowledged. */
  readonly cursor: number;
  /** DTS latency in ms (null before the destination acknowledged anything that carries a source time). */
  readonly latencyMs?: number | null;
  /** The source commit time (ISO) the destination is current up to. */
  readonly currentTo?: string | null;
  /** False when that time comes from the first pending batch (the acknowledged one was dropped): a lower bound. */
  readonly latencyExact?: boolean;
  readonly behindBatches: number;
  /** Records in those batches; a lower bound when `recordsExact` is false (the scan stopped). */
  readonly behindRecords: number;
  readonly recordsExact: boolean;
  /** Source time of the oldest change the destination has not acknowledged (ISO), null when caught up. */
  readonly oldestPendingEventTime: string | null;
  /**
   * Newest stored change's source time minus the oldest pending change's: how far in source time
   * the destination trails the reader (a lower bound when the scan stopped early).
   */
  readonly lagMs: number;
}

function lastEventTime(batch: Batch): number | null {
  const last = batch.records.at(-1);
  return last ? last.source.timestampMs : null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Scans the destination's pending batches, in pages, up to `scanRecords` records. */
export async function destinationLag(queue: Queue, cursor: number, head: { seq: number; timeMs: number | null }, scanRecords: number): Promise<DestinationLag> {
  let records = 0;
  let oldestMs: number | null = null;
  let newestMs: number | null = null;
  let seq = cursor;
  while (seq < head.seq && records < scanRecords) {
    const page = await queue.read(seq, { maxBatches: 64, maxRecords: Math.min(PAGE_RECORDS, scanRecords - records) });
    if (page.length === 0) break;
    for (const { batch } of page) {
      records += batch.records.length;
      oldestMs ??= batch.records[0]?.source.timestampMs ?? null;
      newestMs = lastEventTime(batch) ?? newestMs;
    }
    seq = page.at(-1)!.seq;
  }
  // The head batch may be a checkpoint without records: then the newest change scanned stands in.
  const headMs = head.timeMs ?? newestMs;
  return {
    cursor,
    behindBatches: head.seq - cursor,
    behindRecords: records,
    recordsExact: seq >= head.seq,
    oldestPendingEventTime: iso(oldestMs),
    lagMs: oldestMs !== null && headMs !== null ? Math.max(0, headMs - oldestMs) : 0,
  };
}

/**
 * Once a minute (the timer in s.yaml) at most, whatever calls it on demand in between: one sample
 * per destination joins the stored latency series. A little under 60 s, so a timer that fires a
 * moment early still samples.
 */
export const LATENCY_SAMPLE_MIN_INTERVAL_MS = 50_000;

export const latencyEntry: Entry<LatencyEvent> = async (event, _context, log) => {
  const { task, origin, baseDir } = await configuredTask(event);
  const scanRecords = event.scanRecords; // default in event-schemas.ts
  const queue = await openQueue(task, baseDir, origin, { writer: false });
  try {
    const last = await queue.last();
    const head = { seq: last?.seq ?? 0, timeMs: last ? lastEventTime(last.batch) : null };
    const destinations: Record<string, DestinationLag> = {};
    const now = Date.now();
    for (const destination of task.destinations) {
      const latency: DestinationLatency = await destinationLatency(queue, destination.name, now);
      const lag = await destinationLag(queue, latency.cursor, head, scanRecords);
      destinations[destination.name] = { ...lag, latencyMs: latency.latencyMs, currentTo: iso(latency.sourceTimeMs), latencyExact: latency.exact };
    }
    const metrics = await sampleAndLogMetrics(task, baseDir, origin, queue, destinations, now, log);
    return { task: task.name, head: { seq: head.seq, eventTime: iso(head.timeMs) } satisfies HeadReport, destinations, metrics };
  } finally {
    await queue.close();
  }
};

/**
 * Adds this minute's latencies to the stored series, and logs the task's metrics as one structured
 * `metrics` line: on FC the log (SLS) is where metrics go, the local runner serves the same values
 * on /metrics.
 */
async function sampleAndLogMetrics(task: Task, baseDir: string, origin: string, queue: Queue, lags: Record<string, DestinationLag>, now: number, log: Logger): Promise<TaskMetrics> {
  const store = await openTaskStateStore(task, baseDir, origin);
  try {
    const latencies = Object.fromEntries(Object.entries(lags).map(([name, lag]) => [name, lag.latencyMs ?? null]));
    const state = await store.update(withLatencySample(latencies, now, { minIntervalMs: LATENCY_SAMPLE_MIN_INTERVAL_MS }));
    const metrics = await collectTaskMetrics({ task: task.name, destinations: Object.keys(lags), queue, state, now });
    log.info('metrics', { ...metrics });
    return metrics;
  } finally {
    await store.close();
  }
}
