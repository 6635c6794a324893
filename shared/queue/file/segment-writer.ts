/**
 * Appends frames to the active segment and rolls to a new one past the size limit. An append
 * resolves after fdatasync, so a resolved seq survives a crash of the process or the machine.
 *
 * Each frame is written at an explicit offset (the end of the last whole frame), so a failed write
 * leaves no gap: the next attempt, or the repair on reopen, starts from the same place. After a
 * failed write or sync the writer refuses further appends, because after a failed fsync the page
 * cache no longer says what is on disk; reopening the queue rescans and repairs the tail.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueIoError } from '../errors.ts';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, frameHeader } from './frame.ts';
import { fsyncDir, writeFully } from './fs-util.ts';
import { newSegment, type SegmentIndex } from './segment-index.ts';
import { segmentName } from './segment-file.ts';

export class SegmentWriter {
  private fh: FileHandle | null = null;
  private fhPath = '';
  private failure: unknown = null;

  constructor(
    private readonly dir: string,
    private readonly index: SegmentIndex,
    private readonly segmentBytes: number,
  ) {}

  /** Stores `payload` as the next seq and returns that seq once it is on disk. */
  async append(payload: Uint8Array): Promise<number> {
    if (this.failure) {
      throw new QueueIoError(`queue ${this.dir} refuses appends after a failed write: reopen the queue (it repairs its tail) and retry`, { path: this.dir }, this.failure);
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new QueueIoError(`batch of ${payload.length} bytes is over the ${MAX_PAYLOAD_BYTES}-byte frame limit of queue ${this.dir}: make batches smaller`, { path: this.dir });
    }
    const seq = this.index.lastSeq + 1;
    let active = this.index.active;
    try {
      if (!active || (active.end > 0 && active.end + FRAME_HEADER_BYTES + payload.length > this.segmentBytes)) {
        active = await this.roll(seq);
      }
      const fh = await this.handle(active.path);
      await writeFully(fh, [frameHeader(payload), payload], active.end);
      await fh.datasync();
    } catch (err) {
      this.failure = err;
      throw new QueueIoError(
        `cannot append seq ${seq} to queue segment ${active?.path ?? this.dir} at byte offset ${active?.end ?? 0}: check free space and permissions`,
        { path: active?.path ?? this.dir, offset: active?.end ?? 0, seq },
        err,
      );
    }
    active.offsets.push(active.end);
    active.end += FRAME_HEADER_BYTES + payload.length;
    return seq;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  /** Starts the segment whose first frame is `firstSeq`; the directory fsync makes its name durable. */
  private async roll(firstSeq: number) {
    await this.close();
    const path = join(this.dir, segmentName(firstSeq));
    this.fh = await open(path, 'wx');
    this.fhPath = path;
    await fsyncDir(this.dir);
    const segment = newSegment(path, firstSeq);
    this.index.segments.push(segment);
    return segment;
  }

  private async handle(path: string): Promise<FileHandle> {
    if (this.fh && this.fhPath === path) return this.fh;
    await this.close();
    this.fh = await open(path, 'r+');
    this.fhPath = path;
    return this.fh;
  }
}
