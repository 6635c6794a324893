/**
 * The batches a deliverer has read and handed to its sink but not yet committed, in queue order
 * (Maxwell's InflightMessageList). Invariant: the cursor moves only over the longest prefix of
 * batches whose handed records are all acknowledged, so a later batch never commits before an
 * earlier one, whatever order acknowledgements come in.
 *
 * Record ids grow along the queue, so "every handed record of the batch is acknowledged" is
 * `lastId <= acknowledgedThrough`; a batch that handed nothing (all filtered out, or all already
 * acknowledged before a retry: `lastId` null) completes as soon as the batches before it do.
 * Pure: no I/O, no clock.
 */
import { InvariantError } from '../errors.ts';

export interface InflightBatch {
  readonly seq: number;
  /** Id of the last record of the batch handed to the sink; null when it handed none. */
  readonly lastId: number | null;
}

export function isBatchAcknowledged(batch: InflightBatch, acknowledgedThrough: number): boolean {
  return batch.lastId === null || batch.lastId <= acknowledgedThrough;
}

/** How many leading batches are fully acknowledged. */
export function acknowledgedPrefix(batches: readonly InflightBatch[], acknowledgedThrough: number): number {
  let n = 0;
  while (n < batches.length && isBatchAcknowledged(batches[n]!, acknowledgedThrough)) n++;
  return n;
}

export class InflightBatches<B extends InflightBatch = InflightBatch> {
  readonly #batches: B[] = [];
  #lastSeq = 0;
  #lastId = 0;

  get size(): number {
    return this.#batches.length;
  }

  /** Appends the next batch read; seqs and ids must keep growing (the queue guarantees it). */
  add(batch: B): void {
    if (batch.seq <= this.#lastSeq || (batch.lastId !== null && batch.lastId <= this.#lastId)) {
      throw new InvariantError(`in-flight batch seq ${batch.seq} (last record ${batch.lastId}) does not follow seq ${this.#lastSeq} (last record ${this.#lastId})`, { seq: batch.seq });
    }
    this.#lastSeq = batch.seq;
    if (batch.lastId !== null) this.#lastId = batch.lastId;
    this.#batches.push(batch);
  }

  /** Removes and returns the acknowledged prefix (oldest first); the cursor may move to its last seq. */
  complete(acknowledgedThrough: number): B[] {
    const n = acknowledgedPrefix(this.#batches, acknowledgedThrough);
    return n === 0 ? [] : this.#batches.splice(0, n);
  }
}
