/**
 * A bounds-checked little-endian reader over one event's bytes: every decoder in this folder reads
 * through it, so a truncated or corrupt event fails with the field name instead of reading garbage.
 */
import { MalformedEventError } from './event-errors.ts';

export class ByteCursor {
  #pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.#pos = start;
  }

  get pos(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.end - this.#pos;
  }

  #need(n: number, field: string): number {
    if (n < 0 || this.#pos + n > this.end) {
      throw new MalformedEventError(`Binlog event truncated: ${field} needs ${n} bytes at offset ${this.#pos} but only ${this.end - this.#pos} remain; the event or file is damaged`);
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(field: string): number {
    return this.buf[this.#need(1, field)]!;
  }

  u16(field: string): number {
    return this.buf.readUInt16LE(this.#need(2, field));
  }

  u24(field: string): number {
    return this.buf.readUIntLE(this.#need(3, field), 3);
  }

  u32(field: string): number {
    return this.buf.readUInt32LE(this.#need(4, field));
  }

  /** An unsigned little-endian integer of 1..6 bytes. */
  uint(n: number, field: string): number {
    return this.buf.readUIntLE(this.#need(n, field), n);
  }

  /** An unsigned little-endian integer of 1..8 bytes as a bigint. */
  ubig(n: number, field: string): bigint {
    const at = this.#need(n, field);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.buf[at + i]!);
    return v;
  }

  bytes(n: number, field: string): Buffer {
    const at = this.#need(n, field);
    return this.buf.subarray(at, at + n);
  }

  skip(n: number, field: string): void {
    this.#need(n, field);
  }

  /**
   * MySQL's length-encoded integer (net_store_length): < 0xfb is the value itself; 0xfc, 0xfd, 0xfe
   * are followed by 2, 3 and 8 bytes. 0xfb (NULL) and 0xff are invalid here.
   */
  packed(field: string): number {
    const first = this.u8(field);
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16(field);
    if (first === 0xfd) return this.u24(field);
    if (first === 0xfe) {
      const v = this.ubig(8, field);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedEventError(`Binlog field ${field} is ${v}, beyond what this reader can address`);
      return Number(v);
    }
    throw new MalformedEventError(`Binlog field ${field} starts with 0x${first.toString(16)} at offset ${this.#pos - 1}, which is not a length-encoded integer`);
  }
}
