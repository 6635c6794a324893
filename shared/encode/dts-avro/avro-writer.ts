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
 * The primitives and their scratch buffer are in avro-binary.ts.
 */
import { begin, finish, position, writeBytes, writeDouble, writeInt, writeLong, writeRaw, writeString, written } from './avro-binary.ts';
import type { DtsAvroRecord, DtsField, DtsOperation, Image, ImageBranch, ImageValue } from './model.ts';

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

export function writeDtsAvroRecord(record: DtsAvroRecord): Buffer {
  begin();
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
  return finish();
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
  const start = position();
  writeInt(UNION_ARRAY);
  if (fields.length > 0) {
    writeLong(fields.length);
    for (const field of fields) {
      writeString(field.name);
      writeInt(field.dataTypeNumber);
    }
  }
  writeInt(0);
  fieldsCache.set(fields, written(start));
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
