/**
 * runDelivery as a destination runs it (runtime/deliver-destination.ts): under supervise(), a new
 * sink per attempt and one DeliveryProgress for all of them, over a real file queue. What these
 * tests hold it to, beyond delivery.test.ts:
 * - the at-least-once contract, exactly: a call that rejected acknowledged nothing, so a retry
 *   hands its records again, with the same ids and in the same order; a record the destination
 *   acknowledged is never handed again in the same process (the progress outlives attempts);
 * - a fatal error ends the destination with that very error, after one attempt;
 * - an abort lets the call in flight finish, hands nothing more, and ends a waiting read at once;
 * - the limits: a read stops adding batches once it holds `maxRecords` records or 256 batches,
 *   never splits a batch, and the loop calls the sink once at a time with one read ahead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../shared/log.ts';
import { newDeliveryProgress, runDelivery, supervise, type DeliveryOptions, type DeliveryProgress } from '../../../shared/ops/index.ts';
import { createFileQueue } from '../../../shared/queue/file/index.ts';
import type { Queue } from '../../../shared/queue/index.ts';
import { SinkConnectionError, SinkWriteError } from '../../../shared/sink/errors.ts';
import { fakeSink, range, trackCommits, waitUntil, writeThrough, type FakeSink, type Policy, type TrackedCommit } from '../../helpers/fake-sink.ts';
import { makeBatch } from '../../helpers/queue-batches.ts';

const NAME = 'dest';
const windows = { connectionMs: 60_000, otherMs: 60_000 };
const backoff = { initialMs: 1, maxMs: 1, factor: 1 };

/** A policy that waits for `open()` before answering as `then` does. */
function gated(then: Policy): { policy: Policy; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    policy: async (state) => {
      await gate;
      return then(state);
    },
    open,
  };
}

describe('runDelivery under supervise, abort and read limits', () => {
  let dir: string;
  let queue: Queue;
  let commits: TrackedCommit[];
  let sinkUnderTest: FakeSink | null;
  /** Every queue read the loop made: the seq it read after. */
  let reads: number[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-run-delivery-'));
    queue = await createFileQueue(dir, { consumers: [NAME] });
    sinkUnderTest = null;
    commits = trackCommits(queue, () => sinkUnderTest?.acked() ?? -1);
    reads = [];
    const read = queue.read.bind(queue);
    queue.read = (after, options) => {
      reads.push(after);
      return read(after, options);
    };
  });
  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Batches from..from+n-1 of `rows` records each: batch i holds ids (i-1)·rows+1 … i·rows. */
  const append = async (n: number, rows = 3, from = 1) => {
    for (let i = from; i < from + n; i++) await queue.append(makeBatch(i, rows));
  };
  const options = (sink: FakeSink, more: Partial<DeliveryOptions> = {}): DeliveryOptions => {
    sinkUnderTest = sink;
    return { queue, sink, signal: new AbortController().signal, log: silentLogger, idleExitMs: 150, readWaitMs: 20, ...more };
  };
  const callIds = (sink: FakeSink) => sink.calls.map((c) => c.ids);
  /** No commit passed a batch of 3 records whose last record the sink had not acknowledged. */
  const expectNoEarlyCommit = () => {
    for (const c of commits) expect(c.ackedWhenCommitted, `commit of seq ${c.seq}`).toBeGreaterThanOrEqual(c.seq * 3);
  };

  /** Runs the destination as deliver-destination.ts does: attempt n gets `sinks[n]`, all share one progress. */
  async function supervised(sinks: FakeSink[], more: Partial<DeliveryOptions> = {}, log: Logger = silentLogger): Promise<{ attempts: number; progress: DeliveryProgress; progressCalls: number }> {
    const progress = newDeliveryProgress();
    let attempts = 0;
    let progressCalls = 0;
    const stop = new AbortController();
    await supervise(
      (onProgress) => {
        const sink = sinks[attempts++]!;
        const counted = () => {
          progressCalls += 1;
          onProgress();
        };
        return runDelivery({ ...options(sink, more), log, progress, onProgress: counted });
      },
      { windows, backoff, signal: stop.signal, log },
    );
    return { attempts, progress, progressCalls };
  }

  it('a retriable rejection: the retry hands the rejected call again with the same ids, nothing acknowledged twice, nothing lost', async () => {
    await append(4); // ids 1-12
    // Acknowledges the first call (batches 1-2), then loses the connection on the second (batches 3-4).
    const first = fakeSink((state) => (state.call.ids[0] === 7 ? new SinkConnectionError('connection reset by the destination') : writeThrough(state)));
    const second = fakeSink(writeThrough);
    const warnings: { message: string; fields: unknown }[] = [];
    const log: Logger = { ...silentLogger, warn: (message, fields) => void warnings.push({ message, fields }) };
    const { attempts, progress, progressCalls } = await supervised([first, second], { maxRecords: 6 }, log);

    expect(attempts).toBe(2);
    expect(callIds(first)).toEqual([range(1, 6), range(7, 12)]);
    expect(callIds(second)).toEqual([range(7, 12)]);
    // Every record arrived; the only repeats are the rejected call's records, once more, in order.
    expect([...first.taken, ...second.taken].map((r) => r.id)).toEqual([...range(1, 12), ...range(7, 12)]);
    expect(second.taken).toStrictEqual(first.taken.slice(6));
    expect(first.events).toEqual(['connect', 'deliver', 'deliver', 'close']);
    expect(second.events).toEqual(['connect', 'deliver', 'close']);
    // Each commit made while its sink had acknowledged the batches' last record (6, then 12).
    expect(commits).toEqual([
      { seq: 2, ackedWhenCommitted: 6 },
      { seq: 4, ackedWhenCommitted: 12 },
    ]);
    expect(progressCalls).toBe(2);
    expect(await queue.cursor(NAME)).toBe(4);
    expect(progress.acknowledgedThrough).toBe(12);
    expect(warnings).toEqual([{ message: 'retrying after failure', fields: { error: 'connection reset by the destination', attempt: 1, delayMs: 1 } }]);
  });

  it('a fatal error ends the destination with that very error after one attempt; the acknowledged prefix stays committed', async () => {
    await append(3);
    const refusal = new SinkWriteError('the destination refused the schema for good', { table: 'shop.orders' }, undefined, false);
    const sink = fakeSink((state) => (state.call.ids[0] === 4 ? refusal : writeThrough(state)));
    const spare = fakeSink(writeThrough);
    const outcome = await supervised([sink, spare], { maxRecords: 3 }).catch((err: unknown) => err);

    expect(outcome).toBe(refusal);
    expect(callIds(sink)).toEqual([range(1, 3), range(4, 6)]);
    expect(sink.events.at(-1)).toBe('close');
    expect(spare.events).toEqual([]);
    expect(commits.map((c) => c.seq)).toEqual([1]);
    expect(await queue.cursor(NAME)).toBe(1);
    expectNoEarlyCommit();
  });

  it('an abort during a call: the call finishes and is committed, nothing more is handed, and the loop resolves', async () => {
    await append(3);
    const { policy, open } = gated(writeThrough);
    const sink = fakeSink(policy);
    const stop = new AbortController();
    const running = runDelivery(options(sink, { signal: stop.signal, idleExitMs: undefined, maxRecords: 3 }));
    await waitUntil(() => sink.calls.length === 1);
    stop.abort();
    open();
    await running;

    expect(callIds(sink)).toEqual([range(1, 3)]);
    expect(sink.events).toEqual(['connect', 'deliver', 'close']);
    expect(commits.map((c) => c.seq)).toEqual([1]);
    expect(await queue.cursor(NAME)).toBe(1);
    expectNoEarlyCommit();
  });

  it('an abort ends a read waiting for appends at once, not when its wait runs out', async () => {
    const sink = fakeSink(writeThrough);
    const stop = new AbortController();
    const running = runDelivery(options(sink, { signal: stop.signal, idleExitMs: undefined, readWaitMs: 5_000 }));
    await waitUntil(() => reads.length === 1);
    const abortedAt = Date.now();
    stop.abort();
    await running;

    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(sink.events).toEqual(['connect', 'close']);
    expect(commits).toEqual([]);
  });

  it('maxRecords: a read adds whole batches until it holds that many records, so a call holds whole batches only', async () => {
    await append(10); // ids 1-30, three per batch
    const sink = fakeSink(writeThrough);
    await runDelivery(options(sink, { maxRecords: 7 }));

    // 3 + 3 < 7, so a third batch is added; with 9 the read is full.
    expect(sink.calls.map((c) => c.ids.length)).toEqual([9, 9, 9, 3]);
    expect(callIds(sink).flat()).toEqual(range(1, 30));
    expect(commits.map((c) => c.seq)).toEqual([3, 6, 9, 10]);
    expectNoEarlyCommit();
  });

  it('callRecords: a read is handed in calls of whole batches up to that many records, and its cursor committed once', async () => {
    await append(10); // ids 1-30, three per batch
    const sink = { ...fakeSink(writeThrough), callRecords: 5 };
    await runDelivery(options(sink, { maxRecords: 15 }));

    // A read holds 5 batches (15 records); 3 < 5 takes a second batch, 6 ends the call.
    expect(sink.calls.map((c) => c.ids.length)).toEqual([6, 6, 3, 6, 6, 3]);
    expect(callIds(sink).flat()).toEqual(range(1, 30));
    expect(commits.map((c) => c.seq)).toEqual([5, 10]);
    expectNoEarlyCommit();
  });

  it('callRecords: a failed call ends the read there; the batches after it are not handed, and the retry starts at the first record not acknowledged', async () => {
    await append(4); // ids 1-12
    const first = {
      ...fakeSink((state) => (state.call.ids[0] === 7 ? { acknowledgedThrough: 6, failure: new SinkWriteError('partition 3 refused the request') } : writeThrough(state))),
      callRecords: 3,
    };
    const second = { ...fakeSink(writeThrough), callRecords: 3 };
    await supervised([first, second], { maxRecords: 12 });

    expect(callIds(first)).toEqual([range(1, 3), range(4, 6), range(7, 9)]);
    expect(callIds(second)).toEqual([range(7, 9), range(10, 12)]);
    expect(commits.map((c) => c.seq)).toEqual([2, 4]);
    expectNoEarlyCommit();
  });

  it('a batch larger than maxRecords is handed whole, in one call', async () => {
    await queue.append(makeBatch(1, 10)); // ids 1-10
    const sink = fakeSink(writeThrough);
    await runDelivery(options(sink, { maxRecords: 4 }));

    expect(callIds(sink)).toEqual([range(1, 10)]);
    expect(await queue.cursor(NAME)).toBe(1);
  });

  it('a read holds at most 256 batches', async () => {
    await append(300, 1); // ids 1-300, one per batch
    const sink = fakeSink(writeThrough);
    await runDelivery(options(sink));

    expect(callIds(sink)).toEqual([range(1, 256), range(257, 300)]);
    expect(commits.map((c) => c.seq)).toEqual([256, 300]);
  });

  it('backpressure: one call at a time, and while the sink holds a call the loop has read only one slice ahead', async () => {
    await append(6); // ids 1-18
    const { policy, open } = gated(writeThrough);
    let inCall = 0;
    let mostInCall = 0;
    const sink = fakeSink(async (state) => {
      inCall += 1;
      mostInCall = Math.max(mostInCall, inCall);
      const answer = await policy(state);
      inCall -= 1;
      return answer;
    });
    const running = runDelivery(options(sink, { maxRecords: 6 }));
    await waitUntil(() => sink.calls.length === 1);
    await new Promise((r) => setTimeout(r, 200));

    // The slice being delivered (after seq 0) and the next one (after seq 2); nothing further.
    expect(reads).toEqual([0, 2]);
    expect(callIds(sink)).toEqual([range(1, 6)]);
    expect(commits).toEqual([]);
    open();
    await running;

    expect(mostInCall).toBe(1);
    expect(callIds(sink)).toEqual([range(1, 6), range(7, 12), range(13, 18)]);
    expect(reads.slice(0, 4)).toEqual([0, 2, 4, 6]);
    expect(commits.map((c) => c.seq)).toEqual([2, 4, 6]);
    expectNoEarlyCommit();
  });
});
