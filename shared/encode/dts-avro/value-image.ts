/**
 * A column value → the member of the image union DTS writes for it (formats.md §1.3, §1.4), from
 * the lossless `Value` model of record/types.ts. One function per column, chosen once per schema.
 *
 * | column                           | image                                                         |
 * |----------------------------------|---------------------------------------------------------------|
 * | TINYINT…BIGINT                   | Integer{precision = storage bytes 1/2/3/4/8, decimal text}    |
 * | BIT(M)                           | Integer{precision = ⌈M/8⌉ [inf], unsigned big-endian decimal} |
 * | DECIMAL                          | Decimal{text, BigDecimal precision and scale of the text}     |
 * | FLOAT, DOUBLE                    | Float{value, column precision, column scale}: see floatImage  |
 * | TIMESTAMP                        | Timestamp{epoch seconds, microseconds}; zero → {0, 0}         |
 * | DATETIME                         | DateTime, all seven parts (millis = µs, 0 when none)          |
 * | DATE / TIME / YEAR               | DateTime with y-m-d / h-m-s-µs (see timeImage) / year only    |
 * | CHAR, VARCHAR, BINARY, VARBINARY | Character{column charset or `binary`, bytes}                  |
 * | BLOB family, binary charset      | BinaryObject{'BLOB', bytes}                                   |
 * | TEXT family (text charset)       | TextObject{'TEXT', text}: see objectImage                     |
 * | JSON / ENUM / SET                | TextObject{'JSON' / 'ENUM' / 'SET', text}                     |
 * | GEOMETRY (all spatial types)     | BinaryGeometry{'GEOMETRY', bytes as MySQL stores them}        |
 * | NULL (any column)                | null                                                          |
 * The `type` strings are names of the official SDK's `ObjectType` enum, which it looks up with
 * `ObjectType.valueOf(type.toUpperCase())`. `encodeDtsAvro` writes rows through image-writer.ts,
 * which writes these same members without the objects: a change here goes there too
 * (test/unit/encode/dts-avro/reference-bytes.test.ts compares the two paths).
 */
import { InvariantError } from '../../errors.ts';
import { bitToDecimal, isBinaryCharset, MysqlTypeCode, parseDate, parseDateTime, parseTime, typeArguments, type Column, type Value } from '../../record/index.ts';
import { bigDecimalPrecisionScale } from './big-decimal.ts';
import { charsetEncodingOf } from './charset-bytes.ts';
import type { ImageValue } from './model.ts';
import { epochSecondsOf } from './temporal.ts';

/** Turns one column's value into its image member (`null` for SQL NULL). */
export type ImageOf = (value: Value) => ImageValue | null;

type NonNull = Exclude<Value, null>;

const T = MysqlTypeCode;

export function imageOf(column: Column): ImageOf {
  const build = imageBuilderOf(column);
  return (value) => (value === null ? null : build(value));
}

function imageBuilderOf(column: Column): (value: NonNull) => ImageValue {
  switch (column.typeCode) {
    case T.TINY:
      return integerImage(column, 1);
    case T.SHORT:
      return integerImage(column, 2);
    case T.INT24:
      return integerImage(column, 3);
    case T.LONG:
      return integerImage(column, 4);
    case T.LONGLONG:
      return integerImage(column, 8);
    case T.BIT:
      return bitImage(column);
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return decimalImage(column);
    case T.FLOAT:
    case T.DOUBLE:
      return floatImage(column);
    case T.TIMESTAMP:
      return timestampImage(column);
    case T.DATETIME:
      return dateTimeImage(column);
    case T.DATE:
      return dateImage(column);
    case T.TIME:
      return timeImage(column);
    case T.YEAR:
      return yearImage(column);
    case T.STRING:
    case T.VARCHAR:
    case T.VAR_STRING:
      return characterImage(column);
    case T.TINY_BLOB:
    case T.BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
      return objectImage(column);
    case T.JSON:
      return textObjectImage(column, 'JSON');
    case T.ENUM:
      return textObjectImage(column, 'ENUM');
    case T.SET:
      return textObjectImage(column, 'SET');
    case T.GEOMETRY:
      return geometryImage(column);
    default:
      throw new InvariantError(`column ${column.name} has type code ${column.typeCode}, which DTS Avro has no image for`);
  }
}

/** A value whose kind the Value model does not allow for the column: a bug upstream. */
export function unexpected(column: Column, value: NonNull, expected: string): InvariantError {
  const kind = value instanceof Uint8Array ? 'bytes' : typeof value;
  return new InvariantError(`column ${column.name} (${column.type}) got a ${kind} value where ${expected} was expected`, {
    column: column.name,
  });
}

function integerImage(column: Column, precision: number): (value: NonNull) => ImageValue {
  return (value) => {
    if (typeof value === 'number') return { branch: 'Integer', precision, value: String(value) };
    if (typeof value === 'string') return { branch: 'Integer', precision, value };
    throw unexpected(column, value, 'an integer');
  };
}

/** BIT(M): bytes as an unsigned big-endian integer in decimal (`b'101'` → `5`). */
function bitImage(column: Column): (value: NonNull) => ImageValue {
  const bits = Number(typeArguments(column.type)[0] ?? 1);
  const precision = Math.ceil((Number.isInteger(bits) && bits > 0 ? bits : 1) / 8);
  return (value) => {
    if (typeof value === 'number') return { branch: 'Integer', precision, value: String(value) };
    if (typeof value === 'string') return { branch: 'Integer', precision, value };
    return { branch: 'Integer', precision, value: bitToDecimal(value) };
  };
}

/** DECIMAL: the text as it is; text that is not a number (never from MySQL) gets precision 0, scale 0. */
function decimalImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    if (value instanceof Uint8Array) throw unexpected(column, value, 'a decimal text');
    const text = typeof value === 'string' ? value : String(value);
    const ps = bigDecimalPrecisionScale(text);
    return { branch: 'Decimal', value: text, precision: ps?.precision ?? 0, scale: ps?.scale ?? 0 };
  };
}

/**
 * FLOAT / DOUBLE. No DTS record with a Float has been seen, so what DTS puts in `precision` and
 * `scale` is unknown (formats.md §1.3, §6). We write the column's declared M and D —
 * `float(7,3)` → 7, 3 — and 0, 0 when the type declares none (`float`, `double`). Consumers
 * (the official SDK, the demos) read only `value`.
 */
function floatImage(column: Column): (value: NonNull) => ImageValue {
  const [m, d] = typeArguments(column.type).map(Number);
  const precision = Number.isInteger(m) ? m! : 0;
  const scale = Number.isInteger(d) ? d! : 0;
  return (value) => {
    if (typeof value === 'number') return { branch: 'Float', value, precision, scale };
    if (typeof value === 'string') return { branch: 'Float', value: Number(value), precision, scale };
    throw unexpected(column, value, 'a number');
  };
}

/** TIMESTAMP: UTC text → epoch seconds + microseconds; the zero value `0000-00-00 00:00:00` → 0, 0. */
function timestampImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    const p = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD HH:MM:SS[.f]' text");
    if (p.year === 0 && p.month === 0 && p.day === 0) return { branch: 'Timestamp', timestamp: 0, millis: 0 };
    return { branch: 'Timestamp', timestamp: epochSecondsOf(p), millis: p.micros };
  };
}

/** DATETIME: every part set, `millis` 0 without a fraction (as observed); zero dates as zeros. */
function dateTimeImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    const p = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD HH:MM:SS[.f]' text");
    return { branch: 'DateTime', year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, millis: p.micros };
  };
}

function dateImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    const p = typeof value === 'string' ? parseDate(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD' text");
    return { branch: 'DateTime', year: p.year, month: p.month, day: p.day, hour: null, minute: null, second: null, millis: null };
  };
}

/**
 * TIME: hour (may exceed 24, up to 838), minute, second, microseconds. A negative TIME carries the
 * sign on every part, not just the hour: `-01:30:00.5` → -1, -30, 0, -500000 and `-00:00:01` →
 * 0, 0, -1, 0. Both readers of the format agree with that: the official SDK prints the absolute
 * value of each part and a leading `-` when any part is negative, and the Alibaba demo's
 * TimeAdapter (formats.md S2) negates all parts when any is negative. A sign on the hour alone
 * would vanish for times above -1 hour and garble the demo's minutes.
 */
function timeImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    const p = typeof value === 'string' ? parseTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a '[-]HH:MM:SS[.f]' text");
    const sign = p.negative ? negate : same;
    return {
      branch: 'DateTime',
      year: null,
      month: null,
      day: null,
      hour: sign(p.hour),
      minute: sign(p.minute),
      second: sign(p.second),
      millis: sign(p.micros),
    };
  };
}

const same = (n: number) => n;
/** -n without a negative zero. */
const negate = (n: number) => (n === 0 ? 0 : -n);

/** YEAR: the year only; the zero year is 0. */
function yearImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => {
    const year = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isInteger(year)) throw unexpected(column, value, 'a year number');
    return { branch: 'DateTime', year, month: null, day: null, hour: null, minute: null, second: null, millis: null };
  };
}

/**
 * CHAR, VARCHAR, BINARY, VARBINARY: the bytes MySQL stores, labelled with the column's charset
 * (`binary` for binary columns). Text is encoded back into the charset (charset-bytes.ts); bytes
 * (binary columns, or text in a charset the source could not decode) are written as they are.
 */
function characterImage(column: Column): (value: NonNull) => ImageValue {
  if (isBinaryCharset(column.charset)) {
    return (value) => ({ branch: 'Character', charset: 'binary', value: bytesOf(column, value) });
  }
  const encoding = charsetEncodingOf(column.charset!);
  return (value) => {
    if (typeof value === 'string') return { branch: 'Character', charset: encoding.charset, value: encoding.encode(value) };
    if (value instanceof Uint8Array) return { branch: 'Character', charset: column.charset!, value };
    throw unexpected(column, value, 'a text');
  };
}

/**
 * BLOB and TEXT columns share the type codes 249–252; the charset tells them apart. What DTS
 * writes for TEXT is unknown (formats.md §1.4). We write BLOB as BinaryObject{'BLOB', bytes} and
 * TEXT as TextObject{'TEXT', text}, which the official SDK reads as a TEXT object holding the
 * string. Caveat: the Alibaba demo consumer (formats.md S2, MysqlFieldConverter) casts every
 * 249–252 image to BinaryObject and fails on a TextObject (the Go port in the same repository
 * expects bytes there too); BinaryObject{'TEXT', bytes in the column charset} would suit all
 * three readers but loses the charset. The choice is made here only.
 */
function objectImage(column: Column): (value: NonNull) => ImageValue {
  if (isBinaryCharset(column.charset)) {
    return (value) => ({ branch: 'BinaryObject', type: 'BLOB', value: bytesOf(column, value) });
  }
  return textObjectImage(column, 'TEXT');
}

/** TextObject: text as it is; bytes (a charset the source could not decode) decoded from the column charset. */
function textObjectImage(column: Column, type: 'TEXT' | 'JSON' | 'ENUM' | 'SET'): (value: NonNull) => ImageValue {
  const encoding = charsetEncodingOf(isBinaryCharset(column.charset) ? 'utf8mb4' : column.charset!);
  return (value) => {
    if (typeof value === 'string') return { branch: 'TextObject', type, value };
    if (value instanceof Uint8Array) return { branch: 'TextObject', type, value: encoding.decode(value) };
    throw unexpected(column, value, 'a text');
  };
}

/**
 * GEOMETRY and every spatial type: the bytes as MySQL stores them (4-byte SRID, then WKB).
 * Whether DTS strips the SRID is not known; the SDK's name for the branch is `WKBGeometry`.
 */
function geometryImage(column: Column): (value: NonNull) => ImageValue {
  return (value) => ({ branch: 'BinaryGeometry', type: 'GEOMETRY', value: bytesOf(column, value) });
}

/** Binary columns hold bytes; a string there (never from the source) is taken as ISO-8859-1 code units. */
export function bytesOf(column: Column, value: NonNull): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'latin1');
  throw unexpected(column, value, 'bytes');
}
