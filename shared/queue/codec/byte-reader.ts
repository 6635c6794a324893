/**
 * Reads what ByteWriter wrote, checking every length against the end of the payload: stored bytes
 * that end early or hold an impossible varint raise PayloadCorruption with the byte offset, which
 * the codec turns into a QueueCorruptError naming where the payload came from.
 */

import { slicesOf, type BufferSlices } from '../../buffer-slices.ts';

/** Bytes that cannot be what the writer wrote; `offset` is where reading failed. */
export class PayloadCorruption extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PayloadCorruption';
  }
}

/** Byte values up to this size are copied by a JS loop: cheaper than a call into Buffer#copy. */
const SHORT_BYTES = 32;

export class ByteReader {
  readonly buf: Buffer;
  readonly #slices: BufferSlices;
  pos: number;
  readonly end: number;

  /** Reads buf from `start` up to `end` (default: its end). */
  constructor(buf: Buffer, start: number, end = buf.length) {
    this.buf = buf;
    this.#slices = slicesOf(buf);
    this.pos = start;
    this.end = end;
  }

  /** Starts a read of `n` bytes at the current position, failing when fewer remain. */
  take(n: number, what: string): number {
    const at = this.pos;
    if (n > this.end - at) throw new PayloadCorruption(`${what} needs ${n} bytes but the payload ends ${this.end - at} bytes later`, at);
    this.pos = at + n;
    return at;
  }

  u8(what: string): number {
    if (this.pos >= this.end) throw new PayloadCorruption(`the payload ends before ${what}`, this.pos);
    return this.buf[this.pos++]!;
  }

  uint(what: string): number {
    const buf = this.buf;
    let p = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= this.end) throw new PayloadCorruption(`the payload ends inside ${what}`, this.pos);
      const b = buf[p++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = p;
        return result;
      }
      scale *= 0x80;
    }
    throw new PayloadCorruption(`${what} is a varint longer than 8 bytes`, this.pos);
  }

  f64(what: string): number {
    return this.buf.readDoubleLE(this.take(8, what));
  }

  bigint64(what: string): bigint {
    return this.buf.readBigInt64LE(this.take(8, what));
  }

  /** A copy the caller owns: the payload may be a reused network buffer, and must be freeable. */
  bytes(what: string): Buffer {
    const n = this.uint(what);
    const at = this.take(n, what);
    const out = Buffer.allocUnsafe(n);
    if (n <= SHORT_BYTES) {
      const buf = this.buf;
      for (let i = 0; i < n; i++) out[i] = buf[at + i]!;
    } else this.buf.copy(out, 0, at, at + n);
    return out;
  }

  /** `n` bytes from the current position as a string of one char per byte (a lookup key). */
  latin1Of(at: number, n: number): string {
    return this.#slices.latin1Slice(at, at + n);
  }

  latin1(what: string): string {
    const n = this.uint(what);
    const at = this.take(n, what);
    return this.#slices.latin1Slice(at, at + n);
  }

  utf8(what: string): string {
    const n = this.uint(what);
    const at = this.take(n, what);
    return this.#slices.utf8Slice(at, at + n);
  }

  utf16(what: string): string {
    const n = this.uint(what);
    if (n % 2 !== 0) throw new PayloadCorruption(`${what} has an odd UTF-16 byte length ${n}`, this.pos);
    const at = this.take(n, what);
    return this.buf.toString('utf16le', at, at + n);
  }
}
