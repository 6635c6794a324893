/**
 * Throttling with a fake clock: the throttle reads the injected clock and sleeps on timers, both
 * faked here, so each wait is measured exactly as the fake time that passes before a call returns.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createThrottle, unthrottled, type Throttle } from '../../../shared/ops/throttle.ts';

const MiB = 1024 * 1024;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const clock = () => Date.now();

/** The fake milliseconds a throttle call makes its caller wait. */
async function waitOf(call: Promise<void>): Promise<number> {
  const start = Date.now();
  let done = false;
  void call.then(() => (done = true));
  await Promise.resolve();
  while (!done) {
    if (vi.getTimerCount() === 0) throw new Error('the call neither finished nor set a timer');
    await vi.advanceTimersToNextTimerAsync();
  }
  await call;
  return Date.now() - start;
}

const rowsWait = (t: Throttle, rows: number, bytes = 0) => waitOf(t.afterRows(rows, bytes));
const queryWait = (t: Throttle) => waitOf(t.beforeQuery());

describe('createThrottle', () => {
  it('without limits is the free throttle: no timers, no waiting', async () => {
    for (const limits of [undefined, {}, { rowsPerSecond: undefined }]) {
      const t = createThrottle(limits, clock);
      expect(t).toBe(unthrottled);
      expect(await rowsWait(t, 10_000_000, 10 * 1024 * MiB)).toBe(0);
      expect(await queryWait(t)).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('rows/s: one second of rows passes at once, the next rows wait for their share', async () => {
    const t = createThrottle({ rowsPerSecond: 1000 }, clock);
    expect(await rowsWait(t, 1000)).toBe(0);
    expect(await rowsWait(t, 500)).toBe(500);
    expect(await rowsWait(t, 250)).toBe(250);
    // A cost larger than the bucket waits for its whole share.
    expect(await rowsWait(t, 3000)).toBe(3000);
  });

  it('rows/s: the average holds over many calls', async () => {
    const t = createThrottle({ rowsPerSecond: 2000 }, clock);
    const start = Date.now();
    for (let i = 0; i < 50; i++) await rowsWait(t, 400);
    // 20,000 rows at 2000/s, the first second's worth free: 9 s.
    expect(Date.now() - start).toBe(9000);
  });

  it('rows/s: idle time refills the bucket up to one second, never more', async () => {
    const t = createThrottle({ rowsPerSecond: 1000 }, clock);
    expect(await rowsWait(t, 1000)).toBe(0);
    vi.advanceTimersByTime(400);
    expect(await rowsWait(t, 400)).toBe(0);
    expect(await rowsWait(t, 100)).toBe(100);
    vi.advanceTimersByTime(60_000);
    expect(await rowsWait(t, 1000)).toBe(0);
    expect(await rowsWait(t, 1)).toBe(1);
  });

  it('MB/s counts bytes in MiB', async () => {
    const t = createThrottle({ mbPerSecond: 2 }, clock);
    expect(await rowsWait(t, 1, 2 * MiB)).toBe(0);
    expect(await rowsWait(t, 1, MiB)).toBe(500);
    expect(await rowsWait(t, 1_000_000, MiB / 4)).toBe(125);
  });

  it('rows/s and MB/s together: the longer wait of the two', async () => {
    const t = createThrottle({ rowsPerSecond: 100, mbPerSecond: 1 }, clock);
    expect(await rowsWait(t, 100, MiB)).toBe(0);
    // 50 rows = 500 ms; 0.1 MiB = 100 ms.
    expect(await rowsWait(t, 50, MiB / 10)).toBe(500);
    // The 500 ms wait refilled 0.5 MiB over the 0.1 MiB debt: 2 MiB more leaves 1.6 MiB to repay;
    // 10 rows would need 100 ms.
    expect(await rowsWait(t, 10, 2 * MiB)).toBe(1600);
  });

  it('QPS: a second of queries passes, then one query per 1/QPS s; rows are not limited by it', async () => {
    const t = createThrottle({ queriesPerSecond: 5 }, clock);
    for (let i = 0; i < 5; i++) expect(await queryWait(t)).toBe(0);
    expect(await queryWait(t)).toBe(200);
    expect(await queryWait(t)).toBe(200);
    expect(await rowsWait(t, 1_000_000, 100 * MiB)).toBe(0);
  });

  it('QPS and rows/s are separate buckets', async () => {
    const t = createThrottle({ queriesPerSecond: 2, rowsPerSecond: 10 }, clock);
    expect(await queryWait(t)).toBe(0);
    expect(await rowsWait(t, 20)).toBe(1000);
    // The QPS bucket refilled during the rows wait; the rows bucket is empty.
    expect(await queryWait(t)).toBe(0);
    expect(await queryWait(t)).toBe(0);
    expect(await queryWait(t)).toBe(500);
    expect(await rowsWait(t, 5)).toBe(0);
  });

  it('an abort ends the wait at once', async () => {
    const t = createThrottle({ rowsPerSecond: 10 }, clock);
    await rowsWait(t, 10);
    const stop = new AbortController();
    let done = false;
    const waiting = t.afterRows(100, 0, stop.signal).then(() => (done = true));
    vi.advanceTimersByTime(1000);
    await Promise.resolve();
    expect(done).toBe(false);
    stop.abort();
    await waiting;
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
