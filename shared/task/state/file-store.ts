/**
 * The task state as a JSON file in the file queue's directory. A write goes to a unique tmp file,
 * is fsynced, then renamed over the state file: a reader sees the old or the new state, never half
 * of one, and a crash keeps one of the two. Updates from several processes (the runner, `dts pause`)
 * are serialized by a lock file created with O_EXCL that names its holder's pid: a lock left by a
 * killed process (`kill -9`, an OOM kill, a crash mid-update) is taken over at once when that pid is
 * no longer running, and in any case once it is older than `staleLockMs` (a holder on another host
 * of a shared directory cannot be asked). An update holds the lock for milliseconds.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Serial } from '../../queue/serial.ts';
import type { TaskState } from '../state.ts';
import { TaskStateIoError } from './errors.ts';
import type { StateChange, TaskStateStore } from './store.ts';

const staleLockMs = 10_000;
/** Longer than `staleLockMs`, so a waiter always outlives a lock whose holder cannot be checked. */
const lockWaitMs = 15_000;

/** Whether the pid written in a lock file may still hold it (this process may: another store of the same file). */
function holderRunning(text: string): boolean {
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) return true; // being written, or not ours to judge: age decides
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function writeFileStateJson(file: string, state: TaskState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

export async function readFileStateJson(file: string): Promise<TaskState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TaskStateIoError(`cannot read the task state ${file}: ${(err as Error).message}; check the directory's permissions`, file, err);
  }
  try {
    return JSON.parse(text) as TaskState;
  } catch {
    // Renames are atomic, so a torn file is not ours: report it as no state rather than crash every command.
    return null;
  }
}

export class FileTaskStateStore implements TaskStateStore {
  readonly where: string;
  readonly #lock: string;
  // One update at a time inside this process; the lock file orders processes.
  readonly #serial = new Serial();

  constructor(file: string) {
    this.where = file;
    this.#lock = `${file}.lock`;
  }

  read(): Promise<TaskState | null> {
    return readFileStateJson(this.where);
  }

  update(change: StateChange): Promise<TaskState | null> {
    return this.#serial.run(async () => {
      await this.#acquire();
      try {
        const current = await this.read();
        const next = change(current);
        if (next === null) return current;
        await writeFileStateJson(this.where, next);
        return next;
      } finally {
        await rm(this.#lock, { force: true });
      }
    });
  }

  async close(): Promise<void> {
    await this.#serial.idle();
  }

  async #acquire(): Promise<void> {
    await mkdir(dirname(this.where), { recursive: true });
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      try {
        const handle = await open(this.#lock, 'wx');
        try {
          await handle.writeFile(`${process.pid}\n`);
        } finally {
          await handle.close();
        }
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TaskStateIoError(`cannot lock the task state ${this.where}: ${(err as Error).message}`, this.where, err);
      }
      const age = await stat(this.#lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      const holder = await readFile(this.#lock, 'utf8').catch(() => '');
      if (age > staleLockMs || !holderRunning(holder)) await rm(this.#lock, { force: true });
      else if (Date.now() > deadline)
        throw new TaskStateIoError(`the task state ${this.where} stayed locked for ${lockWaitMs / 1000} s; if no dts process is running, delete ${this.#lock}`, this.where);
      else await new Promise((r) => setTimeout(r, 5));
    }
  }
}
