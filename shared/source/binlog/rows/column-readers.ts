/**
 * One reader per column of a row image, compiled once per TABLE_MAP from the same inputs zongji
 * 0.9.0's `readMysqlValue` reads (the table map entry's column type, metadata and charset, the
 * column schema's signedness and member lists, the connection's options), and yielding exactly the
 * value it yields: the lean decoder changes where the bytes are read, never what they mean.
 * Each branch below follows one branch of zongji's lib/common.js, arithmetic included (the
 * equivalence test compares both on every type). A column this does not read returns the reason,
 * and its table's rows are left to zongji.
 */
// zongji's package exports only its entry point; its text and address formatting is reached by file.
// @ts-expect-error no declaration file for zongji's internal modules
import { decodeTextColumn, formatInet4, formatInet6, formatUuid } from '../../../../node_modules/@vlasky/zongji/lib/common.js';
import { slicesOf } from '../../../buffer-slices.ts';
import { ColumnType } from '../events/table-map.ts';
import { ascii, char, digits, take, unpadded } from './ascii-text.ts';

/** Where the next value starts; readers advance `pos` past what they read. */
export interface RowCursor {
  buf: Buffer;
  pos: number;
}
/** A value as zongji yields it (before row-values.ts's repairs). */
export type ColumnReader = (c: RowCursor) => unknown;

/** The parts of a zongji table map column and column schema a reader is compiled from. */
export interface MapColumn {
  readonly name: string;
  readonly type: number;
  readonly charset: string | null;
  readonly metadata?: Record<string, number | undefined>;
}
export interface MapColumnSchema {
  readonly COLUMN_TYPE: string;
  readonly UNSIGNED?: boolean;
  readonly ENUM_VALUES?: string[];
  readonly SET_VALUES?: string[];
}
/** mysql2 options zongji reads values by: only connection-options.ts's combination is compiled here. */
export interface ReadOptions {
  readonly dateStrings?: unknown;
  readonly timezone?: unknown;
  readonly decimalNumbers?: unknown;
}

const DECIMAL_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
/** zongji's iconv names for MySQL charsets that are not their own name (its ICONV_CHARSET_OVERRIDES, utf8 ones only). */
const UTF8_NAMES = new Set(['utf8', 'utf8mb3', 'utf8mb4']);

/**
 * zongji's zeroPad: the last `size` characters of the number behind zeros, so a wider number is
 * cut, as there. Without zongji's 32-zero concatenation, which the profile showed as 3% of the
 * reader thread (a string built and flattened per DECIMAL digit group and fraction).
 */
function zeroPad(num: number | string, size: number): string {
  const s = typeof num === 'string' ? num : String(num);
  if (s.length < size) return s.padStart(size, '0');
  return s.length === size ? s : s.substring(s.length - size);
}

/** `00`..`99`: every two-digit field of a temporal value is under 64, so this is zeroPad(n, 2) for all of them. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const pad2 = (n: number): string => TWO_DIGITS[n] ?? zeroPad(n, 2);

function sliceBits(input: number, start: number, end: number): number {
  const match = ((1 << end) - 1) ^ ((1 << start) - 1);
  return (input & match) >> start;
}

function readIntBE(buf: Buffer, at: number, length: number): number {
  switch (length) {
    case 1:
      return buf.readInt8(at);
    case 2:
      return buf.readInt16BE(at);
    case 3:
      return (buf.readInt8(at) << 16) + buf.readUInt16BE(at + 1);
    default:
      return buf.readInt32BE(at);
  }
}

/**
 * The fraction of a TIME2/DATETIME2/TIMESTAMP2 value as zongji computes it (a number; not always
 * an integer when the bytes are odd), or -1 without one.
 */
function readFraction(c: RowCursor, precision: number): number {
  if (!precision) return -1;
  const size = Math.ceil(precision / 2);
  let value = readIntBE(c.buf, c.pos, size);
  c.pos += size;
  if (precision % 2 !== 0) value /= 10;
  if (value < 0) value *= -1;
  return value;
}

/** zongji's `.digits` of a fraction read by readFraction, appended to the text; nothing without one. */
function appendFraction(value: number, precision: number): void {
  if (value < 0) return;
  char(0x2e);
  if (Number.isInteger(value)) digits(value, precision);
  else ascii(zeroPad(value, precision));
}

function parseMembers(type: string, prefixLength: number): string[] {
  return type
    .substring(prefixLength, type.length - 1)
    .split(',')
    .map((opt) => (opt[0] === '"' || opt[0] === "'" ? opt.substring(1, opt.length - 1) : opt));
}

function isUnsigned(schema: MapColumnSchema): boolean {
  return schema.UNSIGNED !== undefined ? schema.UNSIGNED : schema.COLUMN_TYPE.includes('unsigned');
}

function int64(unsigned: boolean): ColumnReader {
  return (c) => {
    const low = c.buf.readUInt32LE(c.pos);
    const high = c.buf.readUInt32LE(c.pos + 4);
    c.pos += 8;
    // Below 2^53 either way (the sign bit clear): the plain number zongji computes.
    if (high < 0x200000) return high * 0x100000000 + low;
    const v = (BigInt(high) << 32n) | BigInt(low);
    if (unsigned) return v <= MAX_SAFE ? Number(v) : v.toString();
    const s = BigInt.asIntN(64, v);
    return s >= MIN_SAFE && s <= MAX_SAFE ? Number(s) : s.toString();
  };
}

function integer(type: number, unsigned: boolean): ColumnReader {
  switch (type) {
    case ColumnType.TINY:
      return unsigned ? (c) => c.buf[c.pos++]! : (c) => c.buf.readInt8(c.pos++);
    case ColumnType.SHORT:
      return unsigned ? (c) => ((c.pos += 2), c.buf.readUInt16LE(c.pos - 2)) : (c) => ((c.pos += 2), c.buf.readInt16LE(c.pos - 2));
    case ColumnType.INT24:
      return unsigned ? (c) => ((c.pos += 3), c.buf.readUIntLE(c.pos - 3, 3)) : (c) => ((c.pos += 3), c.buf.readIntLE(c.pos - 3, 3));
    case ColumnType.LONG:
      return unsigned ? (c) => ((c.pos += 4), c.buf.readUInt32LE(c.pos - 4)) : (c) => ((c.pos += 4), c.buf.readInt32LE(c.pos - 4));
    default:
      return int64(unsigned);
  }
}

/** DECIMAL's binary form (sign bit flipped, negatives all bits flipped) as zongji prints it. */
function decimal(precision: number, scale: number): ColumnReader {
  const integral = precision - scale;
  const uncompIntegral = Math.floor(integral / 9);
  const uncompFractional = Math.floor(scale / 9);
  const compIntegral = integral - uncompIntegral * 9;
  const compFractional = scale - uncompFractional * 9;
  const size = uncompIntegral * 4 + DECIMAL_BYTES[compIntegral]! + uncompFractional * 4 + DECIMAL_BYTES[compFractional]!;
  const scratch = Buffer.alloc(size);
  const compIntegralSize = DECIMAL_BYTES[compIntegral]!;
  const compFractionalSize = DECIMAL_BYTES[compFractional]!;
  const groups = new Int32Array((compIntegralSize > 0 ? 1 : 0) + uncompIntegral + uncompFractional + (compFractionalSize > 0 ? 1 : 0));
  return (c) => {
    // A copy: the sign bit is flipped before reading, and the packet must stay as it came.
    // By hand: Buffer#copy from an offset makes a view object per call.
    for (let i = 0; i < size; i++) scratch[i] = c.buf[c.pos + i]!;
    c.pos += size;
    const positive = (scratch[0]! & 0x80) === 0x80;
    scratch[0] = scratch[0]! ^ 0x80;
    const mask = positive ? 0 : -1;
    // The digit groups in order: the short integral one (when any), the 9-digit ones, the
    // fraction's 9-digit ones, its short one (when any).
    let pos = 0;
    let g = 0;
    if (compIntegralSize > 0) {
      groups[g++] = readIntBE(scratch, 0, compIntegralSize) ^ mask;
      pos += compIntegralSize;
    }
    for (let i = 0; i < uncompIntegral + uncompFractional; i++, pos += 4) groups[g++] = scratch.readInt32BE(pos) ^ mask;
    if (compFractionalSize > 0) groups[g++] = readIntBE(scratch, pos, compFractionalSize) ^ mask;
    let negative = false;
    for (let i = 0; i < g; i++) if (groups[i]! < 0) negative = true;
    return negative ? decimalText(groups, positive) : decimalBytes(groups, positive);
  };

  /** The text assembled as bytes (ascii-text.ts); every group is non-negative, as valid values' are. */
  function decimalBytes(groups: Int32Array, positive: boolean): string {
    if (!positive) char(0x2d);
    let g = 0;
    // zongji strips the integral digits' leading zeros (keeping one): the first group that is not
    // zero is written without padding, the rest padded; a 9-digit group keeps its last 9 digits.
    let leading = true;
    if (compIntegralSize > 0) {
      const v = groups[g++]!;
      if (v > 0) {
        unpadded(v);
        leading = false;
      }
    }
    for (let i = 0; i < uncompIntegral; i++) {
      const v = groups[g++]! % 1e9;
      if (!leading) digits(v, 9);
      else if (v > 0) {
        unpadded(v);
        leading = false;
      }
    }
    if (leading) char(0x30);
    if (scale > 0) {
      char(0x2e);
      for (let k = 0; k < uncompFractional; k++) digits(groups[g++]!, 9);
      if (compFractionalSize > 0) digits(groups[g]!, compFractional);
    }
    return take();
  }

  /** zongji's string building, for groups a valid value never has (a negative one pads oddly). */
  function decimalText(groups: Int32Array, positive: boolean): string {
    let g = 0;
    let intDigits = '';
    if (compIntegralSize > 0) intDigits += groups[g++]!.toString(10);
    for (let i = 0; i < uncompIntegral; i++) intDigits += zeroPad(groups[g++]!.toString(10), 9);
    intDigits = intDigits.replace(/^0+(?=\d)/, '');
    if (intDigits === '') intDigits = '0';
    let fractionDigits = '';
    for (let k = 0; k < uncompFractional; k++) fractionDigits += zeroPad(groups[g++]!.toString(10), 9);
    if (compFractionalSize > 0) fractionDigits += zeroPad(groups[g]!.toString(10), compFractional);
    const text = (positive ? '' : '-') + intDigits;
    return scale > 0 ? `${text}.${fractionDigits}` : text;
  }
}

function set(bytes: number, choices: readonly string[]): ColumnReader {
  return (c) => {
    let low: number;
    let high = 0;
    if (bytes === 8) {
      low = c.buf.readUInt32LE(c.pos);
      high = c.buf.readUInt32LE(c.pos + 4);
    } else low = c.buf.readUIntLE(c.pos, bytes);
    c.pos += bytes;
    // zongji's loop, `undefined` for a bit past the member list included.
    let result = '';
    for (let i = 0; low >= 2 ** i; i++) if (low & (2 ** i)) result += `${choices[i]},`;
    if (high) for (let i = 0; high >= 2 ** i; i++) if (high & (2 ** i)) result += `${choices[i + 32]},`;
    return result.length > 0 ? result.substring(0, result.length - 1) : result;
  };
}

/**
 * A text value of `n` bytes at the cursor, in the column's charset: Node's own UTF-8 decoding
 * where zongji's comes to the same, read straight from the packet (a Buffer view per value was
 * a tenth of the reader thread's garbage); other charsets (and a caller's `textOf`) as zongji.
 */
function textValue(charset: string | null, textOf?: TextOf): (c: RowCursor, n: number) => unknown {
  if (textOf === undefined && (charset === null || UTF8_NAMES.has(charset))) return utf8Value;
  const decode = textOf ?? ((bytes: Buffer) => decodeTextColumn(bytes, charset) as unknown);
  return (c, n) => decode(slice(c, n));
}

function utf8Value(c: RowCursor, n: number): string {
  const at = c.pos;
  c.pos += n;
  return slicesOf(c.buf).utf8Slice(at, at + n);
}

function lengthPrefixed(prefixSize: number, value: (c: RowCursor, size: number) => unknown): ColumnReader {
  return (c) => {
    const size = prefixSize === 1 ? c.buf[c.pos]! : c.buf.readUIntLE(c.pos, prefixSize);
    c.pos += prefixSize;
    return value(c, size);
  };
}

function slice(c: RowCursor, size: number): Buffer {
  const at = c.pos;
  c.pos += size;
  return c.buf.subarray(at, at + size);
}

function padded(c: RowCursor, size: number, width: number): Buffer {
  const out = Buffer.alloc(width, 0);
  c.buf.copy(out, 0, c.pos, c.pos + Math.min(size, width));
  c.pos += size;
  return out;
}

/** VARCHAR / CHAR and the MariaDB types riding on them, told apart by the column definition as zongji does. */
function string(column: MapColumn, schema: MapColumnSchema, textOf?: TextOf): ColumnReader {
  const prefixSize = (column.metadata?.max_length ?? 0) > 255 ? 2 : 1;
  const def = schema.COLUMN_TYPE;
  const prefix = def.substring(0, 6);
  if (def === 'uuid') return lengthPrefixed(prefixSize, (c, n) => formatUuid(padded(c, n, 16)) as unknown);
  if (def === 'inet4') return lengthPrefixed(prefixSize, (c, n) => formatInet4(padded(c, n, 4)) as unknown);
  if (def === 'inet6') return lengthPrefixed(prefixSize, (c, n) => formatInet6(padded(c, n, 16)) as unknown);
  if (prefix === 'vector' || prefix === 'varbin') return lengthPrefixed(prefixSize, slice);
  if (prefix === 'binary') {
    const width = parseInt(def.slice(7), 10); // `binary(4)`: parseInt stops at the parenthesis
    return lengthPrefixed(prefixSize, (c, n) => padded(c, n, width));
  }
  return lengthPrefixed(prefixSize, textValue(column.charset, textOf));
}

function date(): ColumnReader {
  return (c) => {
    const raw = c.buf.readUIntLE(c.pos, 3);
    c.pos += 3;
    appendDate(sliceBits(raw, 9, 24), sliceBits(raw, 5, 9), sliceBits(raw, 0, 5));
    return take();
  };
}

function datetime2(decimals: number): ColumnReader {
  return (c) => {
    // Overlapping high and low words, as zongji reads them.
    const high = readIntBE(c.buf, c.pos, 4);
    const low = readIntBE(c.buf, c.pos + 1, 4);
    c.pos += 5;
    const fraction = readFraction(c, decimals);
    const yearMonth = sliceBits(high, 14, 31);
    appendDate(Math.floor(yearMonth / 13), yearMonth % 13, sliceBits(low, 17, 22));
    char(0x20);
    appendTime(sliceBits(low, 12, 17), sliceBits(low, 6, 12), sliceBits(low, 0, 6));
    appendFraction(fraction, decimals);
    return take();
  };
}

/** Seconds since the epoch, in UTC (connection-options.ts sets timezone 'Z'); the zero TIMESTAMP as MySQL prints it. */
function timestamp2(decimals: number): ColumnReader {
  return (c) => {
    const seconds = c.buf.readInt32BE(c.pos);
    c.pos += 4;
    const fraction = readFraction(c, decimals);
    if (seconds === 0 && fraction <= 0) ascii('0000-00-00 00:00:00');
    // Whole seconds only: the fraction's milliseconds never carry into them.
    else appendUtcDateTime(seconds);
    appendFraction(fraction, decimals);
    return take();
  };
}

/**
 * `YYYY-MM-DD hh:mm:ss` of non-negative epoch seconds in UTC, by the civil-from-days algorithm
 * (H. Hinnant), which is what `Date`'s UTC fields give, without a Date per value.
 */
function appendUtcDateTime(seconds: number): void {
  if (seconds < 0) {
    const d = new Date(seconds * 1000);
    ascii(`${zeroPad(d.getUTCFullYear(), 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`);
    return;
  }
  const days = Math.floor(seconds / 86400);
  const s = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(s / 3600);
  const minute = Math.floor((s % 3600) / 60);
  appendDate(year, month, day);
  char(0x20);
  appendTime(hour, minute, s % 60);
}

/** `YYYY-MM-DD` as pad4/pad2 write it (both keep the last digits of a wider number). */
function appendDate(year: number, month: number, day: number): void {
  digits(year, 4);
  char(0x2d);
  digits(month, 2);
  char(0x2d);
  digits(day, 2);
}

/** `hh:mm:ss`, two digits each as pad2 writes them. */
function appendTime(hour: number, minute: number, second: number): void {
  digits(hour, 2);
  char(0x3a);
  digits(minute, 2);
  char(0x3a);
  digits(second, 2);
}

function time2(decimals: number): ColumnReader {
  return (c) => {
    let raw = readIntBE(c.buf, c.pos, 3);
    c.pos += 3;
    const fraction = readFraction(c, decimals);
    const negative = (raw & (1 << 23)) === 0;
    if (negative) raw = raw ^ ((1 << 24) - 1);
    const hour = sliceBits(raw, 12, 22);
    let second = sliceBits(raw, 0, 6);
    if (negative && fraction <= 0) second++;
    if (negative) char(0x2d);
    digits(hour, hour > 99 ? 3 : 2);
    char(0x3a);
    digits(sliceBits(raw, 6, 12), 2);
    char(0x3a);
    digits(second, 2);
    appendFraction(fraction, decimals);
    return take();
  };
}

/** Decodes a text column's bytes in place of zongji's charset decoding (see `columnReader`). */
export type TextOf = (bytes: Buffer) => string;

/**
 * The reader of one column, or why this decoder leaves the table to zongji. `textOf`, when given,
 * decodes the bytes of a CHAR/VARCHAR/TEXT column instead of zongji's decoding by charset (row-plan.ts
 * gives one where a later repair would replace zongji's text anyway).
 */
export function columnReader(column: MapColumn, schema: MapColumnSchema, options: ReadOptions, textOf?: TextOf): ColumnReader | string {
  const m = column.metadata ?? {};
  switch (column.type) {
    case ColumnType.TINY:
    case ColumnType.SHORT:
    case ColumnType.INT24:
    case ColumnType.LONG:
    case ColumnType.LONGLONG:
      return integer(column.type, isUnsigned(schema));
    case ColumnType.FLOAT:
      return (c) => ((c.pos += 4), c.buf.readFloatLE(c.pos - 4));
    case ColumnType.DOUBLE:
      return (c) => ((c.pos += 8), c.buf.readDoubleLE(c.pos - 8));
    case ColumnType.NEWDECIMAL:
      if (options.decimalNumbers) return 'DECIMAL read as numbers (decimalNumbers)';
      return decimal(m.precision ?? 0, m.decimals ?? 0);
    case ColumnType.SET:
      return set(m.size ?? 1, schema.SET_VALUES ?? parseMembers(schema.COLUMN_TYPE, 4));
    case ColumnType.ENUM: {
      const choices = schema.ENUM_VALUES ?? parseMembers(schema.COLUMN_TYPE, 5);
      const size = m.size ?? 1;
      return (c) => ((c.pos += size), choices[c.buf.readUIntLE(c.pos - size, size) - 1]);
    }
    case ColumnType.VARCHAR:
    case ColumnType.STRING:
      return string(column, schema, textOf);
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.BLOB: {
      if (m.length_size === undefined) return `binlog column type ${column.type} without a length size`;
      return lengthPrefixed(m.length_size ?? 0, column.charset !== null ? textValue(column.charset, textOf) : slice);
    }
    case ColumnType.BIT: {
      const size = Math.floor(((m.bits ?? 0) + 7) / 8);
      return (c) => slice(c, size);
    }
    case ColumnType.YEAR:
      return (c) => c.buf[c.pos++]! + 1900;
  }
  if (options.dateStrings !== true || options.timezone !== 'Z') return `temporal types under dateStrings ${String(options.dateStrings)}, timezone ${String(options.timezone)}`;
  switch (column.type) {
    case ColumnType.DATE:
      return date();
    case ColumnType.DATETIME2:
      return datetime2(m.decimals ?? 0);
    case ColumnType.TIMESTAMP2:
      return timestamp2(m.decimals ?? 0);
    case ColumnType.TIME2:
      return time2(m.decimals ?? 0);
  }
  // TIME, DATETIME and TIMESTAMP in their pre-5.6 forms, JSON and GEOMETRY not relabelled as BLOB,
  // MariaDB's COMPRESSED columns, and anything zongji itself rejects.
  return `binlog column type ${column.type}`;
}
