/**
 * The embedded queue: a directory of append-only segment files on one host.
 *
 *   <dir>/00000000000000000001.seg   frames of seq 1 …      (see frame.ts for the layout)
 *   <dir>/00000000000000004711.seg   frames of seq 4711 …   (a new segment past `segmentBytes`)
 *   <dir>/cursors.json               committed cursor per consumer (see cursors.ts)
 *   <dir>/note.<consumer>            a consumer's note, when it keeps one (see notes.ts)
 *   <dir>/lock                       pid of the one process that appends
 *
 * The writer takes `lock` on open; a queue opened while another live process holds it reads and
 * commits but cannot append. Deliverers in their own processes open with `writer: false`, so they
 * never take the lock from the reader. Every process must pass the same `consumers`: retention
 * runs in whichever process commits, and only the listed consumers hold batches back.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DtsError } from '../../errors.ts';
import type { Batch } from '../../record/index.ts';
import { encodeBatch } from '../codec.ts';
import { QueueIoError, QueueRangeError } from '../errors.ts';
import { assertSeq, readOrWait, type ReadLimits } from '../read-limits.ts';
import { droppableSegments, retentionFloor } from '../retention.ts';
import { Serial } from '../serial.ts';
import type { EncodedBatch, Queue, QueueEntry, QueueOptions, QueueStats, ReadOptions } from '../types.ts';
import { loadCursors, raiseCursor, type Cursors } from './cursors.ts';
import { hasCode } from './fs-util.ts';
import { refreshIndex, type RefreshMode } from './load-index.ts';
import { tryLock, type HeldLock } from './lock-file.ts';
import { readNote, writeNote } from './notes.ts';
import { notifyAppended, waitForAppend } from './notify.ts';
import { readFrames } from './read-frames.ts';
import { SegmentIndex } from './segment-index.ts';
import { SegmentWriter } from './segment-writer.ts';
import { defaults } from '../../task/defaults.ts';

export interface FileQueueOptions extends QueueOptions {
  /** Start a new segment file once the active one would pass this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** How often a waiting read looks at the files for appends by another process (default 50 ms). */
  pollMs?: number;
  /** False for a process that only reads and commits (a deliverer): it never takes the writer lock. */
  writer?: boolean;
}

export async function createFileQueue(dir: string, options: FileQueueOptions): Promise<Queue> {
  const queue = new FileQueue(resolve(dir), options);
  await queue.open();
  return queue;
}

class FileQueue implements Queue {
  private index = new SegmentIndex();
  private writer: SegmentWriter | null = null;
  private lock: HeldLock | null = null;
  private readonly appends = new Serial();
  private readonly commits = new Serial();
  private readonly notes = new Serial();
  /** Index changes other than appends: refreshes from disk and retention. */
  private readonly indexChanges = new Serial();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly options: FileQueueOptions,
  ) {}

  async open(): Promise<void> {
    await this.io('open', async () => {
      await mkdir(this.dir, { recursive: true });
      if (this.options.writer !== false && (await this.takeWriterLock()) === null) return;
      await this.refresh('observe');
    });
  }

  async append(batch: Batch | EncodedBatch): Promise<number> {
    return this.appends.run(() =>
      this.io('append', async () => {
        this.assertOpen();
        const writer = this.writer ?? (await this.becomeWriter());
        const seq = await writer.append(encodeBatch(batch));
        notifyAppended(this.dir);
        return seq;
      }),
    );
  }

  async last(): Promise<QueueEntry | null> {
    return this.io('last', async () => {
      this.assertOpen();
      if (!this.writer) await this.refresh('observe');
      const lastSeq = this.index.lastSeq;
      if (lastSeq === 0) return null;
      const [entry] = await this.readAvailable(lastSeq - 1, { maxBatches: 1, maxRecords: Infinity, maxBytes: Infinity, waitMs: 0 });
      return entry ?? null;
    });
  }

  async read(afterSeq: number, options: ReadOptions = {}): Promise<QueueEntry[]> {
    this.assertOpen();
    assertSeq('read: afterSeq', afterSeq, this.dir);
    return this.io('read', () =>
      readOrWait(
        options,
        () => this.closed,
        (limits) => this.readAvailable(afterSeq, limits),
        (left) => waitForAppend(this.dir, Math.min(this.options.pollMs ?? defaults.queuePollMs, left), options.signal),
      ),
    );
  }

  async cursor(consumer: string): Promise<number> {
    this.assertOpen();
    return this.io('cursor', async () => (await loadCursors(this.dir))[consumer] ?? 0);
  }

  async commit(consumer: string, seq: number): Promise<void> {
    this.assertOpen();
    assertSeq(`commit of consumer "${consumer}"`, seq, this.dir);
    return this.commits.run(() =>
      this.io('commit', async () => {
        if (seq > this.index.lastSeq && !this.writer) await this.refresh('observe');
        if (seq > this.index.lastSeq) {
          throw new QueueRangeError(`consumer "${consumer}" cannot commit seq ${seq}: queue ${this.dir} ends at seq ${this.index.lastSeq}; commit only seqs it has read`, {
            path: this.dir,
            seq,
            consumer,
          });
        }
        await this.dropPassed(await raiseCursor(this.dir, consumer, seq));
      }),
    );
  }

  async readNote(consumer: string): Promise<string | null> {
    this.assertOpen();
    return this.io('readNote', () => readNote(this.dir, consumer));
  }

  async writeNote(consumer: string, note: string | null): Promise<void> {
    this.assertOpen();
    return this.notes.run(() => this.io('writeNote', () => writeNote(this.dir, consumer, note)));
  }

  async stats(): Promise<QueueStats> {
    this.assertOpen();
    return this.io('stats', async () => {
      await this.refresh(this.writer ? 'prune' : 'observe');
      const all = await loadCursors(this.dir);
      const cursors: Record<string, number> = {};
      for (const c of this.options.consumers) cursors[c] = all[c] ?? 0;
      return { lastSeq: this.index.lastSeq, firstSeq: this.index.firstSeq, cursors };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.appends.idle(), this.commits.idle(), this.notes.idle(), this.indexChanges.idle()]);
    await this.writer?.close();
    await this.lock?.release();
    this.writer = null;
    this.lock = null;
  }

  /** Takes the writer lock and rebuilds the index with tail repair; the holder's pid when taken. */
  private async takeWriterLock(): Promise<number | null> {
    const attempt = await tryLock(join(this.dir, 'lock'));
    if (!('held' in attempt)) return attempt.holderPid;
    try {
      const index = new SegmentIndex();
      await refreshIndex(index, this.dir, 'repair');
      this.index = index;
      this.writer = new SegmentWriter(this.dir, index, this.options.segmentBytes ?? defaults.queueSegmentBytes);
      this.lock = attempt.held;
      return null;
    } catch (err) {
      await attempt.held.release();
      throw err;
    }
  }

  /** A queue opened while another process held the lock may append once that process is gone. */
  private async becomeWriter(): Promise<SegmentWriter> {
    const lockPath = join(this.dir, 'lock');
    if (this.options.writer === false) {
      throw new QueueIoError(`queue ${this.dir} was opened with writer: false and cannot append; open it without that option in the one process that appends`, { path: this.dir });
    }
    const holder = await this.indexChanges.run(() => this.takeWriterLock());
    if (holder !== null || !this.writer) {
      throw new QueueIoError(
        `queue ${this.dir} is locked by process ${holder} (${lockPath}): a queue has one writer. Stop that process first; ` +
          `a process that only delivers opens the queue with writer: false. If process ${holder} is not a DTS process, delete ${lockPath}`,
        { path: lockPath, pid: holder ?? -1 },
      );
    }
    return this.writer;
  }

  private async readAvailable(afterSeq: number, limits: ReadLimits): Promise<QueueEntry[]> {
    if (!this.writer && afterSeq >= this.index.lastSeq) await this.refresh('observe');
    try {
      this.assertRetained(afterSeq);
      return await readFrames(this.index, afterSeq, limits);
    } catch (err) {
      // A segment deleted under us: retention in another process (or this one) got there first.
      if (!hasCode(err, 'ENOENT')) throw err;
      await this.refresh(this.writer ? 'prune' : 'observe');
      this.assertRetained(afterSeq);
      return await readFrames(this.index, afterSeq, limits);
    }
  }

  private assertRetained(afterSeq: number): void {
    const firstSeq = this.index.firstSeq;
    if (afterSeq + 1 >= firstSeq) return;
    throw new QueueRangeError(
      `queue ${this.dir} no longer holds seq ${afterSeq + 1}: retention dropped everything before seq ${firstSeq} ` +
        'because every registered consumer had committed past it. A consumer reading from there was not registered ' +
        'or its cursor was reset; re-sync that destination from the source',
      { path: this.dir, seq: afterSeq + 1, firstSeq },
    );
  }

  /** Deletes whole segments every registered consumer has passed. */
  private dropPassed(cursors: Cursors): Promise<void> {
    return this.indexChanges.run(async () => {
      const floor = retentionFloor(this.options.consumers, cursors);
      const doomed = this.index.segments.slice(0, droppableSegments(this.index.segments, floor));
      for (const segment of doomed) {
        await unlink(segment.path).catch((err) => {
          if (!hasCode(err, 'ENOENT')) throw err;
        });
      }
      this.index.segments = this.index.segments.filter((s) => !doomed.includes(s));
    });
  }

  private refresh(mode: RefreshMode): Promise<void> {
    return this.indexChanges.run(() => refreshIndex(this.index, this.dir, mode));
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueIoError(`queue ${this.dir} is closed`, { path: this.dir });
  }

  /** Lets typed errors through and names the queue and the step in anything else (EACCES, ENOSPC …). */
  private async io<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DtsError) throw err;
      const code = (err as { code?: string }).code;
      throw new QueueIoError(`queue ${this.dir}: ${step} failed${code ? ` (${code})` : ''}: check the directory's free space and permissions`, { path: this.dir }, err);
    }
  }
}
