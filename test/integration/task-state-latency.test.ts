/**
 * The latency series in the stored task state (`withLatencySample`), against both state stores:
 * what one handle appends another reads back oldest first, bounded to the newest samples, never
 * out of order (a late or too-early sample is dropped, also when two handles write at once), and
 * a destination that left the task loses its series. No state is made from a sample alone.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTaskStateStore, LATENCY_SERIES_LIMIT, withLatencySample, withStatus, type TaskStateStore } from '../../shared/task/index.ts';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { tempDir } from '../helpers/stack.ts';

const url = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
afterAll(() => admin.quit());

const T0 = 1_800_000_000_000;

interface Stores {
  store: TaskStateStore;
  other(): Promise<TaskStateStore>;
  cleanup(): Promise<void>;
}

const harnesses: Record<string, () => Promise<Stores>> = {
  async file() {
    const dir = await tempDir('latency-series');
    const file = join(dir, 'state.json');
    return { store: new FileTaskStateStore(file), other: async () => new FileTaskStateStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  async redis() {
    const prefix = `dts-test:latency:${randomUUID()}`;
    return { store: await createRedisTaskStateStore(url, prefix), other: () => createRedisTaskStateStore(url, prefix), cleanup: async () => void (await admin.del(`${prefix}:state`)) };
  },
};

for (const [name, newStores] of Object.entries(harnesses)) {
  describe(`latency series in the task state: ${name} store`, () => {
    it('makes no state from a sample alone', async () => {
      const { store, cleanup } = await newStores();
      try {
        expect(await store.update(withLatencySample({ kafka: 100 }, T0))).toBeNull();
        expect(await store.read()).toBeNull();
      } finally {
        await store.close();
        await cleanup();
      }
    });

    it(`keeps the newest ${LATENCY_SERIES_LIMIT} samples per destination, oldest first, read back by another handle`, async () => {
      const { store, other, cleanup } = await newStores();
      try {
        await store.update(withStatus('RUNNING'));
        for (let i = 0; i < LATENCY_SERIES_LIMIT + 5; i++) await store.update(withLatencySample({ kafka: 1000 + i, fc: i === 3 ? null : 7 * i }, T0 + i * 10_000));
        const second = await other();
        const series = (await second.read())!.latencySeries!;
        await second.close();
        expect(Object.keys(series)).toEqual(['kafka', 'fc']);
        const kafka = series.kafka!;
        expect(kafka).toHaveLength(LATENCY_SERIES_LIMIT);
        // The five oldest fell off; what is left runs from sample 5 to sample 64 in time order.
        expect(kafka[0]).toEqual([T0 + 50_000, 1005]);
        expect(kafka.at(-1)).toEqual([T0 + (LATENCY_SERIES_LIMIT + 4) * 10_000, 1000 + LATENCY_SERIES_LIMIT + 4]);
        expect(kafka.map(([at]) => at)).toEqual(Array.from({ length: LATENCY_SERIES_LIMIT }, (_, i) => T0 + (i + 5) * 10_000));
        // An unknown latency (nothing acknowledged yet) adds no sample; the others still count against the bound.
        expect(series.fc).toHaveLength(LATENCY_SERIES_LIMIT);
        expect(series.fc!.map(([, ms]) => ms)).toEqual(Array.from({ length: LATENCY_SERIES_LIMIT }, (_, i) => 7 * (i + 5)));
      } finally {
        await store.close();
        await cleanup();
      }
    });

    it('drops a sample older than, equal to, or within the minimum interval of the last one; drops destinations no longer named', async () => {
      const { store, cleanup } = await newStores();
      try {
        await store.update(withStatus('RUNNING'));
        await store.update(withLatencySample({ kafka: 500, fc: 600 }, T0 + 60_000));
        // Older, equal: no write at all.
        expect((await store.update(withLatencySample({ kafka: 1, fc: 2 }, T0 + 30_000)))!.latencySeries).toEqual({ kafka: [[T0 + 60_000, 500]], fc: [[T0 + 60_000, 600]] });
        await store.update(withLatencySample({ kafka: 3, fc: 4 }, T0 + 60_000));
        // Within the interval: skipped; past it: appended (rounded to whole ms).
        await store.update(withLatencySample({ kafka: 5, fc: 6 }, T0 + 100_000, { minIntervalMs: 50_000 }));
        await store.update(withLatencySample({ kafka: 7.6, fc: 8 }, T0 + 110_000, { minIntervalMs: 50_000 }));
        expect((await store.read())!.latencySeries).toEqual({
          kafka: [
            [T0 + 60_000, 500],
            [T0 + 110_000, 8],
          ],
          fc: [
            [T0 + 60_000, 600],
            [T0 + 110_000, 8],
          ],
        });
        // fc left the task: the next sample drops its series.
        await store.update(withLatencySample({ kafka: 9 }, T0 + 120_000));
        const state = (await store.read())!;
        expect(state.latencySeries).toEqual({
          kafka: [
            [T0 + 60_000, 500],
            [T0 + 110_000, 8],
            [T0 + 120_000, 9],
          ],
        });
        expect(state.status).toBe('RUNNING');
      } finally {
        await store.close();
        await cleanup();
      }
    });

    it('two handles appending at once leave one series in strictly increasing time', async () => {
      const { store, other, cleanup } = await newStores();
      const second = await other();
      try {
        await store.update(withStatus('RUNNING'));
        // Interleaved times from two writers, applied in whatever order the store serializes them.
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : second).update(withLatencySample({ kafka: i }, T0 + (i % 2 ? 20 - i : i) * 1000))));
        const times = (await store.read())!.latencySeries!.kafka!.map(([at]) => at);
        // Which samples survive depends on the order the writers got in; each is one of the 20 sent.
        expect(times.length).toBeGreaterThanOrEqual(1);
        expect(times.every((t) => (t - T0) % 1000 === 0 && t >= T0 && t < T0 + 20_000)).toBe(true);
        expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
      } finally {
        await second.close();
        await store.close();
        await cleanup();
      }
    });
  });
}
