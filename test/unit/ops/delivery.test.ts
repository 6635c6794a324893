/**
 * runDelivery over a real file queue with fake sinks that acknowledge the way real ones may:
 * at once, later (buffering), on a tick or a flush, partly with a failure, or not at all. Every
 * commit is checked against what the sink had acknowledged at that moment, so a cursor committed
 * too early fails these tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log.ts';
import { newDeliveryProgress, newDeliveryStatus, runDelivery, type DeliveryOptions } from '../../../shared/ops/delivery.ts';
import { createFileQueue } from '../../../shared/queue/file/index.ts';
import type { Queue } from '../../../shared/queue/index.ts';
import type { ChangeRecord } from '../../../shared/record/index.ts';
import { SinkWriteError } from '../../../shared/sink/errors.ts';
import { fakeSink, lastTaken, range, trackCommits, waitUntil, writeThrough, type FakeSink, type Policy, type TrackedCommit } from '../../helpers/fake-sink.ts';
import { makeBatch } from '../../helpers/queue-batches.ts';

const NAME = 'dest';

/** Acknowledges in steps of `n` records; everything on flush. */
const everyN =
  (n: number): Policy =>
  ({ taken, call }) => ({ acknowledgedThrough: call.flush ? lastTaken(taken) : (taken[Math.floor(taken.length / n) * n - 1]?.id ?? 0) });

describe('runDelivery', () => {
  let dir: string;
  let queue: Queue;
  /** Every commit, with what the sink had acknowledged when it was made. */
  let commits: TrackedCommit[];
  let sinkUnderTest: FakeSink | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-delivery-'));
    queue = await createFileQueue(dir, { consumers: [NAME] });
    sinkUnderTest = null;
    commits = trackCommits(queue, () => sinkUnderTest?.acked() ?? -1);
  });
  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Batches 1..n of 3 records each: batch i holds ids 3i-2 … 3i. */
  const append = async (n: number, from = 1) => {
    for (let i = from; i < from + n; i++) await queue.append(makeBatch(i, 3));
  };
  const run = (sink: FakeSink, options: Partial<DeliveryOptions> = {}) => {
    sinkUnderTest = sink;
    return runDelivery({ queue, sink, signal: new AbortController().signal, log: silentLogger, idleExitMs: 150, readWaitMs: 50, ...options });
  };
  /** No commit passed a batch whose last record the sink had not acknowledged (batch i ends at id 3i). */
  const expectNoEarlyCommit = () => {
    for (const c of commits) expect(c.ackedWhenCommitted, `commit of seq ${c.seq}`).toBeGreaterThanOrEqual(c.seq * 3);
  };

  it('a write-through sink: every record once, in order, cursor at the end, status counted', async () => {
    await append(5);
    const sink = fakeSink(writeThrough);
    const status = newDeliveryStatus();
    await run(sink, { status });
    expect(sink.taken.map((r) => r.id)).toEqual(range(1, 15));
    expect(await queue.cursor(NAME)).toBe(5);
    expect(status).toEqual({ records: 15, cursor: 5, lastSourceTimeMs: makeBatch(5).records[0]!.source.timestampMs });
    expect(sink.events[0]).toBe('connect');
    expect(sink.events.at(-1)).toBe('close');
    // Nothing left unacknowledged: no tick and no flush were needed.
    expect(sink.events.filter((e) => e === 'tick' || e === 'flush')).toEqual([]);
    expectNoEarlyCommit();
  });

  it('a buffering sink: the cursor follows only batches whose records are all acknowledged', async () => {
    await append(2);
    // Acknowledges in steps of 4 records: batch 1 (ids 1-3) is done at 4, batch 2 (4-6) only on flush.
    const sink = fakeSink(everyN(4));
    const status = newDeliveryStatus();
    const running = run(sink, { status, idleExitMs: 400 });
    await waitUntil(() => commits.length === 1);
    expect(commits[0]!.seq).toBe(1);
    expect(await queue.cursor(NAME)).toBe(1);
    await append(1, 3); // ids 7-9: 8 acknowledged → batch 2 done, batch 3 pending
    await waitUntil(() => commits.length === 2);
    expect(commits[1]!.seq).toBe(2);
    await running;
    // The idle exit flushed: batch 3 is committed too, after the flush.
    expect(commits.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(sink.events.filter((e) => e === 'flush')).toHaveLength(1);
    expect(sink.events.slice(-2)).toEqual(['flush', 'close']);
    expect(await queue.cursor(NAME)).toBe(3);
    expect(status.records).toBe(9);
    expectNoEarlyCommit();
  });

  it('ticks a buffering sink while the queue is idle and it holds records, so it can flush on time', async () => {
    await append(1);
    let ticks = 0;
    // Holds everything until its third idle tick (its "maxSeconds"), then acknowledges it.
    const sink = fakeSink(({ taken, call }) => {
      if (call.ids.length === 0 && call.flush === false) ticks += 1;
      return { acknowledgedThrough: ticks >= 3 ? lastTaken(taken) : 0 };
    });
    const stop = new AbortController();
    const running = run(sink, { signal: stop.signal, idleExitMs: undefined });
    await waitUntil(() => commits.length === 1);
    expect(ticks).toBe(3);
    expect(await queue.cursor(NAME)).toBe(1);
    const ticksWhenDone = ticks;
    await new Promise((r) => setTimeout(r, 300));
    // Nothing unacknowledged any more: no more ticks.
    expect(ticks).toBe(ticksWhenDone);
    stop.abort();
    await running;
    expect(sink.events.filter((e) => e === 'flush')).toEqual([]);
    expectNoEarlyCommit();
  });

  it('flushes on stop before closing, and commits what the flush acknowledged', async () => {
    await append(2);
    const sink = fakeSink(({ taken, call }) => ({ acknowledgedThrough: call.flush ? lastTaken(taken) : 0 }));
    const stop = new AbortController();
    const running = run(sink, { signal: stop.signal, idleExitMs: undefined });
    await waitUntil(() => sink.taken.length === 6);
    expect(commits).toEqual([]);
    stop.abort();
    await running;
    expect(sink.events.slice(-2)).toEqual(['flush', 'close']);
    expect(commits.map((c) => c.seq)).toEqual([2]);
    expect(await queue.cursor(NAME)).toBe(2);
    expectNoEarlyCommit();
  });

  it('a partial failure commits the acknowledged prefix, rejects, and the retry hands only later records', async () => {
    await append(4);
    const progress = newDeliveryProgress();
    // Acknowledges through id 7 (inside batch 3), then fails.
    const failing = fakeSink(({ taken }) =>
      taken.length > 7 ? { acknowledgedThrough: 7, failure: new SinkWriteError('the destination refused record 8') } : { acknowledgedThrough: lastTaken(taken) },
    );
    await expect(run(failing, { progress, maxRecords: 12 })).rejects.toThrow('the destination refused record 8');
    expect(progress.acknowledgedThrough).toBe(7);
    expect(await queue.cursor(NAME)).toBe(2); // batch 3 (ids 7-9) is not whole
    expect(failing.events.at(-1)).toBe('close');
    expect(failing.events).not.toContain('flush'); // a failed sink is not flushed
    // The retry: a new sink, the same progress. Record 7 is not handed again; 8 and 9 are.
    const retry = fakeSink(writeThrough);
    await run(retry, { progress });
    expect(retry.taken.map((r) => r.id)).toEqual(range(8, 12));
    expect(await queue.cursor(NAME)).toBe(4);
    expect(progress.acknowledgedThrough).toBe(12);
  });

  it('without the progress (a new process), a retry redelivers from the cursor: at-least-once with the same ids', async () => {
    await append(3);
    const failing = fakeSink(({ taken }) => (taken.length >= 5 ? { acknowledgedThrough: 5, failure: new SinkWriteError('refused') } : { acknowledgedThrough: lastTaken(taken) }));
    await expect(run(failing, { maxRecords: 6 })).rejects.toThrow('refused');
    expect(await queue.cursor(NAME)).toBe(1);
    const fresh = fakeSink(writeThrough);
    await run(fresh);
    expect(fresh.taken.map((r) => r.id)).toEqual(range(4, 9));
    expect(await queue.cursor(NAME)).toBe(3);
  });

  it('a rejected call acknowledges nothing new: the cursor stays and the error comes out', async () => {
    await append(2);
    const sink = fakeSink(() => new SinkWriteError('connection lost'));
    await expect(run(sink)).rejects.toThrow('connection lost');
    expect(commits).toEqual([]);
    expect(await queue.cursor(NAME)).toBe(0);
    expect(sink.events.at(-1)).toBe('close');
  });

  it('a batch the filter empties waits for the pending batch before it, then commits with it', async () => {
    await append(3);
    // Batch 2 (ids 4-6) is filtered out entirely; the sink acknowledges only on flush.
    const sink = fakeSink(({ taken, call }) => ({ acknowledgedThrough: call.flush ? lastTaken(taken) : 0 }));
    await run(sink, { filter: (r) => r.id < 4 || r.id > 6 });
    expect(sink.taken.map((r) => r.id)).toEqual([1, 2, 3, 7, 8, 9]);
    // One commit after the flush, over all three; none before it although batch 2 handed nothing.
    expect(commits.map((c) => c.seq)).toEqual([3]);
    expect(commits[0]!.ackedWhenCommitted).toBe(9);
  });

  it('hands the sink mapped records that pass the filter, with their ids; the cursor and acknowledgements follow the ids', async () => {
    await append(2);
    const sink = fakeSink(writeThrough);
    const mapped = new Set<ChangeRecord>();
    const mapping = (r: ChangeRecord): ChangeRecord => {
      const out = { ...r } as ChangeRecord;
      mapped.add(out);
      return out;
    };
    await run(sink, { filter: (r) => r.id !== 2, mapping });
    expect(sink.taken.map((r) => r.id)).toEqual([1, 3, 4, 5, 6]);
    expect(sink.taken.every((r) => mapped.has(r))).toBe(true);
    expect(mapped.size).toBe(5); // filtered records are never mapped
    expect(await queue.cursor(NAME)).toBe(2);
  });

  it('batches with nothing to hand commit at once when nothing is pending, without calling the sink', async () => {
    await append(2);
    const sink = fakeSink(writeThrough);
    const status = newDeliveryStatus();
    await run(sink, { filter: () => false, status });
    expect(sink.calls).toEqual([]);
    expect(await queue.cursor(NAME)).toBe(2);
    expect(status.records).toBe(0);
  });

  it('counts an acknowledgement only for records the sink was handed', async () => {
    await append(1);
    const stop = new AbortController();
    // Claims far more than it took; the loop must not believe it for records it never handed.
    const sink = fakeSink(() => ({ acknowledgedThrough: 1_000 }));
    const progress = newDeliveryProgress();
    const running = run(sink, { signal: stop.signal, idleExitMs: undefined, progress });
    await waitUntil(() => commits.length === 1);
    expect(progress.acknowledgedThrough).toBe(3);
    await append(1, 2);
    await waitUntil(() => commits.length === 2);
    stop.abort();
    await running;
    expect(sink.taken.map((r) => r.id)).toEqual(range(1, 6));
    expect(progress.acknowledgedThrough).toBe(6);
  });
});
