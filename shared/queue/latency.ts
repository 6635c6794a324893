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

/** A destination's latency plus how many records it has passed, from the same reads of the queue. */
export interface DestinationProgress extends DestinationLatency {
  /**
   * Records the destination's cursor has passed (acknowledged, or dropped by its operation filter):
   * record ids are dense from 1 in stream order, so this is the last id it passed. Null when the
   * queue no longer tells (the acknowledged and the next batch are both gone).
   */
  readonly recordsThrough: number | null;
}

export async function destinationLatency(queue: Queue, destination: string, now: number = Date.now()): Promise<DestinationLatency> {
  const { recordsThrough: _, ...latency } = await destinationProgress(queue, destination, now);
  return latency;
}

export async function destinationProgress(queue: Queue, destination: string, now: number = Date.now()): Promise<DestinationProgress> {
  const cursor = await queue.cursor(destination);
  if (cursor === 0) return { cursor, sourceTimeMs: null, latencyMs: null, exact: true, recordsThrough: 0 };
  // The last batch is always kept (the reader resumes from it), and a caught-up destination sits on it.
  const last = await queue.last();
  if (last && last.seq === cursor) return at(cursor, batchSourceTime(last.batch), now, true, last.batch.lastRecordId);
  try {
    const [entry] = await queue.read(cursor - 1, { maxBatches: 1 });
    if (entry?.seq === cursor) return at(cursor, batchSourceTime(entry.batch), now, true, entry.batch.lastRecordId);
  } catch (err) {
    if (!(err instanceof QueueRangeError)) throw err;
  }
  const [next] = await queue.read(cursor, { maxBatches: 1 }).catch((err: unknown) => {
    if (err instanceof QueueRangeError) return [];
    throw err;
  });
  if (!next) return { cursor, sourceTimeMs: null, latencyMs: null, exact: true, recordsThrough: null };
  // Everything before the first pending batch was passed: its first record's id − 1 (or, empty, its last id).
  const firstId = next.batch.records[0]?.id;
  return at(cursor, earliestSourceTime(next.batch), now, false, firstId === undefined ? next.batch.lastRecordId : firstId - 1);
}

function at(cursor: number, sourceTimeMs: number | null, now: number, exact: boolean, recordsThrough: number): DestinationProgress {
  return { cursor, sourceTimeMs, latencyMs: latencyFrom(sourceTimeMs, now), exact, recordsThrough };
}
