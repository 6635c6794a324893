/**
 * The file queue across a killed process: a child appends in a loop and prints every acknowledged
 * seq; it is SIGKILLed mid-stream; every acknowledged batch must then be there, intact and in order,
 * and a torn tail must be cut off on open so numbering continues without a gap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { QueueIoError, type Queue } from '../../shared/queue/index.ts';
import { makeBatch } from '../helpers/queue-batches.ts';

let dir: string;
let child: ChildProcess | undefined;
const open: Queue[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dts-queue-crash-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(open.splice(0).map((q) => q.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openQueue(options: { writer?: boolean } = {}): Promise<Queue> {
  const queue = await createFileQueue(dir, { consumers: ['kafka'], ...options });
  open.push(queue);
  return queue;
}

/** Starts the writer child; resolves once it holds the lock, with a live list of acknowledged seqs. */
async function startWriter(): Promise<{ acked: number[]; exited: Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/queue-writer.ts', dir], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  const acked: number[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('ready')) resolve();
      else acked.push(Number(line));
    });
    proc.on('exit', (code) => reject(new Error(`queue writer exited with ${code} before it was ready: ${stderr}`)));
  });
  return { acked, exited };
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function lastSegment(): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort();
  return join(dir, names.at(-1)!);
}

async function expectIntact(queue: Queue, lastSeq: number): Promise<void> {
  let at = 0;
  while (at < lastSeq) {
    const entries = await queue.read(at, { maxBatches: 500 });
    expect(entries.length).toBe(Math.min(500, lastSeq - at));
    for (const e of entries) {
      expect(e.seq).toBe(at + 1);
      expect(e.batch).toStrictEqual(makeBatch(e.seq));
      at = e.seq;
    }
  }
  expect(await queue.read(lastSeq)).toEqual([]);
}

describe('file queue across a killed writer process', () => {
  it('keeps every acknowledged batch, lets another process read while it writes, and refuses a second writer', async () => {
    const writer = await startWriter();

    // another process (this one) reads while the child writes: it sees the child's appends by polling
    const reader = await openQueue({ writer: false });
    const seen: number[] = [];
    while (seen.length < 100) {
      const entries = await reader.read(seen.at(-1) ?? 0, { waitMs: 5_000 });
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.seq).toBe(seen.length + 1);
        expect(e.batch).toStrictEqual(makeBatch(e.seq));
        seen.push(e.seq);
      }
    }

    // a second would-be writer opens (as a reader) but cannot append while the child holds the lock
    const second = await openQueue();
    const refused = await second.append(makeBatch(999_999)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(QueueIoError);
    expect((refused as Error).message).toContain(`locked by process ${child!.pid}`);

    await until(() => writer.acked.length >= 300);
    child!.kill('SIGKILL');
    await writer.exited;
    const acked = [...writer.acked];
    expect(acked).toEqual(Array.from({ length: acked.length }, (_, i) => i + 1));

    await Promise.all(open.splice(0).map((q) => q.close()));
    const queue = await openQueue();
    const lastSeq = (await queue.stats()).lastSeq;
    // an append that reached the disk but not stdout before the kill is the only extra one allowed
    expect(lastSeq === acked.length || lastSeq === acked.length + 1).toBe(true);
    await expectIntact(queue, lastSeq);
    expect(await queue.append(makeBatch(lastSeq + 1))).toBe(lastSeq + 1);
  }, 120_000);

  it('cuts a torn tail off on open and continues at the next seq', async () => {
    const writer = await startWriter();
    await until(() => writer.acked.length >= 50);
    child!.kill('SIGKILL');
    await writer.exited;

    let queue = await openQueue();
    const lastSeq = (await queue.stats()).lastSeq;
    await queue.close();
    open.length = 0;

    // a crash mid-append, twice over: half a real frame, then garbage
    const segment = await lastSegment();
    const whole = (await stat(segment)).size;
    const frame = Buffer.alloc(200);
    frame.writeUInt32LE(5_000, 0); // a header promising more payload than follows
    await appendFile(segment, frame);
    queue = await openQueue();
    expect((await stat(segment)).size).toBe(whole);
    expect(await queue.append(makeBatch(lastSeq + 1))).toBe(lastSeq + 1);
    await queue.close();
    open.length = 0;

    const grown = (await stat(segment)).size;
    await appendFile(segment, Buffer.alloc(37, 0xab));
    queue = await openQueue();
    expect((await stat(segment)).size).toBe(grown);
    expect(await queue.append(makeBatch(lastSeq + 2))).toBe(lastSeq + 2);
    await expectIntact(queue, lastSeq + 2);
  }, 120_000);
});
