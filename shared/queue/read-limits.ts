/** The defaults and stopping rule of `Queue.read`, shared by every adapter so they cut batches alike. */
import { QueueRangeError } from './errors.ts';
import type { ReadOptions } from './types.ts';

export const DEFAULT_MAX_BATCHES = 64;

export interface ReadLimits {
  readonly maxBatches: number;
  readonly maxRecords: number;
  readonly waitMs: number;
}

export function readLimits(options: ReadOptions = {}): ReadLimits {
  return {
    maxBatches: Math.max(1, options.maxBatches ?? DEFAULT_MAX_BATCHES),
    maxRecords: options.maxRecords ?? Number.POSITIVE_INFINITY,
    waitMs: Math.max(0, options.waitMs ?? 0),
  };
}

/** Whether a read that holds `batches` batches with `records` records in all must stop adding. */
export function isReadFull(limits: ReadLimits, batches: number, records: number): boolean {
  return batches >= limits.maxBatches || (batches > 0 && records >= limits.maxRecords);
}

/** Seqs are non-negative integers; anything else is a caller bug worth a clear message. */
export function assertSeq(what: string, seq: number, queue: string): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new QueueRangeError(`${what} must be a non-negative integer seq, got ${seq} (queue ${queue})`, { path: queue });
  }
}
