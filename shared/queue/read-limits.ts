/** The defaults and stopping rule of `Queue.read`, shared by every adapter so they cut batches alike. */
import { QueueRangeError } from './errors.ts';
import type { QueueEntry, ReadOptions } from './types.ts';
import { defaults } from '../task/defaults.ts';

export interface ReadLimits {
  readonly maxBatches: number;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly waitMs: number;
}

export function readLimits(options: ReadOptions = {}): ReadLimits {
  return {
    maxBatches: Math.max(1, options.maxBatches ?? defaults.queueReadMaxBatches),
    maxRecords: options.maxRecords ?? Number.POSITIVE_INFINITY,
    maxBytes: options.maxBytes ?? defaults.queueReadMaxBytes,
    waitMs: Math.max(0, options.waitMs ?? 0),
  };
}

/** Whether a read that holds `batches` batches with `records` records and `bytes` stored bytes in all must stop adding. */
export function isReadFull(limits: ReadLimits, batches: number, records: number, bytes = 0): boolean {
  return batches >= limits.maxBatches || (batches > 0 && (records >= limits.maxRecords || bytes >= limits.maxBytes));
}

/**
 * `Queue.read`'s waiting rule, the same for every adapter: return what is available; when nothing
 * is, wait for an append (each adapter has its own way to hear of one) until `waitMs` is spent,
 * the signal aborts or the queue closes, then look again.
 */
export async function readOrWait(
  options: ReadOptions,
  isClosed: () => boolean,
  readAvailable: (limits: ReadLimits) => Promise<QueueEntry[]>,
  waitForAppend: (leftMs: number) => Promise<void>,
): Promise<QueueEntry[]> {
  const limits = readLimits(options);
  const deadline = Date.now() + limits.waitMs;
  for (;;) {
    const entries = await readAvailable(limits);
    const left = deadline - Date.now();
    if (entries.length > 0 || left <= 0 || options.signal?.aborted || isClosed()) return entries;
    await waitForAppend(left);
  }
}

/** Seqs are non-negative integers; anything else is a caller bug worth a clear message. */
export function assertSeq(what: string, seq: number, queue: string): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new QueueRangeError(`${what} must be a non-negative integer seq, got ${seq} (queue ${queue})`, { path: queue });
  }
}
