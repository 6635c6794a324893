/**
 * A `DtsAvroRecord` as the value avsc's `Record` type takes (schema.ts, wrapped unions):
 * `{ string: … }`, `{ array: [...] }`, image members as `{ "com.alibaba.dts.formats.avro.<Branch>": {...} }`,
 * bytes as Buffers. `encodeWithAvsc` is the reference encoding the tests hold the product to: the library the design names,
 * against which the hand-written writer (avro-writer.ts) is checked byte for byte.
 */
import type { DtsAvroRecord, Image, ImageBranch, ImageValue } from '../../../../shared/encode/dts-avro/model.ts';
import { DTS_AVRO_NAMESPACE, dtsAvroRecordType } from '../../../../shared/encode/dts-avro/schema.ts';

export function encodeWithAvsc(record: DtsAvroRecord): Buffer {
  return dtsAvroRecordType.toBuffer(avscValueOf(record));
}

export function avscValueOf(record: DtsAvroRecord): Record<string, unknown> {
  return {
    version: record.version,
    id: record.id,
    sourceTimestamp: record.sourceTimestamp,
    sourcePosition: record.sourcePosition,
    safeSourcePosition: record.safeSourcePosition,
    sourceTxid: record.sourceTxid,
    source: { sourceType: record.source.sourceType, version: record.source.version },
    operation: record.operation,
    objectName: record.objectName === null ? null : { string: record.objectName },
    processTimestamps: null,
    tags: record.tags,
    fields: record.fields === null ? null : { array: record.fields.map((f) => ({ name: f.name, dataTypeNumber: f.dataTypeNumber })) },
    beforeImages: imagesValue(record.beforeImages),
    afterImages: imagesValue(record.afterImages),
    bornTimestamp: record.bornTimestamp,
  };
}

function imagesValue(images: Image | string | null): unknown {
  if (images === null) return null;
  if (typeof images === 'string') return { string: images };
  return { array: images.map(memberValue) };
}

/** Full branch names, built once (a name built per value makes every wrapper a slow object). */
const branchNames: Readonly<Record<ImageBranch, string>> = {
  Integer: `${DTS_AVRO_NAMESPACE}.Integer`,
  Character: `${DTS_AVRO_NAMESPACE}.Character`,
  Decimal: `${DTS_AVRO_NAMESPACE}.Decimal`,
  Float: `${DTS_AVRO_NAMESPACE}.Float`,
  Timestamp: `${DTS_AVRO_NAMESPACE}.Timestamp`,
  DateTime: `${DTS_AVRO_NAMESPACE}.DateTime`,
  BinaryGeometry: `${DTS_AVRO_NAMESPACE}.BinaryGeometry`,
  BinaryObject: `${DTS_AVRO_NAMESPACE}.BinaryObject`,
  TextObject: `${DTS_AVRO_NAMESPACE}.TextObject`,
};

function memberValue(value: ImageValue | null): unknown {
  if (value === null) return null;
  return { [branchNames[value.branch]]: fieldsOf(value) };
}

function fieldsOf(value: ImageValue): Record<string, unknown> {
  switch (value.branch) {
    case 'Integer':
      return { precision: value.precision, value: value.value };
    case 'Character':
      return { charset: value.charset, value: buffer(value.value) };
    case 'Decimal':
      return { value: value.value, precision: value.precision, scale: value.scale };
    case 'Float':
      return { value: value.value, precision: value.precision, scale: value.scale };
    case 'Timestamp':
      return { timestamp: value.timestamp, millis: value.millis };
    case 'DateTime':
      return {
        year: optionalInt(value.year),
        month: optionalInt(value.month),
        day: optionalInt(value.day),
        hour: optionalInt(value.hour),
        minute: optionalInt(value.minute),
        second: optionalInt(value.second),
        millis: optionalInt(value.millis),
      };
    case 'BinaryGeometry':
    case 'BinaryObject':
      return { type: value.type, value: buffer(value.value) };
    case 'TextObject':
      return { type: value.type, value: value.value };
  }
}

function optionalInt(n: number | null): { int: number } | null {
  return n === null ? null : { int: n };
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
