/**
 * A document tree (json-binary.ts) back into MySQL's binary JSON, so a partial JSON update's full
 * after document can be handed to zongji as an ordinary UPDATE_ROWS value and decoded by the same
 * code as a full-image UPDATE. Layout as in json-binary.ts; like the server, a container is written
 * small (2-byte offsets) when it fits in 64 KiB and large (4-byte) otherwise, keys and values
 * follow the entries in entry order, and integers take the narrowest type that holds them.
 */
import { JsonType as T, type JsonNode } from './json-binary.ts';

interface Encoded {
  readonly type: number;
  /** The value's bytes without its type byte. */
  readonly bytes: Buffer;
}

function varLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function int(value: bigint): Encoded {
  if (value >= -0x8000n && value <= 0x7fffn) {
    const b = Buffer.alloc(2);
    b.writeInt16LE(Number(value));
    return { type: T.INT16, bytes: b };
  }
  if (value >= -0x80000000n && value <= 0x7fffffffn) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(Number(value));
    return { type: T.INT32, bytes: b };
  }
  const b = Buffer.alloc(8);
  if (value >= -(2n ** 63n) && value < 2n ** 63n) {
    b.writeBigInt64LE(value);
    return { type: T.INT64, bytes: b };
  }
  b.writeBigUInt64LE(value);
  return { type: T.UINT64, bytes: b };
}

function encode(node: JsonNode): Encoded {
  switch (node.kind) {
    case 'literal':
      return { type: T.LITERAL, bytes: Buffer.from([node.value === null ? 0 : node.value ? 1 : 2]) };
    case 'int':
      return int(node.value);
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(node.value);
      return { type: T.DOUBLE, bytes: b };
    }
    case 'string': {
      const s = Buffer.from(node.value, 'utf8');
      return { type: T.STRING, bytes: Buffer.concat([varLength(s.length), s]) };
    }
    case 'opaque':
      return { type: T.OPAQUE, bytes: Buffer.concat([Buffer.from([node.fieldType]), varLength(node.data.length), node.data]) };
    case 'array':
    case 'object': {
      const keys = node.kind === 'object' ? node.entries.map(([k]) => Buffer.from(k, 'utf8')) : null;
      const values = (node.kind === 'object' ? node.entries.map(([, v]) => v) : node.items).map(encode);
      const small = container(keys, values, false);
      if (small) return { type: keys ? T.SMALL_OBJECT : T.SMALL_ARRAY, bytes: small };
      return { type: keys ? T.LARGE_OBJECT : T.LARGE_ARRAY, bytes: container(keys, values, true)! };
    }
  }
}

/** A container's bytes, or null when a small container cannot address them (over 64 KiB). */
function container(keys: Buffer[] | null, values: Encoded[], large: boolean): Buffer | null {
  const o = large ? 4 : 2;
  const limit = large ? 0xffffffff : 0xffff;
  const count = values.length;
  const inline = (t: number): boolean => t === T.LITERAL || t === T.INT16 || (large && t === T.INT32);
  const header = 2 * o + (keys ? count * (o + 2) : 0) + count * (1 + o);
  let size = header + (keys ? keys.reduce((n, k) => n + k.length, 0) : 0);
  for (const v of values) if (!inline(v.type)) size += v.bytes.length;
  if (size > limit) return null;
  const out = Buffer.alloc(size);
  const put = (at: number, n: number): void => void (large ? out.writeUInt32LE(n, at) : out.writeUInt16LE(n, at));
  put(0, count);
  put(o, size);
  let at = header;
  keys?.forEach((k, i) => {
    if (k.length > 0xffff) throw new RangeError('a JSON object key longer than 65535 bytes cannot be stored');
    const e = 2 * o + i * (o + 2);
    put(e, at);
    out.writeUInt16LE(k.length, e + o);
    k.copy(out, at);
    at += k.length;
  });
  const entries = 2 * o + (keys ? count * (o + 2) : 0);
  values.forEach((v, i) => {
    const e = entries + i * (1 + o);
    out[e] = v.type;
    if (inline(v.type)) v.bytes.copy(out, e + 1);
    else {
      put(e + 1, at);
      v.bytes.copy(out, at);
      at += v.bytes.length;
    }
  });
  return out;
}

/** The binary JSON of a whole document (type byte, then the value), as a JSON column stores it. */
export function encodeBinaryJson(node: JsonNode): Buffer {
  const e = encode(node);
  return Buffer.concat([Buffer.from([e.type]), e.bytes]);
}
