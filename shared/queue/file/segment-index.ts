/**
 * The in-memory map from seq to (segment file, byte offset): built by one scan on open, extended by
 * appends, so reads seek straight to a frame. It holds offsets only, never payloads: 8 bytes per
 * stored batch.
 */
import type { SeqRange } from '../retention.ts';

export interface Segment extends SeqRange {
  readonly path: string;
  /** Offset of each frame: frame i holds seq firstSeq + i. */
  readonly offsets: number[];
  /** Bytes of whole frames: where the next frame goes. */
  end: number;
}

export function newSegment(path: string, firstSeq: number, offsets: number[] = [], end = 0): Segment {
  return {
    path,
    firstSeq,
    offsets,
    end,
    get lastSeq() {
      return this.firstSeq + this.offsets.length - 1;
    },
  };
}

export class SegmentIndex {
  /** In seq order, contiguous: each segment starts right after the previous one's last seq. */
  segments: Segment[] = [];

  get lastSeq(): number {
    return this.segments.at(-1)?.lastSeq ?? 0;
  }

  /** Oldest seq still stored; lastSeq + 1 when nothing is. */
  get firstSeq(): number {
    const first = this.segments.find((s) => s.offsets.length > 0);
    return first ? first.firstSeq : this.lastSeq + 1;
  }

  get active(): Segment | undefined {
    return this.segments.at(-1);
  }

  /** The segment holding `seq` and the frame's byte range, or null when it is not stored. */
  locate(seq: number): { segment: Segment; offset: number; length: number } | null {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid]!;
      if (seq < s.firstSeq) hi = mid - 1;
      else if (seq > s.lastSeq) lo = mid + 1;
      else {
        const i = seq - s.firstSeq;
        const offset = s.offsets[i]!;
        const next = i + 1 < s.offsets.length ? s.offsets[i + 1]! : s.end;
        return { segment: s, offset, length: next - offset };
      }
    }
    return null;
  }
}
