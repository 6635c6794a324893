/**
 * The TaskStateStore contract, run against the file store and the Redis store: what one process
 * writes another reads, updates are atomic under concurrency (none lost), and the transitions keep
 * a pause across restarts and a retry window's start across invocations.
 */
import { describe, expect, it } from 'vitest';
import { failed, resumed, retryWindowClosed, retryWindowFailed, starting, withDelivered, withStatus, type TaskStateStore } from '../../shared/task/index.ts';

export interface StateHarness {
  /** A new empty store, and a second handle on the same state (another process's view). */
  newStores(): Promise<{ store: TaskStateStore; other: () => Promise<TaskStateStore>; cleanup(): Promise<void> }>;
}

export function taskStateContract(name: string, harness: StateHarness): void {
  describe(`TaskStateStore contract: ${name}`, () => {
    it('starts empty; a write is read back whole by another handle', async () => {
      const { store, other, cleanup } = await harness.newStores();
      try {
        expect(await store.read()).toBeNull();
        // A delivered position alone does not make a state out of nothing (nothing recorded stays so).
        expect(await store.update(withDelivered({ kafka: 1 }))).toBeNull();
        expect(await store.read()).toBeNull();
        await store.update(withStatus('RUNNING'));
        await store.update(withDelivered({ kafka: 7, fc: 3 }));
        const second = await other();
        const seen = await second.read();
        await second.close();
        expect(seen?.status).toBe('RUNNING');
        expect(Object.keys(seen!.delivered!)).toEqual(['kafka', 'fc']);
        expect([seen!.delivered!.kafka!.seq, seen!.delivered!.fc!.seq]).toEqual([7, 3]);
      } finally {
        await store.close();
        await cleanup();
      }
    });

    it('concurrent updates from two handles lose none', async () => {
      const { store, other, cleanup } = await harness.newStores();
      const second = await other();
      try {
        await store.update(withStatus('RUNNING'));
        const bump = (s: TaskStateStore, stage: string) => s.update(retryWindowFailed(stage, 1000, { message: 'x' }));
        await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? store : second, i % 4 < 2 ? 'reader' : 'deliver:kafka')));
        const state = await store.read();
        expect(state!.retryWindows!.reader!.attempts).toBe(10);
        expect(state!.retryWindows!['deliver:kafka']!.attempts).toBe(10);
      } finally {
        await second.close();
        await store.close();
        await cleanup();
      }
    });

    it('a retry window keeps its first start until closed; a failure after closing opens a new one', async () => {
      const { store, cleanup } = await harness.newStores();
      try {
        await store.update(retryWindowFailed('reader', 1_000, { message: 'refused', code: 'DTS_SOURCE_CONNECTION' }));
        await store.update(retryWindowFailed('reader', 5_000, { message: 'refused again' }));
        let state = await store.read();
        expect(state!.retryWindows!.reader).toEqual({ since: 1_000, attempts: 2, lastError: { message: 'refused again' } });
        await store.update(retryWindowClosed('reader'));
        expect((await store.read())!.retryWindows).toEqual({});
        await store.update(retryWindowFailed('reader', 9_000, { message: 'later' }));
        state = await store.read();
        expect(state!.retryWindows!.reader!.since).toBe(9_000);
        await store.update(failed('reader', { message: 'gave up', code: 'DTS_RETRY_WINDOW_EXCEEDED' }));
        state = await store.read();
        expect([state!.status, state!.reason, state!.retryWindows]).toEqual(['FAILED', { message: 'gave up', code: 'DTS_RETRY_WINDOW_EXCEEDED' }, {}]);
      } finally {
        await store.close();
        await cleanup();
      }
    });

    it('a pause survives a start; resume clears the reason and the windows; a start after a failure runs again', async () => {
      const { store, cleanup } = await harness.newStores();
      try {
        await store.update(withStatus('PAUSED'));
        expect((await store.update(starting))!.status).toBe('PAUSED');
        await store.update(retryWindowFailed('reader', 1, { message: 'x' }));
        await store.update(failed('deliver:k', { message: 'boom' }));
        const back = await store.update(resumed);
        expect([back!.status, back!.reason, back!.retryWindows]).toEqual(['RUNNING', undefined, undefined]);
        await store.update(failed('reader', { message: 'boom' }));
        const started = await store.update(starting);
        expect([started!.status, started!.reason]).toEqual(['RUNNING', undefined]);
      } finally {
        await store.close();
        await cleanup();
      }
    });
  });
}
