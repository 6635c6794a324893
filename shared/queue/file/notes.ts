/**
 * `note.<consumer>`: a consumer's note (Queue.readNote/writeNote), the small text its sink keeps
 * beside the cursor. The file holds the text as is; no file means no note. It is written like
 * cursors.json (temp file, fsync, rename, fsync of the directory), so a crash leaves the old text
 * or the new one. A consumer has one writer (its deliverer), so unlike the cursors there is no
 * lock and no merge. The consumer name is URI-encoded into the file name (no `/`, never `..`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueIoError } from '../errors.ts';
import { hasCode, removeFileDurably, replaceFileAtomically } from './fs-util.ts';

export function notePath(dir: string, consumer: string): string {
  return join(dir, `note.${encodeURIComponent(consumer)}`);
}

export async function readNote(dir: string, consumer: string): Promise<string | null> {
  const path = notePath(dir, consumer);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return null;
    throw new QueueIoError(`cannot read the note of consumer "${consumer}" at ${path}: check the file's permissions`, { path, consumer }, err);
  }
}

export async function writeNote(dir: string, consumer: string, note: string | null): Promise<void> {
  const path = notePath(dir, consumer);
  try {
    if (note === null) await removeFileDurably(dir, path);
    else await replaceFileAtomically(dir, path, note);
  } catch (err) {
    throw new QueueIoError(`cannot write the note of consumer "${consumer}" at ${path}: check free space and permissions of ${dir}`, { path, consumer }, err);
  }
}
