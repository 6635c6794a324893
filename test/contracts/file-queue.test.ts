/**
 * The file queue against the Queue contract, each test in a fresh directory under the OS temp dir,
 * then what only the file queue has: segment files, checksums, the writer lock.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileQueue, type FileQueueOptions } from '../../shared/queue/file/index.ts';
import { QueueCorruptError, QueueIoError, type Queue } from '../../shared/queue/index.ts';
import { makeBatch } from '../helpers/queue-batches.ts';
import { queueContract } from './queue.contract.ts';

queueContract('file', {
  async newQueue(consumers) {
    const dir = await mkdtemp(join(tmpdir(), 'dts-queue-contract-'));
    // Small segments, so retention has whole segments to drop after a few dozen batches.
    const openQueue = () => createFileQueue(dir, { consumers, segmentBytes: 16 * 1024 });
    let queue: Queue = await openQueue();
    return {
      get queue() {
        return queue;
      },
      async reopen() {
        await queue.close();
        queue = await openQueue();
        return queue;
      },
      async cleanup() {
        await queue.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('file queue: on-disk behaviour', () => {
  let dir: string;
  const opened: Queue[] = [];
  const openQueue = async (options: Partial<FileQueueOptions> = {}) => {
    const queue = await createFileQueue(dir, { consumers: ['kafka'], ...options });
    opened.push(queue);
    return queue;
  };
  const closeAll = () => Promise.all(opened.splice(0).map((q) => q.close()));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-queue-file-'));
  });
  afterEach(async () => {
    await closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  /** [offset, length] of every frame in a segment file, by walking the headers. */
  async function frames(path: string): Promise<[number, number][]> {
    const bytes = await readFile(path);
    const out: [number, number][] = [];
    for (let at = 0; at < bytes.length; at += 8 + bytes.readUInt32LE(at)) out.push([at, bytes.readUInt32LE(at)]);
    return out;
  }
  async function segments(): Promise<string[]> {
    return (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort();
  }
  async function flipByte(path: string, at: number): Promise<void> {
    const bytes = await readFile(path);
    bytes[at] = bytes[at]! ^ 0xff;
    await writeFile(path, bytes);
  }

  it('rolls to a new segment past segmentBytes, each named by its first seq', async () => {
    const queue = await openQueue({ segmentBytes: 4096 });
    for (let i = 1; i <= 40; i++) await queue.append(makeBatch(i));
    const names = await segments();
    expect(names.length).toBeGreaterThan(3);
    let next = 1;
    for (const name of names) {
      expect(name).toBe(`${String(next).padStart(20, '0')}.seg`);
      const path = join(dir, name);
      expect((await stat(path)).size).toBeLessThanOrEqual(4096);
      next += (await frames(path)).length;
    }
    expect(next).toBe(41);
  });

  it('a checksum mismatch before the last frame of the active segment fails the open with file and offset', async () => {
    let queue = await openQueue();
    for (let i = 1; i <= 10; i++) await queue.append(makeBatch(i));
    await closeAll();
    const path = join(dir, (await segments())[0]!);
    const [offset] = (await frames(path))[2]!;
    await flipByte(path, offset + 8 + 20);
    const err = await openQueue().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueCorruptError);
    expect((err as QueueCorruptError).context).toMatchObject({ path, offset, seq: 3 });
    expect((err as Error).message).toContain(`${path} is damaged at byte offset ${offset} (seq 3)`);
    expect((err as QueueCorruptError).retriable).toBe(false);
    queue = await openQueue({ writer: false }); // observing does not checksum everything …
    await expect(queue.read(2)).rejects.toBeInstanceOf(QueueCorruptError); // … but every read does
  });

  it('a checksum mismatch in an older segment is QueueCorruptError on read, naming file, offset and seq', async () => {
    const queue = await openQueue({ segmentBytes: 4096 });
    for (let i = 1; i <= 40; i++) await queue.append(makeBatch(i));
    const path = join(dir, (await segments())[0]!);
    const [offset] = (await frames(path))[1]!;
    await flipByte(path, offset + 8 + 30);
    expect((await queue.read(0, { maxBatches: 1 })).map((e) => e.seq)).toEqual([1]);
    const err = await queue.read(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueCorruptError);
    expect((err as QueueCorruptError).context).toMatchObject({ path, offset, seq: 2 });
    expect((err as Error).message).toContain(`${path} fails its checksum at byte offset ${offset} (seq 2)`);
  });

  it('a bad checksum on the very last frame is a torn append: cut off on open, its seq reused', async () => {
    let queue = await openQueue();
    for (let i = 1; i <= 5; i++) await queue.append(makeBatch(i));
    await closeAll();
    const path = join(dir, (await segments())[0]!);
    const [offset] = (await frames(path)).at(-1)!;
    await flipByte(path, offset + 8 + 10);
    queue = await openQueue();
    expect((await stat(path)).size).toBe(offset);
    expect((await queue.last())?.seq).toBe(4);
    expect(await queue.append(makeBatch(5))).toBe(5);
    expect((await queue.read(4))[0]!.batch).toStrictEqual(makeBatch(5));
  });

  it('one writer: a second queue cannot append while the first holds the lock, and can after it closes', async () => {
    const first = await openQueue();
    const second = await openQueue();
    await first.append(makeBatch(1));
    const err = await second.append(makeBatch(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueIoError);
    expect((err as Error).message).toContain(`is locked by process ${process.pid}`);
    expect((await second.read(0)).map((e) => e.seq)).toEqual([1]); // it still reads
    await first.close();
    expect(await second.append(makeBatch(2))).toBe(2);
    expect((await second.read(0)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a queue opened with writer: false follows the writer, commits, and never appends', async () => {
    const writer = await openQueue({ segmentBytes: 4096 });
    const deliverer = await openQueue({ writer: false, segmentBytes: 4096 });
    const pending = deliverer.read(0, { waitMs: 5_000 });
    await writer.append(makeBatch(1));
    expect((await pending).map((e) => e.seq)).toEqual([1]);
    for (let i = 2; i <= 40; i++) await writer.append(makeBatch(i));
    expect((await deliverer.read(1, { maxBatches: 100 })).map((e) => e.seq)).toEqual(Array.from({ length: 39 }, (_, i) => i + 2));
    await deliverer.commit('kafka', 40);
    expect(await writer.cursor('kafka')).toBe(40);
    expect((await writer.stats()).firstSeq).toBeGreaterThan(1); // the deliverer's commit dropped segments
    expect(JSON.parse(await readFile(join(dir, 'cursors.json'), 'utf8'))).toEqual({ kafka: 40 });
    await expect(deliverer.append(makeBatch(41))).rejects.toThrow(/writer: false/);
    expect(await writer.append(makeBatch(41))).toBe(41);
  });
});

describe('file queue: consumer notes on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-queue-note-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a note as note.<consumer>, written whole; a write cut before its rename leaves the old note and the segments alone', async () => {
    const queue = await createFileQueue(dir, { consumers: ['mc'], segmentBytes: 4096 });
    for (let i = 1; i <= 3; i++) await queue.append(makeBatch(i));
    await queue.writeNote('mc', '{"sessions":["s1"]}');
    expect(await readFile(join(dir, 'note.mc'), 'utf8')).toBe('{"sessions":["s1"]}');
    // A crash between writing the temp file and the rename leaves the temp file behind.
    await writeFile(join(dir, 'note.mc.99999.1.tmp'), '{"sessions":["s1","s2"');
    await queue.close();
    const reopened = await createFileQueue(dir, { consumers: ['mc'], segmentBytes: 4096 });
    expect(await reopened.readNote('mc')).toBe('{"sessions":["s1"]}');
    expect((await reopened.read(0)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await reopened.append(makeBatch(4))).toBe(4);
    await reopened.writeNote('mc', null);
    expect((await readdir(dir)).filter((f) => f === 'note.mc')).toEqual([]);
    // A consumer name that is not a safe file name is encoded into one.
    await reopened.writeNote('../x', 'n');
    expect((await readdir(dir)).filter((f) => f.startsWith('note.'))).toEqual(expect.arrayContaining(['note...%2Fx']));
    await reopened.close();
  });
});

describe('file queue: wake-ups', () => {
  it('an append in this process wakes a waiting read at once, not at the next poll', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dts-queue-wake-'));
    const writer = await createFileQueue(dir, { consumers: ['kafka'], pollMs: 60_000 });
    const reader = await createFileQueue(dir, { consumers: ['kafka'], pollMs: 60_000, writer: false });
    try {
      for (const queue of [writer, reader]) {
        const at = (await writer.stats()).lastSeq;
        const started = Date.now();
        const pending = queue.read(at, { waitMs: 30_000 });
        await new Promise((r) => setTimeout(r, 100));
        await writer.append(makeBatch(at + 1));
        expect((await pending).map((e) => e.seq)).toEqual([at + 1]);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
    } finally {
      await reader.close();
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
