/** Append wake-ups cross threads: the local runtime appends on the reader thread and reads on the main one. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { waitForAppend } from '../../../../shared/queue/file/notify.ts';

/** Runs fixtures/append-in-worker.ts on a thread of its own (through the runtime's TypeScript worker loader). */
function appendInWorker(dir: string): Promise<void> {
  const worker = new Worker(new URL('../../../../shared/runtime/local/ts-worker.mjs', import.meta.url), {
    workerData: { dir, entry: new URL('./fixtures/append-in-worker.ts', import.meta.url).href },
  });
  return new Promise((resolve, reject) => {
    worker.on('message', () => resolve());
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the worker exited with code ${code} before it notified`)));
  });
}

describe('waitForAppend', () => {
  it("wakes on another thread's append to the same directory, long before its timeout", { timeout: 20_000 }, async () => {
    const started = Date.now();
    const woken = waitForAppend('/queues/a', 15_000).then(() => Date.now() - started);
    await appendInWorker('/queues/a');
    expect(await woken).toBeLessThan(5_000);
  });

  it("sleeps through another directory's append until its own timeout", { timeout: 20_000 }, async () => {
    const started = Date.now();
    const woken = waitForAppend('/queues/b', 3_000).then(() => Date.now() - started);
    await appendInWorker('/queues/c');
    expect(await woken).toBeGreaterThanOrEqual(2_900);
  });
});
