/** Small file-system steps the file queue repeats: full writes, atomic replaces, directory fsync, errno checks. */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { QueueIoError } from '../errors.ts';

export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** Writes every byte of `chunks` at `position`: a single writev may write less than asked. */
export async function writeFully(fh: FileHandle, chunks: readonly Uint8Array[], position: number): Promise<void> {
  let pending = chunks.filter((c) => c.length > 0);
  while (pending.length > 0) {
    const { bytesWritten } = await fh.writev(pending, position);
    if (bytesWritten === 0) throw new QueueIoError(`writev wrote 0 bytes at offset ${position} (disk full?)`, { offset: position });
    position += bytesWritten;
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const c of pending) {
      if (skip >= c.length) skip -= c.length;
      else {
        rest.push(skip > 0 ? c.subarray(skip) : c);
        skip = 0;
      }
    }
    pending = rest;
  }
}

/** Reads exactly `length` bytes at `position` into a fresh buffer; fewer means the file is shorter. */
export async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer | null> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) return null;
    got += bytesRead;
  }
  return buf;
}

/** Makes a create, rename or delete in `dir` durable: the entry lives in the directory's own data. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

let tmpCounter = 0;

/**
 * Replaces `path` (in `dir`) with `text` so that a crash leaves the old file or the new one:
 * temp file, fsync, rename over, fsync of the directory.
 */
export async function replaceFileAtomically(dir: string, path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dir);
}

/** Deletes `path` (in `dir`) durably; a file already gone is fine. */
export async function removeFileDurably(dir: string, path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return;
    throw err;
  }
  await fsyncDir(dir);
}
