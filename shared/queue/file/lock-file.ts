/**
 * A pid lock file: created whole with `link` (so nobody ever sees it empty), owned while the pid in
 * it is alive. A lock whose pid is gone was left by a crash and is taken over.
 *
 * Limits, accepted for an embedded single-host queue: a reused pid makes a stale lock look alive
 * (the error names the file to delete), and two processes taking over the same stale lock in the
 * same millisecond could both win.
 */
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hasCode } from './fs-util.ts';

/** Locks held by this process, so a second queue instance here does not take the first one's lock. */
const heldHere = new Set<string>();

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

export type LockAttempt = { readonly held: HeldLock } | { readonly holderPid: number };

export async function tryLock(path: string): Promise<LockAttempt> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(tmp, path);
        heldHere.add(path);
        return { held: { path, release: () => release(path) } };
      } catch (err) {
        if (!hasCode(err, 'EEXIST')) throw err;
      }
      const holderPid = await readPid(path);
      if (holderPid === null) continue; // released meanwhile: try again
      if (isHeld(path, holderPid)) return { holderPid };
      await unlink(path).catch((err) => {
        if (!hasCode(err, 'ENOENT')) throw err;
      });
    }
    return { holderPid: (await readPid(path)) ?? -1 };
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function release(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  await unlink(path).catch((err) => {
    if (!hasCode(err, 'ENOENT')) throw err;
  });
}

async function readPid(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) ? pid : 0;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return null;
    throw err;
  }
}

function isHeld(path: string, pid: number): boolean {
  if (pid === process.pid) return heldHere.has(path);
  return pid > 0 && isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return hasCode(err, 'EPERM');
  }
}
