/**
 * supervise() with the window start in the task state (a file store): a streak continues from the
 * stored start in a new "invocation" (a new supervise call), progress closes it, and running out
 * records FAILED with the reason. The clock is the only thing faked (Date), timers are real.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DtsError, ErrorCodes } from '../../../shared/errors.ts';
import { silentLogger } from '../../../shared/log.ts';
import { RetryWindowExceededError, supervise } from '../../../shared/ops/index.ts';
import { FileTaskStateStore } from '../../../shared/task/index.ts';
import { tempDir } from '../../helpers/stack.ts';

afterEach(() => vi.useRealTimers());

const refused = () => new DtsError('cannot reach Kafka at 127.0.0.1:1', { code: ErrorCodes.SINK_CONNECTION, retriable: true });
const windows = { connectionMs: 60_000, otherMs: 30_000 };
// The first backoff is 250-500 ms; a 100 ms budget makes each call one attempt, as a short FC invocation.
const invocation = () => AbortSignal.timeout(100);

describe('supervise with a stored window', () => {
  it('continues the streak across calls, resets on progress, and records FAILED when the window runs out', async () => {
    const dir = await tempDir('supervise-stored');
    const store = new FileTaskStateStore(join(dir, 'state.json'));
    const stored = { store, stage: 'deliver:kafka' };
    const t0 = Date.UTC(2026, 0, 1);
    vi.useFakeTimers({ toFake: ['Date'] });
    const fail = () => supervise(() => Promise.reject(refused()), { windows, signal: invocation(), log: silentLogger, stored });
    try {
      vi.setSystemTime(t0);
      await fail();
      vi.setSystemTime(t0 + 50_000);
      await fail();
      expect((await store.read())!.retryWindows!['deliver:kafka']).toMatchObject({ since: t0, attempts: 2 });

      // Progress in a later call closes the stored window.
      vi.setSystemTime(t0 + 55_000);
      await supervise(async (progress) => progress(), { windows, signal: invocation(), log: silentLogger, stored });
      expect((await store.read())!.retryWindows).toEqual({});

      vi.setSystemTime(t0 + 70_000);
      await fail();
      vi.setSystemTime(t0 + 128_000); // plus a backoff of at most 1 s: still inside the minute
      await fail();
      expect((await store.read())!.status).toBe('RUNNING');
      vi.setSystemTime(t0 + 130_001);
      await expect(fail()).rejects.toThrow(RetryWindowExceededError);
      const state = await store.read();
      expect([state!.status, state!.reason!.code, state!.retryWindows]).toEqual(['FAILED', 'DTS_RETRY_WINDOW_EXCEEDED', {}]);
      expect(state!.reason!.message).toBe('gave up after retrying for 1 minute (3 attempts, the failed-connection retry window): cannot reach Kafka at 127.0.0.1:1');
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
