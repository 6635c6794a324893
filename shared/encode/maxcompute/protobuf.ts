/**
 * The primitives of the Table Tunnel record stream (specs/maxcompute.md §3.7): protobuf varints and
 * zigzag, the framing field numbers, and the CRC-32C (Castagnoli) the stream carries per record and
 * per block.
 *
 * Numbers stay JS numbers on the hot path: a zigzagged safe integer is at most 2^54, exact in a
 * double, and the CRC is fed 32-bit words. BigInt is used only beyond ±2^53.
 *
 * CRC-32C here is a raw state (not inverted at the end) so a record's fields can be fed one by one:
 * start at CRC_INIT, feed words or bytes, and `crcValue()` at the end. Measured on this project's
 * machine (Node 20): a 4-byte update through the slicing-by-4 table costs ~4 ns, while a call into
 * `@node-rs/crc32` costs ~250 ns whatever the size; the native call wins from ~192 bytes, so longer
 * byte runs go native.
 */
import { crc32c } from '@node-rs/crc32';

/** Field numbers of the stream framing (tags are written with wire type 0). */
export const FIELD_END_RECORD = 33553408; // 2^25 - 1024: "80 c0 ff 7f" + uint32 record CRC
export const FIELD_META_COUNT = 33554430; // 2^25 - 2: "f0 ff ff 7f" + sint64 record count
export const FIELD_META_CHECKSUM = 33554431; // 2^25 - 1: "f8 ff ff 7f" + uint32 CRC of the record CRCs

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;

/** Writes `v` (0 ≤ v < 2^32) as a varint; returns the position after it. */
export function writeVarint32(buf: Uint8Array, pos: number, v: number): number {
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes `v` (0 ≤ v ≤ 2^54, an integer) as a varint; returns the position after it. */
export function writeVarintNumber(buf: Uint8Array, pos: number, v: number): number {
  if (v < TWO_32) return writeVarint32(buf, pos, v >>> 0);
  while (v >= TWO_32) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  return writeVarint32(buf, pos, v);
}

/** Writes `v` (0 ≤ v < 2^64) as a varint; returns the position after it. */
export function writeVarintBigint(buf: Uint8Array, pos: number, v: bigint): number {
  while (v > 0x7fn) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** Zigzag of a safe integer: 0, -1, 1, -2 … → 0, 1, 2, 3 … */
export function zigzagNumber(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** Zigzag of an int64, as the unsigned 64-bit value. */
export function zigzagBigint(v: bigint): bigint {
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

export function unzigzagBigint(z: bigint): bigint {
  return (z >> 1n) ^ -(z & 1n);
}

// ---- CRC-32C (reflected polynomial 0x82F63B78), slicing-by-4 --------------------------------

const T = new Int32Array(256 * 4);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let t = 1; t < 4; t++) {
    const p = T[(t - 1) * 256 + n]!;
    T[t * 256 + n] = (p >>> 8) ^ T[p & 0xff]!;
  }
}

/** The raw CRC state before any byte. */
export const CRC_INIT = -1;

/** Byte runs at least this long are fed to the native crc32c (see the header). */
const NATIVE_FROM = 192;

/** Feeds a 32-bit word as 4 little-endian bytes. */
export function crcWord(state: number, word: number): number {
  state ^= word;
  return T[768 + (state & 0xff)]! ^ T[512 + ((state >>> 8) & 0xff)]! ^ T[256 + ((state >>> 16) & 0xff)]! ^ T[state >>> 24]!;
}

/** Feeds a safe integer as the 8 little-endian bytes of its int64. */
export function crcInt64(state: number, v: number): number {
  if (v >= -0x80000000 && v <= 0x7fffffff) return crcWord(crcWord(state, v | 0), v < 0 ? -1 : 0);
  const hi = Math.floor(v / TWO_32);
  return crcWord(crcWord(state, (v - hi * TWO_32) | 0), hi | 0);
}

/** Feeds an int64 as its 8 little-endian bytes. */
export function crcInt64Bigint(state: number, v: bigint): number {
  return crcWord(crcWord(state, Number(BigInt.asIntN(32, v))), Number(BigInt.asIntN(32, v >> 32n)));
}

/** Feeds one byte. */
export function crcByte(state: number, byte: number): number {
  return (state >>> 8) ^ T[(state ^ byte) & 0xff]!;
}

/** Feeds `buf[start, end)`. */
export function crcBytes(state: number, buf: Uint8Array, start: number, end: number): number {
  if (end - start >= NATIVE_FROM) return ~crc32c(buf.subarray(start, end), ~state >>> 0);
  let i = start;
  for (const end4 = end - 3; i < end4; i += 4) {
    state ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    state = T[768 + (state & 0xff)]! ^ T[512 + ((state >>> 8) & 0xff)]! ^ T[256 + ((state >>> 16) & 0xff)]! ^ T[state >>> 24]!;
  }
  for (; i < end; i++) state = (state >>> 8) ^ T[(state ^ buf[i]!) & 0xff]!;
  return state;
}

/** The CRC-32C value (unsigned) of what was fed since CRC_INIT. */
export function crcValue(state: number): number {
  return ~state >>> 0;
}
