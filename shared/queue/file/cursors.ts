/**
 * `cursors.json`: `{ "<consumer>": <seq>, … }`, the committed cursor of every consumer.
 *
 * Deliverers may run in other processes than the writer, so an update is a read-merge-write under
 * `cursors.lock`, and the merge keeps the larger seq: a cursor never moves back, and no process
 * overwrites another's commit with an older view. The file is replaced atomically (temp file,
 * fsync, rename, fsync of the directory), so a crash leaves the old or the new file, never half.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueCorruptError, QueueIoError } from '../errors.ts';
import { hasCode, replaceFileAtomically } from './fs-util.ts';
import { tryLock, type HeldLock } from './lock-file.ts';
import { defaults } from '../../task/defaults.ts';

export type Cursors = Readonly<Record<string, number>>;

export function cursorsPath(dir: string): string {
  return join(dir, 'cursors.json');
}

export async function loadCursors(dir: string): Promise<Cursors> {
  const path = cursorsPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return {};
    throw new QueueIoError(`cannot read queue cursors ${path}: check the file's permissions`, { path }, err);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new QueueCorruptError(`queue cursors ${path} is not valid JSON: restore it, or delete it to redeliver from the oldest stored batch`, { path }, err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new QueueCorruptError(`queue cursors ${path} must hold an object of consumer → seq`, { path });
  }
  for (const [consumer, seq] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(seq) || (seq as number) < 0) {
      throw new QueueCorruptError(`queue cursors ${path}: consumer "${consumer}" has cursor ${JSON.stringify(seq)}, expected a seq`, { path, consumer });
    }
  }
  return parsed as Cursors;
}

/** Raises `consumer`'s cursor to `seq` unless it is already there or past; returns every cursor after. */
export async function raiseCursor(dir: string, consumer: string, seq: number): Promise<Cursors> {
  const lock = await acquire(join(dir, 'cursors.lock'));
  try {
    const cursors = await loadCursors(dir);
    if ((cursors[consumer] ?? 0) >= seq) return cursors;
    const next = { ...cursors, [consumer]: seq };
    await replaceFile(dir, cursorsPath(dir), `${JSON.stringify(next, null, 2)}\n`);
    return next;
  } finally {
    await lock.release();
  }
}

async function acquire(path: string): Promise<HeldLock> {
  const deadline = Date.now() + defaults.queueCursorLockWaitMs;
  for (;;) {
    const attempt = await tryLock(path);
    if ('held' in attempt) return attempt.held;
    if (Date.now() > deadline) {
      throw new QueueIoError(
        `queue cursor lock ${path} has been held by process ${attempt.holderPid} for over ${defaults.queueCursorLockWaitMs} ms: ` + 'if that process is not a DTS process, delete the file',
        {
          path,
          pid: attempt.holderPid,
        },
      );
    }
    await sleep(2);
  }
}

async function replaceFile(dir: string, path: string, text: string): Promise<void> {
  try {
    await replaceFileAtomically(dir, path, text);
  } catch (err) {
    throw new QueueIoError(`cannot write queue cursors ${path}: check free space and permissions of ${dir}`, { path }, err);
  }
}
