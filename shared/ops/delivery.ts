/**
 * One destination's loop: read batches after its cursor, hand their records to the sink, and
 * commit the cursor over the longest prefix of batches the sink acknowledged (queue/inflight.ts).
 * The one place that moves a delivery cursor. Invariants:
 * - nothing is committed that the destination does not durably hold (`acknowledgedThrough`);
 * - a sink that buffers (acknowledges later) is ticked with `deliver([], { flush: false })` while
 *   the queue is idle and it still holds unacknowledged records, so a time-based flush can happen,
 *   and is flushed (`{ flush: true }`) before the loop returns on idle exit or stop;
 * - a retry (supervise() calls the loop again, with a new sink) starts at the committed cursor and
 *   hands the sink only records after `progress.acknowledgedThrough`, which outlives attempts;
 * - a crash between acknowledgement and commit redelivers the same records with the same ids
 *   (at-least-once, in order).
 * The next read and the previous commit overlap with the sink's work; commits stay in order. A
 * sink's write left in flight (`inFlight`) is collected as soon as it is answered.
 */
import type { Logger } from '../log.ts';
import type { ChangeRecord } from '../record/index.ts';
import { InflightBatches, type InflightBatch } from '../queue/inflight.ts';
import type { Queue, QueueEntry } from '../queue/types.ts';
import type { Acknowledgement, Sink } from '../sink/types.ts';
import type { RecordMapping } from '../mapping/index.ts';

export interface DeliveryOptions {
  readonly queue: Queue;
  readonly sink: Sink;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * The read stops adding batches once it holds this many records, and a batch is never split: a
   * call holds at most maxRecords + (one batch's records - 1), and one oversized batch whole.
   */
  readonly maxRecords?: number;
  /** What the destination acknowledged so far: create it once per destination, pass it to every attempt. */
  readonly progress?: DeliveryProgress;
  /** Called whenever the cursor moved: work succeeded (ends a retry streak). */
  readonly onProgress?: () => void;
  readonly status?: DeliveryStatus;
  /** Records that pass reach the sink (the task's operation filter); the cursor passes all. */
  readonly filter?: ((record: ChangeRecord) => boolean) | null;
  /** Source names → destination names for the records that pass (mapping/); ids stay as they are. */
  readonly mapping?: RecordMapping | null;
  /** Return once nothing new arrived for this long (an FC invocation that drains and exits). */
  readonly idleExitMs?: number;
  /** How long one read waits for an append; also how often an idle buffering sink is ticked (default 1 s). */
  readonly readWaitMs?: number;
}

/** Survives retry attempts (and only them): a retried attempt never hands an acknowledged record again. */
export interface DeliveryProgress {
  /** Id of the last record the destination acknowledged (0: none yet in this process). */
  acknowledgedThrough: number;
}

export function newDeliveryProgress(): DeliveryProgress {
  return { acknowledgedThrough: 0 };
}

export interface DeliveryStatus {
  /** Records the destination acknowledged (and whose batches are committed or about to be). */
  records: number;
  cursor: number;
  /** Source time (ms) of the last acknowledged record: latency = now − this. */
  lastSourceTimeMs: number;
}

export function newDeliveryStatus(): DeliveryStatus {
  return { records: 0, cursor: 0, lastSourceTimeMs: 0 };
}

interface HandedBatch extends InflightBatch {
  readonly records: number;
  /** Source time of the batch's last handed record (0 when it handed none). */
  readonly lastSourceTimeMs: number;
}

const NOT_YET = () => false;

/** Runs until the signal aborts (or idle exit); a sink or queue failure rejects (supervise() decides on retry). */
export async function runDelivery(options: DeliveryOptions): Promise<void> {
  const { queue, sink, signal } = options;
  const progress = options.progress ?? newDeliveryProgress();
  const readWaitMs = options.readWaitMs ?? 1000;
  const inflight = new InflightBatches<HandedBatch>();
  /** Id of the last record handed to the sink (or acknowledged before this attempt). */
  let handedThrough = progress.acknowledgedThrough;
  let cursor = await queue.cursor(sink.name);
  if (options.status) options.status.cursor = cursor;
  let commit: Promise<void> = Promise.resolve();
  // Ends the read still waiting when the loop returns or fails, so it does not outlive the loop.
  const reading = new AbortController();
  const stopReading = () => reading.abort();
  signal.addEventListener('abort', stopReading, { once: true });

  const read = (after: number) => {
    const r = queue.read(after, { maxBatches: 256, maxRecords: options.maxRecords ?? 20_000, waitMs: readWaitMs, signal: reading.signal });
    r.catch(() => {}); // observed when awaited
    return r;
  };

  const mapping = options.mapping ?? null;
  /**
   * Records of the first batches of `entries` for the sink, at least one batch and then whole
   * batches up to `limit` records, taken out of `entries` (decoded as their turn comes, then no
   * longer referenced here), each batch entered in flight.
   */
  const take = (entries: QueueEntry[], limit: number): ChangeRecord[] => {
    const out: ChangeRecord[] = [];
    for (let entry = entries.shift(); entry; entry = out.length < limit ? entries.shift() : undefined) {
      const { seq, batch } = entry;
      let lastId: number | null = null;
      let lastSourceTimeMs = 0;
      let count = 0;
      for (const record of batch.records) {
        if (record.id <= handedThrough || (options.filter && !options.filter(record))) continue;
        out.push(mapping === null ? record : mapping(record));
        lastId = record.id;
        lastSourceTimeMs = record.source.timestampMs;
        count += 1;
      }
      if (lastId !== null) handedThrough = lastId;
      inflight.add({ seq, lastId, records: count, lastSourceTimeMs });
    }
    return out;
  };

  /** Records the acknowledgement, commits what it completes, and throws a reported failure after that. */
  const settle = async (ack: Acknowledgement): Promise<void> => {
    // Only records it was handed count, whatever a sink claims beyond them.
    const through = Math.min(ack.acknowledgedThrough, handedThrough);
    if (through > progress.acknowledgedThrough) progress.acknowledgedThrough = through;
    const done = inflight.complete(progress.acknowledgedThrough);
    if (done.length > 0) {
      const seq = done.at(-1)!.seq;
      await commit;
      cursor = seq;
      commit = queue.commit(sink.name, seq);
      commit.catch(() => {}); // observed by the next settle or at the end
      options.onProgress?.();
      const status = options.status;
      if (status) {
        status.cursor = cursor;
        for (const b of done) {
          status.records += b.records;
          if (b.lastId !== null) status.lastSourceTimeMs = b.lastSourceTimeMs;
        }
      }
    }
    if (ack.failure !== undefined) {
      await commit;
      throw ack.failure;
    }
  };

  const unacknowledged = () => handedThrough > progress.acknowledgedThrough;

  try {
    await sink.connect();
    let next = read(cursor);
    let readThrough = cursor;
    let lastDataAt = Date.now();
    while (!signal.aborted) {
      // A write still in flight (Kafka's last request) is collected as soon as it is answered,
      // not when the next read returns: the cursor follows the acknowledgements closely.
      const answered = unacknowledged() ? (sink.inFlight?.() ?? null) : null;
      if (answered && (await Promise.race([next.then(NOT_YET, NOT_YET), answered.then(() => true)]))) {
        await settle(await sink.deliver([], { flush: false }));
        continue;
      }
      const entries = [...(await next)];
      if (entries.length === 0) {
        if (unacknowledged()) await settle(await sink.deliver([], { flush: false }));
        if (options.idleExitMs !== undefined && Date.now() - lastDataAt >= options.idleExitMs) break;
        next = read(readThrough);
        continue;
      }
      lastDataAt = Date.now();
      readThrough = entries.at(-1)!.seq;
      next = read(readThrough);
      // A sink that takes a read in parts (`callRecords`) gets whole batches up to that many
      // records per call: a read's decoded records never live all at once. One settle per read
      // keeps the cursor commit out of the calls' way. Batches with nothing to hand complete at
      // once, unless the sink still holds earlier records.
      let ack: Acknowledgement = { acknowledgedThrough: progress.acknowledgedThrough };
      while (entries.length > 0 && ack.failure === undefined) {
        const records = take(entries, sink.callRecords ?? Infinity);
        if (records.length > 0 || unacknowledged()) ack = await sink.deliver(records);
      }
      await settle(ack);
    }
    // Idle exit or stop: what the sink holds becomes durable before the loop returns.
    if (unacknowledged()) await settle(await sink.deliver([], { flush: true }));
    await commit;
  } finally {
    signal.removeEventListener('abort', stopReading);
    reading.abort();
    // A retry reads the cursor again: let the last commit land first (its failure is not this one's).
    await commit.catch(() => {});
    await sink.close().catch((err: Error) => options.log.warn('closing the destination failed', { error: err.message }));
  }
}
