/**
 * One growing Buffer that the v2 batch layout is written into. Integers are LEB128 varints
 * (unsigned, up to 2^53); strings are written straight from JS with Buffer#write into space
 * reserved for their longest UTF-8 form, then their length is filled in before them.
 */

/** Strings longer than this get their exact UTF-8 length first, instead of reserving 3 bytes per char. */
const RESERVE_LIMIT = 1 << 16;
/** Up to this length an ASCII string is copied by a JS loop (its length then fits one varint byte). */
const SHORT_ASCII = 48;
/** Up to this length `raw` copies by a JS loop. */
const SHORT_RAW = 32;

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.#grow(n);
  }

  #grow(n: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.#grow(1);
    this.buf[this.pos++] = v;
  }

  /** A non-negative safe integer as a varint (1 byte below 128, at most 8). */
  uint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    let p = this.pos;
    if (v < 0x80000000) {
      while (v >= 0x80) {
        buf[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        buf[p++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
    }
    buf[p++] = v;
    this.pos = p;
  }

  f64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  bigint64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(v, this.pos);
  }

  bytes(v: Uint8Array): void {
    this.uint(v.byteLength);
    this.ensure(v.byteLength);
    this.buf.set(v, this.pos);
    this.pos += v.byteLength;
  }

  /** `src[start..end)` as it is, no length (bytes already in this layout, or a body after its length); short runs by a JS loop, cheaper than a call into Buffer#copy. */
  raw(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    const out = this.buf;
    if (n <= SHORT_RAW) {
      let q = this.pos;
      for (let p = start; p < end; p++) out[q++] = src[p]!;
    } else src.copy(out, this.pos, start, end);
    this.pos += n;
  }

  /**
   * A varint length, then the string's UTF-8 bytes; returns the byte count, which equals the
   * string's length exactly when every character is ASCII (any other character takes 2–3 bytes).
   */
  utf8(s: string): number {
    const n = s.length;
    if (n <= SHORT_ASCII && this.#shortAscii(s, n)) return n;
    if (n > RESERVE_LIMIT) {
      const bytes = Buffer.byteLength(s, 'utf8');
      this.uint(bytes);
      this.ensure(bytes);
      this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
      return bytes;
    }
    const max = n * 3;
    const width = max < 0x80 ? 1 : max < 0x4000 ? 2 : 3;
    this.ensure(width + max);
    const start = this.pos + width;
    const bytes = n === 0 ? 0 : this.buf.write(s, start, max, 'utf8');
    this.#paddedUint(bytes, width);
    this.pos = start + bytes;
    return bytes;
  }

  /** Short ASCII strings in JS: cheaper than a call into Buffer#write. False (nothing kept) at the first other character. */
  #shortAscii(s: string, n: number): boolean {
    this.ensure(n + 1);
    const buf = this.buf;
    let p = this.pos + 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[p++] = c;
    }
    buf[this.pos] = n;
    this.pos = p;
    return true;
  }

  utf16(s: string): void {
    const bytes = s.length * 2;
    this.uint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf16le');
  }

  /** Reserves a 4-byte length for what follows; `endLength(at)` fills it in (up to 256 MiB). */
  startLength(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  endLength(at: number): void {
    const n = this.pos - at - 4;
    if (n >= 0x10000000) throw new RangeError(`a length-prefixed part of ${n} bytes is beyond 256 MiB`);
    const end = this.pos;
    this.pos = at;
    this.#paddedUint(n, 4);
    this.pos = end;
  }

  /** A varint in exactly `width` bytes at the current position (redundant continuation bytes read back as the same number). */
  #paddedUint(v: number, width: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 1; i < width; i++) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p] = v;
  }

  /** The bytes written from `start` on; copied out when the buffer is more than twice their size (a small payload must not pin a large buffer). */
  finish(start = 0): Buffer {
    const out = this.buf.subarray(start, this.pos);
    return this.buf.length > 2 * out.length + 4096 ? Buffer.from(out) : out;
  }
}
