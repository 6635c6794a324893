/**
 * The file state store's lock after a crash: a process killed inside an update leaves
 * `state.json.lock` behind, and the restarted task must not wait on it (the crash test restarts
 * within a second of `kill -9`). A lock whose holder still runs is waited for.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTaskStateStore } from '../../../shared/task/index.ts';
import { tempDir } from '../../helpers/stack.ts';

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the file task state lock', () => {
  it('takes over at once a lock left by a process that no longer runs', async () => {
    const file = join(await tempDir('state-lock'), 'state.json');
    await writeFile(`${file}.lock`, `${await deadPid()}\n`);
    const store = new FileTaskStateStore(file);
    const started = Date.now();
    const state = await store.update(() => ({ status: 'RUNNING', at: '2026-12-03T00:00:00.000Z' }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(state?.status).toBe('RUNNING');
    expect((await store.read())?.status).toBe('RUNNING');
  });

  it('waits for a lock whose holder still runs, and updates once it is released', async () => {
    const file = join(await tempDir('state-lock'), 'state.json');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(`${file}.lock`, `${holder.pid}\n`);
      const store = new FileTaskStateStore(file);
      let done = false;
      const update = store.update(() => ({ status: 'PAUSED', at: '2026-12-03T00:00:00.000Z' })).then((s) => ((done = true), s));
      await new Promise((r) => setTimeout(r, 500));
      expect(done).toBe(false);
      await rm(`${file}.lock`);
      expect((await update)?.status).toBe('PAUSED');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
