/**
 * Avro binary primitives (Avro 1.x spec "Binary Encoding") over one scratch buffer: int, long
 * (zig-zag varints), double (8 bytes little-endian), bytes and string (long length + bytes).
 * `begin` starts a record, `finish` returns its own copy. The scratch grows for a large record and
 * goes back to its first size afterwards, so one huge BLOB is not kept alive. Encoding is
 * synchronous, so one scratch per module serves every call.
 */

const SCRATCH_SIZE = 64 * 1024;
const SCRATCH_KEPT = 1024 * 1024;

let buf = Buffer.allocUnsafe(SCRATCH_SIZE);
let pos = 0;

export function begin(): void {
  pos = 0;
}

/** A copy of what was written since `begin`. */
export function finish(): Buffer {
  const out = Buffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  if (buf.length > SCRATCH_KEPT) buf = Buffer.allocUnsafe(SCRATCH_SIZE);
  return out;
}

/** Where the next byte goes: `written(from)` copies what followed. */
export function position(): number {
  return pos;
}

/**
 * The bytes `write` writes with these primitives, taken back off the scratch: templates (parts of
 * a record that depend only on its table or source), safe to build in the middle of a record.
 */
export function bytesWrittenBy(write: () => void): Buffer {
  const from = pos;
  write();
  const bytes = Buffer.from(buf.subarray(from, pos));
  pos = from;
  return bytes;
}

/** A copy of the bytes written from `from` on (for templates built with these writers). */
export function written(from: number): Buffer {
  return Buffer.from(buf.subarray(from, pos));
}

function ensure(bytes: number): void {
  if (pos + bytes <= buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + bytes));
  buf.copy(next, 0, 0, pos);
  buf = next;
}

/** A 32-bit int, zig-zag varint (1–5 bytes). */
export function writeInt(n: number): void {
  ensure(5);
  const b = buf;
  let p = pos;
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  while (z > 0x7f) {
    b[p++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  b[p++] = z;
  pos = p;
}

/** A long within ±2^53 (every `number` integer), zig-zag varint (1–10 bytes). */
export function writeLong(n: number): void {
  if (n === (n | 0)) {
    writeInt(n);
    return;
  }
  ensure(10);
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z > 0x7f) {
    buf[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[pos++] = z;
}

export function writeDouble(x: number): void {
  ensure(8);
  buf.writeDoubleLE(x, pos);
  pos += 8;
}

export function writeBytes(bytes: Uint8Array): void {
  writeLong(bytes.byteLength);
  writeRaw(bytes);
}

export function writeRaw(bytes: Uint8Array): void {
  const length = bytes.byteLength;
  ensure(length);
  if (length < 32) {
    const b = buf;
    const p = pos;
    for (let i = 0; i < length; i++) b[p + i] = bytes[i]!;
  } else {
    buf.set(bytes, pos);
  }
  pos += length;
}

/**
 * Strings up to 256 UTF-16 units are encoded here (two passes: length, then bytes), longer ones
 * by Buffer; both write a lone surrogate as U+FFFD (EF BF BD), as Buffer does.
 */
export function writeString(s: string): void {
  const length = s.length;
  if (length > 256) {
    const bytes = Buffer.byteLength(s, 'utf8');
    writeLong(bytes);
    ensure(bytes);
    buf.write(s, pos, bytes, 'utf8');
    pos += bytes;
    return;
  }
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  writeInt(bytes);
  ensure(bytes);
  // The module's `buf` and `pos` are read once: a byte loop over them would reload both each time.
  const b = buf;
  let p = pos;
  if (bytes === length) {
    for (let i = 0; i < length; i++) b[p++] = s.charCodeAt(i);
    pos = p;
    return;
  }
  for (let i = 0; i < length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[p++] = c;
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if ((c & 0xf800) !== 0xd800) {
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xdc00 && i + 1 < length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c & 0x3ff) << 10) + (s.charCodeAt(++i) & 0x3ff);
      b[p++] = 0xf0 | (c >> 18);
      b[p++] = 0x80 | ((c >> 12) & 0x3f);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      b[p++] = 0xef;
      b[p++] = 0xbf;
      b[p++] = 0xbd;
    }
  }
  pos = p;
}
