/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over a byte range, chainable like
 * @node-rs/crc32's crc32c(data, previous). Record fields are a few bytes each, and a native call
 * per field costs more than the table lookups, so short ranges are done here; long ones go to the
 * native implementation.
 */
import { crc32c } from '@node-rs/crc32';

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/** The CRC of bytes[start, end) continuing from `crc` (0 to start); a signed 32-bit result. */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  if (end - start > 256) return crc32c(bytes.subarray(start, end), crc >>> 0) | 0;
  let c = ~crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c;
}
