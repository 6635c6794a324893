/**
 * Values tagged by kind, one byte each, then their body:
 *
 *   NULL | UNDEFINED | FALSE | TRUE          no body
 *   INT        zigzag varint                 integers in int32 range (not -0)
 *   F64        8 bytes little-endian         every other number (NaN, ±Infinity, -0, beyond int32)
 *   ASCII      varint n, n bytes             a string whose characters are all below 0x80
 *   UTF8       varint n, n bytes             any other well-formed string
 *   UTF16      varint n, n bytes (LE)        a string with a lone surrogate (UTF-8 would replace it)
 *   BYTES      varint n, n bytes             Uint8Array / Buffer; read back as a Buffer of its own
 *   BIGINT64   8 bytes, signed LE            a bigint that fits; BIGINT_TEXT: its decimal text
 *   ARRAY      varint count, values          rows, key tuples
 *   OBJECT     varint count, (string, value) plain objects, keys in their order (schemas, resume)
 *   ABSENT     no body                       an optional field that the object does not have
 *
 * Column values (record/types.ts `Value`) are null, numbers, strings and bytes; the other tags let
 * schemas and the resume position (with its full-sync cursor) go through the same code exactly.
 */
import type { ByteReader } from './byte-reader.ts';
import { PayloadCorruption } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';

export const Tag = {
  NULL: 0,
  UNDEFINED: 1,
  FALSE: 2,
  TRUE: 3,
  INT: 4,
  F64: 5,
  ASCII: 6,
  UTF8: 7,
  UTF16: 8,
  BYTES: 9,
  BIGINT64: 10,
  BIGINT_TEXT: 11,
  ARRAY: 12,
  OBJECT: 13,
  ABSENT: 14,
} as const;

/** Returned by readValue for ABSENT: the caller leaves the field out. */
export const ABSENT: unique symbol = Symbol('absent');

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/** A value of a kind the layout has no tag for: a bug upstream, named by the caller. */
export class UnstorableValueError extends Error {}

export function writeString(w: ByteWriter, s: string): void {
  const tagAt = w.pos;
  w.u8(Tag.ASCII);
  const bytes = w.utf8(s);
  if (bytes === s.length) return;
  if ((s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    w.buf[tagAt] = Tag.UTF8;
    return;
  }
  w.pos = tagAt;
  w.u8(Tag.UTF16);
  w.utf16(s);
}

export function writeNumber(w: ByteWriter, v: number): void {
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    w.u8(Tag.INT);
    w.uint(((v << 1) ^ (v >> 31)) >>> 0);
  } else {
    w.u8(Tag.F64);
    w.f64(v);
  }
}

export function writeValue(w: ByteWriter, v: unknown): void {
  if (v === null) w.u8(Tag.NULL);
  else if (typeof v === 'string') writeString(w, v);
  else if (typeof v === 'number') writeNumber(w, v);
  else if (v instanceof Uint8Array) {
    w.u8(Tag.BYTES);
    w.bytes(v);
  } else writeOther(w, v);
}

function writeOther(w: ByteWriter, v: unknown): void {
  if (v === undefined) w.u8(Tag.UNDEFINED);
  else if (typeof v === 'boolean') w.u8(v ? Tag.TRUE : Tag.FALSE);
  else if (typeof v === 'bigint') {
    if (v >= MIN_I64 && v <= MAX_I64) {
      w.u8(Tag.BIGINT64);
      w.bigint64(v);
    } else {
      w.u8(Tag.BIGINT_TEXT);
      w.utf8(v.toString());
    }
  } else if (Array.isArray(v)) {
    w.u8(Tag.ARRAY);
    w.uint(v.length);
    for (let i = 0; i < v.length; i++) writeValue(w, v[i]);
  } else if (isPlainObject(v)) {
    const keys = Object.keys(v);
    w.u8(Tag.OBJECT);
    w.uint(keys.length);
    for (const key of keys) {
      writeString(w, key);
      writeValue(w, v[key]);
    }
  } else {
    const kind = typeof v === 'object' ? (Object.getPrototypeOf(v)?.constructor?.name ?? 'object') : typeof v;
    throw new UnstorableValueError(`a value of kind ${kind} cannot be stored in the queue`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reads one value; ABSENT comes back as the ABSENT symbol. */
export function readValue(r: ByteReader, what: string): unknown {
  const tag = r.u8(what);
  switch (tag) {
    case Tag.NULL:
      return null;
    case Tag.INT: {
      const z = r.uint(what);
      if (z > 0xffffffff) throw new PayloadCorruption(`${what} is an INT beyond 32 bits`, r.pos);
      return (z >>> 1) ^ -(z & 1);
    }
    case Tag.ASCII:
      return r.latin1(what);
    case Tag.UTF8:
      return r.utf8(what);
    case Tag.F64:
      return r.f64(what);
    case Tag.BYTES:
      return r.bytes(what);
    case Tag.UNDEFINED:
      return undefined;
    case Tag.FALSE:
      return false;
    case Tag.TRUE:
      return true;
    case Tag.UTF16:
      return r.utf16(what);
    case Tag.BIGINT64:
      return r.bigint64(what);
    case Tag.BIGINT_TEXT: {
      const text = r.utf8(what);
      if (!/^-?\d+$/.test(text)) throw new PayloadCorruption(`${what} is not an integer: ${JSON.stringify(text.slice(0, 40))}`, r.pos);
      return BigInt(text);
    }
    case Tag.ARRAY: {
      const n = r.uint(what);
      if (n > r.end - r.pos) throw new PayloadCorruption(`${what} claims ${n} items, more than the bytes left`, r.pos);
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r, what);
      return out;
    }
    case Tag.OBJECT: {
      const n = r.uint(what);
      if (n > r.end - r.pos) throw new PayloadCorruption(`${what} claims ${n} fields, more than the bytes left`, r.pos);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString(r, what);
        const value = readValue(r, what);
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
      return out;
    }
    case Tag.ABSENT:
      return ABSENT;
    default:
      throw new PayloadCorruption(`${what} has an unknown value tag ${tag}`, r.pos - 1);
  }
}

/**
 * Moves past one value, checking it as readValue would (a value that readValue refuses is refused
 * here, with the same words), but building nothing: row images are skipped so, and read only when
 * asked for (stored-row-record.ts).
 */
export function skipValue(r: ByteReader, what: string): void {
  const tag = r.u8(what);
  switch (tag) {
    case Tag.NULL:
    case Tag.UNDEFINED:
    case Tag.FALSE:
    case Tag.TRUE:
    case Tag.ABSENT:
      return;
    case Tag.INT:
      if (r.uint(what) > 0xffffffff) throw new PayloadCorruption(`${what} is an INT beyond 32 bits`, r.pos);
      return;
    case Tag.F64:
    case Tag.BIGINT64:
      r.take(8, what);
      return;
    case Tag.ASCII:
    case Tag.UTF8:
    case Tag.BYTES:
      r.take(r.uint(what), what);
      return;
    case Tag.UTF16:
    case Tag.BIGINT_TEXT:
      // Rare in rows (never, for BIGINT_TEXT): checked the one way there is, by reading.
      r.pos--;
      readValue(r, what);
      return;
    case Tag.ARRAY: {
      const n = r.uint(what);
      if (n > r.end - r.pos) throw new PayloadCorruption(`${what} claims ${n} items, more than the bytes left`, r.pos);
      for (let i = 0; i < n; i++) skipValue(r, what);
      return;
    }
    case Tag.OBJECT: {
      const n = r.uint(what);
      if (n > r.end - r.pos) throw new PayloadCorruption(`${what} claims ${n} fields, more than the bytes left`, r.pos);
      for (let i = 0; i < n; i++) {
        readString(r, what);
        skipValue(r, what);
      }
      return;
    }
    default:
      throw new PayloadCorruption(`${what} has an unknown value tag ${tag}`, r.pos - 1);
  }
}

export function readString(r: ByteReader, what: string): string {
  const tag = r.u8(what);
  if (tag === Tag.ASCII) return r.latin1(what);
  if (tag === Tag.UTF8) return r.utf8(what);
  if (tag === Tag.UTF16) return r.utf16(what);
  throw new PayloadCorruption(`${what} should be a string but has value tag ${tag}`, r.pos - 1);
}
