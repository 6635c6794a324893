/**
 * Segment files: `<firstSeq, 20 digits>.seg`, so names sort in seq order and the seq of every frame
 * follows from the name and the frame's index. Scanning walks the frame headers in 1 MiB reads and
 * reports the first frame that does not hold together, with whether a crash mid-append explains it.
 */
import { readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAME_HEADER_BYTES, isPayloadIntact, readFrameHeader } from './frame.ts';
import { readExactly } from './fs-util.ts';

const NAME = /^(\d{20})\.seg$/;
const CHUNK_BYTES = 1 << 20;

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.seg`;
}

export interface SegmentFile {
  readonly firstSeq: number;
  readonly path: string;
}

export async function listSegmentFiles(dir: string): Promise<SegmentFile[]> {
  const files: SegmentFile[] = [];
  for (const name of await readdir(dir)) {
    const m = NAME.exec(name);
    if (m) files.push({ firstSeq: Number(m[1]), path: join(dir, name) });
  }
  return files.sort((a, b) => a.firstSeq - b.firstSeq);
}

export interface ScanProblem {
  /** Byte offset of the frame that does not hold together. */
  readonly offset: number;
  readonly reason: string;
  /**
   * Everything from `offset` to the end of the file can be one frame whose append did not finish:
   * a cut-short header or payload, a bad checksum on the very last frame, or a zero-filled tail.
   */
  readonly torn: boolean;
}

export interface ScanResult {
  /** Offsets of the whole frames found, in order. */
  readonly offsets: number[];
  /** Where the whole frames end: the file size when there is no problem. */
  readonly end: number;
  readonly problem: ScanProblem | null;
}

/**
 * Walks frames from `from` to `size`. With `verify`, payloads are read and checked against their CRC
 * (opening the segment being appended to); without, only the framing is (cheap, for the rest).
 */
export async function scanFrames(fh: FileHandle, from: number, size: number, verify: boolean): Promise<ScanResult> {
  const reader = new ChunkReader(fh, size);
  const offsets: number[] = [];
  const stop = (offset: number, reason: string, torn: boolean): ScanResult => ({ offsets, end: offset, problem: { offset, reason, torn } });
  let offset = from;
  while (offset < size) {
    const headerBytes = await reader.bytes(offset, FRAME_HEADER_BYTES);
    if (!headerBytes) return stop(offset, `frame header cut short: ${size - offset} of ${FRAME_HEADER_BYTES} bytes`, true);
    const header = readFrameHeader(headerBytes);
    if (header.length === 0) {
      const zeros = await reader.isZeroFrom(offset);
      return stop(offset, zeros ? 'zero-filled tail' : 'frame with length 0', zeros);
    }
    const end = offset + FRAME_HEADER_BYTES + header.length;
    if (end > size) return stop(offset, `frame payload cut short: ${size - offset - FRAME_HEADER_BYTES} of ${header.length} bytes`, true);
    if (verify) {
      const payload = await reader.bytes(offset + FRAME_HEADER_BYTES, header.length);
      if (!payload || !isPayloadIntact(header, payload)) return stop(offset, 'frame checksum mismatch', end === size);
    }
    offsets.push(offset);
    offset = end;
  }
  return { offsets, end: offset, problem: null };
}

/** Serves small reads from one buffered chunk, so walking many small frames costs few syscalls. */
class ChunkReader {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkAt = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
  ) {}

  async bytes(at: number, length: number): Promise<Buffer | null> {
    if (at + length > this.size) return null;
    if (at < this.chunkAt || at + length > this.chunkAt + this.chunk.length) {
      const chunk = await readExactly(this.fh, at, Math.min(Math.max(length, CHUNK_BYTES), this.size - at));
      if (!chunk) return null;
      this.chunk = chunk;
      this.chunkAt = at;
    }
    return this.chunk.subarray(at - this.chunkAt, at - this.chunkAt + length);
  }

  async isZeroFrom(at: number): Promise<boolean> {
    for (let pos = at; pos < this.size; pos += CHUNK_BYTES) {
      const bytes = await this.bytes(pos, Math.min(CHUNK_BYTES, this.size - pos));
      if (!bytes || bytes.some((b) => b !== 0)) return false;
    }
    return true;
  }
}
