/**
 * One column value in a row image, decoded from its binlog encoding by column type and TABLE_MAP
 * metadata, so a PARTIAL_UPDATE_ROWS image can be walked column by column. Integers are read as
 * signed (the SIGNEDNESS optional metadata is not applied here); strings and blobs stay bytes (the
 * charset is the caller's); temporal types become MySQL's text; TIME2, BIT, GEOMETRY and VECTOR are
 * returned as their raw bytes (sized correctly, not interpreted).
 */
import { ByteCursor } from './byte-cursor.ts';
import { MalformedEventError } from './event-errors.ts';
import { decodeBinaryJson, type JsonNode } from './json-binary.ts';
import type { JsonDiff } from './json-diff.ts';
import { binaryDecimalText } from './json-text.ts';
import { ColumnType } from './table-map.ts';

export type ColumnValue =
  | { kind: 'null' }
  | { kind: 'int'; value: bigint }
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'bytes'; value: Buffer }
  | { kind: 'json'; value: JsonNode }
  | { kind: 'json-diff'; diffs: JsonDiff[] };

const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function decimalSize(precision: number, scale: number): number {
  const intg = precision - scale;
  return Math.floor(intg / 9) * 4 + DIG2BYTES[intg % 9]! + Math.floor(scale / 9) * 4 + DIG2BYTES[scale % 9]!;
}

/** Fractional seconds stored big-endian in (fsp + 1) / 2 bytes, as `fsp` digits (empty for 0). */
function fraction(c: ByteCursor, fsp: number): string {
  const n = (fsp + 1) >> 1;
  if (n === 0) return '';
  const v = c.bytes(n, 'fractional seconds').readUIntBE(0, n);
  return `.${pad(v * 100 ** (3 - n), 6).slice(0, fsp)}`;
}

/** The length prefix of a STRING column: 1 byte when the declared byte length is under 256. */
function stringLengthBytes(meta: number): number {
  const maxLength = (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xff);
  return maxLength > 255 ? 2 : 1;
}

/** Reads one non-null value of `type` from `c`. JSON values are decoded whole (not partial). */
export function readColumnValue(c: ByteCursor, type: number, meta: number, column: number): ColumnValue {
  const f = `column ${column + 1}`;
  switch (type) {
    case ColumnType.TINY:
      return { kind: 'int', value: BigInt(c.bytes(1, f).readInt8(0)) };
    case ColumnType.SHORT:
      return { kind: 'int', value: BigInt(c.bytes(2, f).readInt16LE(0)) };
    case ColumnType.INT24:
      return { kind: 'int', value: BigInt(c.bytes(3, f).readIntLE(0, 3)) };
    case ColumnType.LONG:
      return { kind: 'int', value: BigInt(c.bytes(4, f).readInt32LE(0)) };
    case ColumnType.LONGLONG:
      return { kind: 'int', value: c.bytes(8, f).readBigInt64LE(0) };
    case ColumnType.FLOAT:
      return { kind: 'number', value: c.bytes(4, f).readFloatLE(0) };
    case ColumnType.DOUBLE:
      return { kind: 'number', value: c.bytes(8, f).readDoubleLE(0) };
    case ColumnType.YEAR: {
      const y = c.u8(f);
      return { kind: 'number', value: y === 0 ? 0 : 1900 + y };
    }
    case ColumnType.DATE: {
      const v = c.u24(f);
      return { kind: 'text', value: `${pad(v >> 9, 4)}-${pad((v >> 5) & 15, 2)}-${pad(v & 31, 2)}` };
    }
    case ColumnType.DATETIME2: {
      const packed = c.bytes(5, f).readUIntBE(0, 5) - 0x8000000000;
      const ymd = Math.floor(packed / 2 ** 17);
      const hms = packed % 2 ** 17;
      const ym = ymd >> 5;
      const date = `${pad(Math.floor(ym / 13), 4)}-${pad(ym % 13, 2)}-${pad(ymd & 31, 2)}`;
      return { kind: 'text', value: `${date} ${pad(hms >> 12, 2)}:${pad((hms >> 6) & 63, 2)}:${pad(hms & 63, 2)}${fraction(c, meta)}` };
    }
    case ColumnType.TIMESTAMP2: {
      const seconds = c.bytes(4, f).readUInt32BE(0);
      return { kind: 'text', value: `${seconds}${fraction(c, meta)}` };
    }
    case ColumnType.TIME2:
      return { kind: 'bytes', value: c.bytes(3 + ((meta + 1) >> 1), f) };
    case ColumnType.NEWDECIMAL: {
      const precision = meta & 0xff;
      const scale = meta >> 8;
      return { kind: 'text', value: binaryDecimalText(c.bytes(decimalSize(precision, scale), f), precision, scale) };
    }
    case ColumnType.BIT:
      // Metadata: low byte = bits beyond whole bytes, high byte = whole bytes.
      return { kind: 'bytes', value: c.bytes((meta >> 8) + ((meta & 0xff) > 0 ? 1 : 0), f) };
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
      return { kind: 'bytes', value: c.bytes(c.uint(meta > 255 ? 2 : 1, f), f) };
    case ColumnType.STRING: {
      const real = meta >> 8;
      if (real === ColumnType.ENUM || real === ColumnType.SET) return { kind: 'int', value: c.ubig(meta & 0xff, f) };
      return { kind: 'bytes', value: c.bytes(c.uint(stringLengthBytes(meta), f), f) };
    }
    case ColumnType.BLOB:
    case ColumnType.GEOMETRY:
    case ColumnType.VECTOR:
      return { kind: 'bytes', value: c.bytes(c.uint(meta, f), f) };
    case ColumnType.JSON:
      return { kind: 'json', value: decodeBinaryJson(c.bytes(c.uint(meta, f), f)) };
    default:
      throw new MalformedEventError(`Column ${column + 1} has binlog type ${type}, which MySQL 5.6+ does not write in row events; the table map is damaged or from an unsupported server`);
  }
}
