/**
 * DTS latency of one destination: now − the source commit time of the newest change that
 * destination has acknowledged, heartbeats included. A heartbeat's commit time rides on the batch
 * that passed it (`Batch.sourceTimeMs`), so a caught-up destination of an idle source stays within
 * about one heartbeat interval, and one that stopped acknowledging grows by the wall clock.
 * Read-only: it never appends, commits or holds back retention.
 */
import type { Batch } from '../record/index.ts';
import { QueueRangeError } from './errors.ts';
import type { Queue } from './types.ts';

export interface DestinationLatency {
  /** Seq of the last batch the destination acknowledged (0 before any). */
  readonly cursor: number;
  /** Source commit time (ms) the destination is current up to; null when nothing tells it yet. */
  readonly sourceTimeMs: number | null;
  /** `now − sourceTimeMs`, never negative (clocks differ; binlog times have second precision); null when unknown. */
  readonly latencyMs: number | null;
  /**
   * False when retention already dropped the acknowledged batch: the time is then the first
   * pending batch's oldest change, so the latency is a lower bound.
   */
  readonly exact: boolean;
}

/** The newest source time a batch vouches for: what the reader had passed, or its last change (older queues). */
export function batchSourceTime(batch: Batch): number | null {
  const lastChange = batch.records.at(-1)?.source.timestampMs;
  if (batch.sourceTimeMs === undefined) return lastChange ?? null;
  return Math.max(batch.sourceTimeMs, lastChange ?? 0);
}

/** The oldest source time in a batch: a bound on what came before it. */
function earliestSourceTime(batch: Batch): number | null {
  return batch.records[0]?.source.timestampMs ?? batch.sourceTimeMs ?? null;
}

/** Latency from a known acknowledged source time (pure; `now` in ms). */
export function latencyFrom(sourceTimeMs: number | null, now: number): number | null {
  return sourceTimeMs === null ? null : Math.max(0, now - sourceTimeMs);
}

export async function destinationLatency(queue: Queue, destination: string, now: number = Date.now()): Promise<DestinationLatency> {
  const cursor = await queue.cursor(destination);
  const unknown = { cursor, sourceTimeMs: null, latencyMs: null, exact: true };
  if (cursor === 0) return unknown;
  // The last batch is always kept (the reader resumes from it), and a caught-up destination sits on it.
  const last = await queue.last();
  if (last && last.seq === cursor) return at(cursor, batchSourceTime(last.batch), now, true);
  try {
    const [entry] = await queue.read(cursor - 1, { maxBatches: 1 });
    if (entry?.seq === cursor) return at(cursor, batchSourceTime(entry.batch), now, true);
  } catch (err) {
    if (!(err instanceof QueueRangeError)) throw err;
  }
  const [next] = await queue.read(cursor, { maxBatches: 1 }).catch((err: unknown) => {
    if (err instanceof QueueRangeError) return [];
    throw err;
  });
  return next ? at(cursor, earliestSourceTime(next.batch), now, false) : unknown;
}

function at(cursor: number, sourceTimeMs: number | null, now: number, exact: boolean): DestinationLatency {
  return { cursor, sourceTimeMs, latencyMs: latencyFrom(sourceTimeMs, now), exact };
}
