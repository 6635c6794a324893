/**
 * One destination's loop: read batches after its cursor, hand their records to the sink, commit
 * the cursor only after the sink acknowledged. A crash between acknowledgement and commit
 * redelivers the same records with the same ids (at-least-once, in order); nothing is committed
 * that the destination does not have.
 */
import type { Logger } from '../log.ts';
import type { ChangeRecord } from '../record/index.ts';
import type { Queue } from '../queue/types.ts';
import type { Sink } from '../sink/types.ts';

export interface DeliveryOptions {
  readonly queue: Queue;
  readonly sink: Sink;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Records handed to the sink per call. */
  readonly maxRecords?: number;
  /** Called after each committed step: work succeeded (ends a retry streak). */
  readonly progress?: () => void;
  readonly status?: DeliveryStatus;
  /** Records that pass reach the sink (the task's operation filter); the cursor passes all. */
  readonly filter?: ((record: ChangeRecord) => boolean) | null;
  /** Return once nothing new arrived for this long (an FC invocation that drains and exits). */
  readonly idleExitMs?: number;
}

export interface DeliveryStatus {
  records: number;
  cursor: number;
  /** Source time (ms) of the last delivered record: latency = now − this. */
  lastSourceTimeMs: number;
}

export function newDeliveryStatus(): DeliveryStatus {
  return { records: 0, cursor: 0, lastSourceTimeMs: 0 };
}

/** Runs until the signal aborts; a sink or queue failure rejects (supervise() decides on retry). */
export async function runDelivery(options: DeliveryOptions): Promise<void> {
  const { queue, sink, signal } = options;
  let cursor = await queue.cursor(sink.name);
  if (options.status) options.status.cursor = cursor;
  await sink.connect();
  const read = (after: number) => {
    const r = queue.read(after, { maxBatches: 256, maxRecords: options.maxRecords ?? 20_000, waitMs: 1000, signal });
    r.catch(() => {}); // observed when awaited
    return r;
  };
  let commit: Promise<void> = Promise.resolve();
  try {
    // The next read runs while the sink works on the current records, and a cursor commit runs
    // while the next records go out; commits stay in order and each follows its acknowledgement.
    let next = read(cursor);
    let lastDataAt = Date.now();
    while (!signal.aborted) {
      const entries = await next;
      if (entries.length === 0) {
        if (options.idleExitMs !== undefined && Date.now() - lastDataAt >= options.idleExitMs) break;
        next = read(cursor);
        continue;
      }
      lastDataAt = Date.now();
      const seq = entries.at(-1)!.seq;
      next = read(seq);
      const all = entries.length === 1 ? entries[0]!.batch.records : entries.flatMap((e) => e.batch.records);
      const records = options.filter ? all.filter(options.filter) : all;
      await sink.deliver(records);
      await commit;
      cursor = seq;
      commit = queue.commit(sink.name, seq);
      options.progress?.();
      const status = options.status;
      if (status) {
        status.records += records.length;
        status.cursor = cursor;
        const last = records.at(-1);
        if (last) status.lastSourceTimeMs = last.source.timestampMs;
      }
    }
    await commit;
  } finally {
    await sink.close().catch((err: Error) => options.log.warn('closing the destination failed', { error: err.message }));
  }
}
