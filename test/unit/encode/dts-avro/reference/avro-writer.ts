/**
 * Writes a `DtsAvroRecord` in Avro binary encoding (Avro 1.x spec "Binary Encoding"), the bytes
 * avsc's `Type.toBuffer` writes for the same value (the tests check every record against it):
 * - int, long: zig-zag varint; double: 8 bytes little-endian; string, bytes: long length + bytes;
 * - record: fields in order; enum: symbol index as int; union: branch index as int, then the value;
 * - array, map: one block (item count, items), then the 0 that ends it; an empty one is only the 0.
 * Branch and symbol numbers (formats.md §1.2 "Union branch indexes"; the test derives them from
 * the schema again):
 * - Operation: INSERT 0, UPDATE 1, DELETE 2, DDL 3, INIT 16; SourceType MySQL 0;
 * - objectName and DateTime parts: null 0, value 1; fields and images: null 0, string 1, array 2;
 * - image member: null 0, Integer 1, Character 2, Decimal 3, Float 4, Timestamp 5, DateTime 6,
 *   BinaryGeometry 8, BinaryObject 10, TextObject 11.
 * One scratch buffer is reused across calls and each call returns its own copy. It grows for a
 * large record and goes back to its first size afterwards, so one huge BLOB is not kept alive.
 */
import type { DtsAvroRecord, DtsField, DtsOperation, Image, ImageBranch, ImageValue } from '../../../../../shared/encode/dts-avro/model.ts';

export const OPERATION_INDEX: Readonly<Record<DtsOperation, number>> = { INSERT: 0, UPDATE: 1, DELETE: 2, DDL: 3, INIT: 16 };

export const IMAGE_BRANCH_INDEX: Readonly<Record<ImageBranch, number>> = {
  Integer: 1,
  Character: 2,
  Decimal: 3,
  Float: 4,
  Timestamp: 5,
  DateTime: 6,
  BinaryGeometry: 8,
  BinaryObject: 10,
  TextObject: 11,
};

const SOURCE_TYPE_MYSQL = 0;
const UNION_NULL = 0;
const UNION_VALUE = 1;
const UNION_STRING = 1;
const UNION_ARRAY = 2;

const SCRATCH_SIZE = 64 * 1024;
const SCRATCH_KEPT = 1024 * 1024;

let buf = Buffer.allocUnsafe(SCRATCH_SIZE);
let pos = 0;

export function writeDtsAvroRecord(record: DtsAvroRecord): Buffer {
  pos = 0;
  writeInt(record.version);
  writeLong(record.id);
  writeLong(record.sourceTimestamp);
  writeString(record.sourcePosition);
  writeString(record.safeSourcePosition);
  writeString(record.sourceTxid);
  writeInt(SOURCE_TYPE_MYSQL);
  writeString(record.source.version);
  writeInt(OPERATION_INDEX[record.operation]);
  if (record.objectName === null) {
    writeInt(UNION_NULL);
  } else {
    writeInt(UNION_VALUE);
    writeString(record.objectName);
  }
  writeInt(UNION_NULL); // processTimestamps
  writeTags(record.tags);
  writeFields(record);
  writeImages(record.beforeImages);
  writeImages(record.afterImages);
  writeLong(record.bornTimestamp);
  const out = Buffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  if (buf.length > SCRATCH_KEPT) buf = Buffer.allocUnsafe(SCRATCH_SIZE);
  return out;
}

function writeTags(tags: Readonly<Record<string, string>>): void {
  const keys = Object.keys(tags);
  if (keys.length > 0) {
    writeLong(keys.length);
    for (const key of keys) {
      writeString(key);
      writeString(tags[key]!);
    }
  }
  writeInt(0);
}

/** The encoded `fields` union per array: rows of one table share the array (table-parts.ts). */
const fieldsCache = new WeakMap<readonly DtsField[], Buffer>();

function writeFields(record: DtsAvroRecord): void {
  const fields = record.fields;
  if (fields === null) {
    writeInt(UNION_NULL);
    return;
  }
  const cached = fieldsCache.get(fields);
  if (cached !== undefined) {
    writeRaw(cached);
    return;
  }
  const start = pos;
  writeInt(UNION_ARRAY);
  if (fields.length > 0) {
    writeLong(fields.length);
    for (const field of fields) {
      writeString(field.name);
      writeInt(field.dataTypeNumber);
    }
  }
  writeInt(0);
  fieldsCache.set(fields, Buffer.from(buf.subarray(start, pos)));
}

function writeImages(images: Image | string | null): void {
  if (images === null) {
    writeInt(UNION_NULL);
  } else if (typeof images === 'string') {
    writeInt(UNION_STRING);
    writeString(images);
  } else {
    writeInt(UNION_ARRAY);
    if (images.length > 0) {
      writeLong(images.length);
      for (const value of images) writeImageValue(value);
    }
    writeInt(0);
  }
}

function writeImageValue(value: ImageValue | null): void {
  if (value === null) {
    writeInt(UNION_NULL);
    return;
  }
  writeInt(IMAGE_BRANCH_INDEX[value.branch]);
  switch (value.branch) {
    case 'Integer':
      writeInt(value.precision);
      writeString(value.value);
      return;
    case 'Character':
      writeString(value.charset);
      writeBytes(value.value);
      return;
    case 'Decimal':
      writeString(value.value);
      writeInt(value.precision);
      writeInt(value.scale);
      return;
    case 'Float':
      writeDouble(value.value);
      writeInt(value.precision);
      writeInt(value.scale);
      return;
    case 'Timestamp':
      writeLong(value.timestamp);
      writeInt(value.millis);
      return;
    case 'DateTime':
      writeOptionalInt(value.year);
      writeOptionalInt(value.month);
      writeOptionalInt(value.day);
      writeOptionalInt(value.hour);
      writeOptionalInt(value.minute);
      writeOptionalInt(value.second);
      writeOptionalInt(value.millis);
      return;
    case 'BinaryGeometry':
    case 'BinaryObject':
      writeString(value.type);
      writeBytes(value.value);
      return;
    case 'TextObject':
      writeString(value.type);
      writeString(value.value);
      return;
  }
}

function writeOptionalInt(n: number | null): void {
  if (n === null) {
    writeInt(UNION_NULL);
  } else {
    writeInt(UNION_VALUE);
    writeInt(n);
  }
}

function ensure(bytes: number): void {
  if (pos + bytes <= buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + bytes));
  buf.copy(next, 0, 0, pos);
  buf = next;
}

/** A 32-bit int, zig-zag varint (1–5 bytes). */
function writeInt(n: number): void {
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
function writeLong(n: number): void {
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

function writeDouble(x: number): void {
  ensure(8);
  buf.writeDoubleLE(x, pos);
  pos += 8;
}

function writeBytes(bytes: Uint8Array): void {
  writeLong(bytes.byteLength);
  writeRaw(bytes);
}

function writeRaw(bytes: Uint8Array): void {
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
function writeString(s: string): void {
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
