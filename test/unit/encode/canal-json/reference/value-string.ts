/**
 * The string a Canal JSON message carries for a non-null column value (formats.md §2.4), from
 * the lossless `Value` model of record/types.ts. One function per column, chosen once per schema.
 */
import { bitToDecimal, MysqlTypeCode, type Column, type Value } from '../../../../../shared/record/index.ts';
import { javaDoubleToString, javaFloatToString } from './java-number.ts';

/** Turns a non-null value of one column into its Canal string. */
export type ValueString = (value: Exclude<Value, null>) => string;

export function valueStringOf(column: Column): ValueString {
  switch (column.typeCode) {
    case MysqlTypeCode.FLOAT:
      return floatString;
    case MysqlTypeCode.DOUBLE:
      return doubleString;
    case MysqlTypeCode.BIT:
      return bitString;
    case MysqlTypeCode.YEAR:
      return yearString;
    // Integers (numbers or exact strings), DECIMAL (exact string with the column's scale),
    // temporal strings (full precision, zero dates kept), text and JSON as decoded, binary and
    // GEOMETRY bytes. ENUM and SET: DTS's Canal Json carries the member text; canal's native
    // form (1-based index, SET bitmask) is not used.
    default:
      return asIs;
  }
}

/**
 * Strings as they are, numbers as decimal text, bytes mapped 1:1 to chars through ISO-8859-1
 * (BINARY, VARBINARY, BLOB, GEOMETRY: canal's `new String(bytes, ISO_8859_1)`).
 */
function asIs(value: Exclude<Value, null>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return latin1(value);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function floatString(value: Exclude<Value, null>): string {
  return typeof value === 'number' ? javaFloatToString(value) : asIs(value);
}

function doubleString(value: Exclude<Value, null>): string {
  return typeof value === 'number' ? javaDoubleToString(value) : asIs(value);
}

/** YEAR: four digits, `0000` for the zero year. */
function yearString(value: Exclude<Value, null>): string {
  return typeof value === 'number' ? String(value).padStart(4, '0') : asIs(value);
}

/** BIT(n): the bytes as an unsigned big-endian integer in decimal (`b'101'` → `5`). */
function bitString(value: Exclude<Value, null>): string {
  return value instanceof Uint8Array ? bitToDecimal(value) : asIs(value);
}
