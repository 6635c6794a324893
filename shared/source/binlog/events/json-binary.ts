/**
 * MySQL's binary JSON (the storage format of JSON columns and of values in partial-JSON diffs),
 * decoded into a small document tree that keeps what the text form needs: object keys in storage
 * order (MySQL sorts keys by length, then bytewise), integers as bigint, doubles apart from integers,
 * and opaque SQL-typed scalars as their field type and bytes.
 *
 * Layout: a type byte, then the value.
 *   0x00/0x01 small/large object, 0x02/0x03 small/large array (offsets and counts are 2 / 4 bytes):
 *     count, byte size, [object: key entries (key offset, u16 key length)], value entries
 *     (type byte + offset, or the value inline for literals, int16, uint16, and in large containers
 *     int32/uint32), then keys and values; offsets count from the container's first byte.
 *   0x04 literal (0 null, 1 true, 2 false)   0x05 int16  0x06 uint16  0x07 int32  0x08 uint32
 *   0x09 int64  0x0a uint64  0x0b double     0x0c string: variable-length size (7 bits a byte,
 *   low first, high bit = more), UTF-8 bytes  0x0f opaque: field type byte, variable-length size, bytes.
 */
import { MalformedEventError } from './event-errors.ts';

export type JsonNode =
  | { kind: 'object'; entries: [string, JsonNode][] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'literal'; value: null | boolean }
  | { kind: 'opaque'; fieldType: number; data: Buffer };

/** The type bytes of the layout above; json-encode.ts writes the same. */
export const JsonType = {
  SMALL_OBJECT: 0x00,
  LARGE_OBJECT: 0x01,
  SMALL_ARRAY: 0x02,
  LARGE_ARRAY: 0x03,
  LITERAL: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  DOUBLE: 0x0b,
  STRING: 0x0c,
  OPAQUE: 0x0f,
} as const;
const T = JsonType;

function fail(what: string): never {
  throw new MalformedEventError(`MySQL binary JSON is malformed: ${what}; the binlog is damaged or not a JSON value`);
}

function check(buf: Buffer, at: number, n: number, what: string): void {
  if (at < 0 || at + n > buf.length) fail(`${what} needs ${n} bytes at ${at} of ${buf.length}`);
}

/** The variable-length size used by strings and opaque values; returns [size, bytes used]. */
function varLength(buf: Buffer, at: number): [number, number] {
  let size = 0;
  for (let i = 0; i < 5; i++) {
    check(buf, at + i, 1, 'a length byte');
    const b = buf[at + i]!;
    size += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [size, i + 1];
  }
  return fail('a variable-length size longer than 5 bytes');
}

function literal(code: number): JsonNode {
  if (code === 0) return { kind: 'literal', value: null };
  if (code === 1) return { kind: 'literal', value: true };
  if (code === 2) return { kind: 'literal', value: false };
  return fail(`literal code ${code}`);
}

/** Each integer type: its width, its name in errors, and how it is read. */
const INTEGERS: Record<(typeof T)['INT16' | 'UINT16' | 'INT32' | 'UINT32' | 'INT64' | 'UINT64'], readonly [number, string, (buf: Buffer, at: number) => bigint]> = {
  [T.INT16]: [2, 'an int16', (buf, at) => BigInt(buf.readInt16LE(at))],
  [T.UINT16]: [2, 'a uint16', (buf, at) => BigInt(buf.readUInt16LE(at))],
  [T.INT32]: [4, 'an int32', (buf, at) => BigInt(buf.readInt32LE(at))],
  [T.UINT32]: [4, 'a uint32', (buf, at) => BigInt(buf.readUInt32LE(at))],
  [T.INT64]: [8, 'an int64', (buf, at) => buf.readBigInt64LE(at)],
  [T.UINT64]: [8, 'a uint64', (buf, at) => buf.readBigUInt64LE(at)],
};

/** A value of `type` whose bytes start at `at` in `buf` (a container's offsets are relative to `at`). */
function value(type: number, buf: Buffer, at: number): JsonNode {
  switch (type) {
    case T.SMALL_OBJECT:
    case T.LARGE_OBJECT:
    case T.SMALL_ARRAY:
    case T.LARGE_ARRAY:
      return container(buf, at, type === T.LARGE_OBJECT || type === T.LARGE_ARRAY, type === T.SMALL_OBJECT || type === T.LARGE_OBJECT);
    case T.LITERAL:
      check(buf, at, 1, 'a literal');
      return literal(buf[at]!);
    case T.INT16:
    case T.UINT16:
    case T.INT32:
    case T.UINT32:
    case T.INT64:
    case T.UINT64: {
      const [width, name, read] = INTEGERS[type];
      check(buf, at, width, name);
      return { kind: 'int', value: read(buf, at) };
    }
    case T.DOUBLE:
      check(buf, at, 8, 'a double');
      return { kind: 'double', value: buf.readDoubleLE(at) };
    case T.STRING: {
      const [size, used] = varLength(buf, at);
      check(buf, at + used, size, 'a string');
      return { kind: 'string', value: buf.toString('utf8', at + used, at + used + size) };
    }
    case T.OPAQUE: {
      check(buf, at, 1, 'an opaque field type');
      const [size, used] = varLength(buf, at + 1);
      check(buf, at + 1 + used, size, 'an opaque value');
      return { kind: 'opaque', fieldType: buf[at]!, data: Buffer.from(buf.subarray(at + 1 + used, at + 1 + used + size)) };
    }
    default:
      return fail(`unknown value type 0x${type.toString(16)}`);
  }
}

function container(buf: Buffer, at: number, large: boolean, isObject: boolean): JsonNode {
  const o = large ? 4 : 2;
  const read = (p: number): number => (large ? buf.readUInt32LE(p) : buf.readUInt16LE(p));
  check(buf, at, 2 * o, 'a container header');
  const count = read(at);
  const size = read(at + o);
  check(buf, at, size, 'a container');
  const keyEntry = o + 2;
  const valueEntry = 1 + o;
  const valuesAt = at + 2 * o + (isObject ? count * keyEntry : 0);
  check(buf, valuesAt, count * valueEntry, 'the value entries');
  const values: JsonNode[] = [];
  for (let i = 0; i < count; i++) {
    const e = valuesAt + i * valueEntry;
    const t = buf[e]!;
    const inline = t === T.LITERAL || t === T.INT16 || t === T.UINT16 || (large && (t === T.INT32 || t === T.UINT32));
    if (inline) values.push(value(t, buf, e + 1));
    else {
      const offset = read(e + 1);
      if (offset >= size) fail(`value offset ${offset} beyond container size ${size}`);
      values.push(value(t, buf.subarray(0, at + size), at + offset));
    }
  }
  if (!isObject) return { kind: 'array', items: values };
  const entries: [string, JsonNode][] = [];
  for (let i = 0; i < count; i++) {
    const e = at + 2 * o + i * keyEntry;
    const keyOffset = read(e);
    const keyLength = buf.readUInt16LE(e + o);
    check(buf, at + keyOffset, keyLength, 'a key');
    entries.push([buf.toString('utf8', at + keyOffset, at + keyOffset + keyLength), values[i]!]);
  }
  return { kind: 'object', entries };
}

/** A whole binary JSON value. MySQL stores an empty value for JSON null in some paths. */
export function decodeBinaryJson(buf: Buffer): JsonNode {
  if (buf.length === 0) return { kind: 'literal', value: null };
  return value(buf[0]!, buf, 1);
}
