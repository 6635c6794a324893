/**
 * A retry window measured from its stored start, on the Redis state as a deployed task keeps it:
 * each reader invocation is a short one (as each FC timer tick is a new process), the source port
 * is closed, and the clock is moved between invocations. The 10-minute connection window ends the
 * task FAILED after 10 minutes of failures across invocations, not before; a success in between
 * (the real source) closes the window; and once FAILED every entry does nothing.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import { RetryWindowExceededError } from '../../shared/ops/index.ts';
import type { FcContext } from '../../shared/runtime/fc/context.ts';
import { deliverEntry } from '../../shared/runtime/entries/deliver.ts';
import { readerEntry } from '../../shared/runtime/entries/reader.ts';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { writeTaskFile } from '../helpers/cli.ts';
import { stack, tempDir } from '../helpers/stack.ts';

const url = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
afterAll(() => admin.quit());
afterEach(() => vi.useRealTimers());

const context = { requestId: 'test', function: { name: 'reader', timeout: 60 } } as unknown as FcContext;
const minute = 60_000;

describe('retry window on the Redis task state', () => {
  it('spans invocations: FAILED after 10 minutes of failures, not before; a success resets it; then every entry does nothing', async () => {
    const prefix = `dts-test:window:${randomUUID()}`;
    const dir = await tempDir('retry-window');
    const task = (port: number) => ({
      name: 'window',
      source: { host: '127.0.0.1', port, user: 'root', password: '', serverId: 6100 + Math.floor(Math.random() * 800) },
      objects: [{ database: 'dts_window_none' }],
      queue: { type: 'redis', url, prefix },
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 'dts-window', format: 'canal-json' }],
      advanced: { retryConnectionMinutes: 10, retryOtherMinutes: 5 },
    });
    const failing = await writeTaskFile(dir, task(1), 'failing.yaml');
    const working = await writeTaskFile(dir, task(stack.mysqlPort), 'working.yaml');
    const store = await createRedisTaskStateStore(url, prefix);
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'] });
    // 200 ms is shorter than the first backoff (250-500 ms): exactly one attempt per failing
    // invocation. The working one gets the time to connect and start streaming.
    const invokeAt = async (at: number, file: string) => {
      vi.setSystemTime(at);
      return readerEntry({ taskFile: file, maxRunMs: file === working ? 3_000 : 200 }, context, silentLogger);
    };
    try {
      for (const m of [0, 4, 8]) {
        await invokeAt(t0 + m * minute, failing);
        const state = await store.read();
        expect([state!.status, state!.retryWindows!.reader!.since, state!.retryWindows!.reader!.attempts]).toEqual(['RUNNING', t0, m / 4 + 1]);
        expect(state!.retryWindows!.reader!.lastError!.code).toBe('DTS_SOURCE_CONNECTION');
      }
      // A success (the reader streams from the real source) closes the window.
      await invokeAt(t0 + 9 * minute, working);
      expect(await store.read()).toMatchObject({ status: 'RUNNING', retryWindows: {} });

      // A new streak starts from its own first failure: 12 → 20 minutes is inside it, 22.5 is past it.
      for (const m of [12, 16, 20]) {
        await invokeAt(t0 + m * minute, failing);
        const state = await store.read();
        expect([state!.status, state!.retryWindows!.reader!.since]).toEqual(['RUNNING', t0 + 12 * minute]);
      }
      // The invocation that finds the window spent fails with the reason (FC logs it as the function's error).
      await expect(invokeAt(t0 + 22.5 * minute, failing)).rejects.toThrow(RetryWindowExceededError);
      const failed = await store.read();
      expect(failed!.status).toBe('FAILED');
      expect(failed!.reason!.code).toBe('DTS_RETRY_WINDOW_EXCEEDED');
      expect(failed!.reason!.message).toMatch(/^gave up after retrying for 10 minutes \(4 attempts, the failed-connection retry window\)/);
      expect(failed!.retryWindows).toEqual({});

      // FAILED is seen by every entry: nothing reads or delivers, whatever the source does.
      expect(await invokeAt(t0 + 23 * minute, working)).toEqual({ task: 'window', skipped: true, status: 'FAILED' });
      expect(await deliverEntry('kafka')({ taskFile: working, maxRunMs: 400, idleMs: 2_000 }, context, silentLogger)).toEqual({ task: 'window', skipped: true, status: 'FAILED' });
      expect((await store.read())!.at).toBe(failed!.at);
    } finally {
      await store.close();
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });
});
