/**
 * The Table Tunnel record stream writer: the body of one batch-upload block
 * (specs/maxcompute.md §3.7, checked byte for byte against §3.8 and odps-sdk-core 0.52.3's
 * ProtobufRecordStreamWriter).
 *
 *   per record:  for each non-null column i, in order: tag(i+1, wiretype) payload
 *                tag(33553408, 0) uint32(record CRC)            80 c0 ff 7f …
 *   at the end:  tag(33554430, 0) sint64(record count)          f0 ff ff 7f …
 *                tag(33554431, 0) uint32(CRC of record CRCs)    f8 ff ff 7f …
 *
 * Record CRC (CRC-32C, reset per record): per non-null column, the field number as 4 LE bytes,
 * then the value bytes (8 LE bytes for every integer family, DATETIME and DATE; 1 byte for
 * BOOLEAN; the IEEE bytes for DOUBLE/FLOAT; the raw bytes, not the length, for text, BINARY and
 * DECIMAL; 8 + 4 LE bytes of seconds and nanos for TIMESTAMP). The block CRC is fed each record
 * CRC as 4 LE bytes. An all-null record has CRC 0; an empty block has count 0 and CRC 0.
 *
 * Invariants: one growing Buffer, no per-field allocation; a record that fails validation leaves
 * the stream as it was before that record (the writer stays usable); `finish()` ends the stream
 * and the writer. A wrong JS type is a bug upstream (InvariantError); a value of the right type
 * that MaxCompute cannot store (BIGINT -2^63, too many characters or integer digits, a DATETIME
 * outside years 0–9999) is OdpsValueError, which names the column, never the value.
 * Complex types (ARRAY, MAP, STRUCT) and INTERVAL types are not supported: the type mapping never
 * produces them.
 */
import { DtsError, ErrorCodes, InvariantError } from '../../errors.ts';
import type { OdpsColumn, OdpsTimestamp, OdpsValue } from './types.ts';
import {
  CRC_INIT,
  crcByte,
  crcBytes,
  crcInt64,
  crcInt64Bigint,
  crcValue,
  crcWord,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  writeVarint32,
  writeVarintBigint,
  writeVarintNumber,
  zigzagBigint,
  zigzagNumber,
} from './protobuf.ts';

export interface RecordStreamWriter {
  /** Appends one record; `values[i]` is column i, null (or a shorter array) leaves the field out. */
  append(values: readonly OdpsValue[]): void;
  /** Bytes written so far; `finish()` adds at most 24 bytes of trailer. */
  readonly byteLength: number;
  readonly recordCount: number;
  /** Writes the trailer and returns the block; the writer takes no more records. */
  finish(): Buffer;
}

export interface RecordStreamOptions {
  /** First buffer size in bytes (default 64 KiB); the buffer doubles as needed. */
  readonly initialCapacity?: number;
  /**
   * Refuse values MaxCompute cannot store, as odps-sdk-core's ArrayRecord does (default true).
   * false only reproduces streams of writers that do not check (the §3.8 V3 vector holds -2^63).
   */
  readonly checkRanges?: boolean;
}

/** A value of the right type that the column's MaxCompute type cannot hold. Not retriable. */
export class OdpsValueError extends DtsError {
  constructor(
    message: string,
    readonly column: number,
    context: { columnName: string; type: string; record: number },
  ) {
    super(message, { code: ErrorCodes.MAXCOMPUTE_VALUE, retriable: false, context: { column, ...context } });
  }
}

/** The column type families of the wire format. */
export const Kind = {
  BIGINT: 0,
  INT: 1, // INT, SMALLINT, TINYINT: the same encoding with a narrower range
  BOOLEAN: 2,
  DOUBLE: 3,
  FLOAT: 4,
  TEXT: 5, // STRING, JSON, and CHAR/VARCHAR (with maxChars)
  BINARY: 6,
  DECIMAL: 7,
  DATETIME: 8,
  DATE: 9,
  TIMESTAMP: 10, // TIMESTAMP, TIMESTAMP_NTZ
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface ColumnCodec {
  readonly kind: Kind;
  /** Field number (column index + 1). */
  readonly field: number;
  /** The tag value: field << 3 | wire type. */
  readonly tag: number;
  readonly name: string;
  readonly type: string;
  /** INT family range. */
  readonly min: number;
  readonly max: number;
  /** CHAR(n)/VARCHAR(n): n; otherwise -1. */
  readonly maxChars: number;
  /** DECIMAL(p,s): p - s and s; otherwise -1. */
  readonly intDigits: number;
  readonly scale: number;
}

const intRanges: Record<string, readonly [number, number]> = {
  INT: [-2147483648, 2147483647],
  SMALLINT: [-32768, 32767],
  TINYINT: [-128, 127],
};

const wireOf: Record<Kind, number> = {
  [Kind.BIGINT]: WIRE_VARINT,
  [Kind.INT]: WIRE_VARINT,
  [Kind.BOOLEAN]: WIRE_VARINT,
  [Kind.DOUBLE]: WIRE_FIXED64,
  [Kind.FLOAT]: WIRE_FIXED32,
  [Kind.TEXT]: WIRE_LENGTH_DELIMITED,
  [Kind.BINARY]: WIRE_LENGTH_DELIMITED,
  [Kind.DECIMAL]: WIRE_LENGTH_DELIMITED,
  [Kind.DATETIME]: WIRE_VARINT,
  [Kind.DATE]: WIRE_VARINT,
  [Kind.TIMESTAMP]: WIRE_LENGTH_DELIMITED, // the tag says 2, the payload has no length (§3.7)
};

/** How column `index` is encoded; shared with the reader. Throws for types the format here lacks. */
export function columnCodecOf(column: OdpsColumn, index: number): ColumnCodec {
  const type = column.type.trim().toUpperCase();
  const m = /^([A-Z_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(type);
  const base = m?.[1] ?? '';
  const p1 = m?.[2] === undefined ? -1 : Number(m[2]);
  const p2 = m?.[3] === undefined ? -1 : Number(m[3]);
  let kind: Kind;
  let [min, max] = [0, 0];
  let maxChars = -1;
  let intDigits = -1;
  let scale = -1;
  switch (base) {
    case 'BIGINT':
      kind = Kind.BIGINT;
      break;
    case 'INT':
    case 'SMALLINT':
    case 'TINYINT':
      kind = Kind.INT;
      [min, max] = intRanges[base]!;
      break;
    case 'BOOLEAN':
      kind = Kind.BOOLEAN;
      break;
    case 'DOUBLE':
      kind = Kind.DOUBLE;
      break;
    case 'FLOAT':
      kind = Kind.FLOAT;
      break;
    case 'STRING':
    case 'JSON':
      kind = Kind.TEXT;
      break;
    case 'CHAR':
    case 'VARCHAR':
      kind = Kind.TEXT;
      maxChars = p1;
      break;
    case 'BINARY':
      kind = Kind.BINARY;
      break;
    case 'DECIMAL':
      kind = Kind.DECIMAL;
      if (p1 >= 0) [intDigits, scale] = [p1 - Math.max(p2, 0), Math.max(p2, 0)];
      break;
    case 'DATETIME':
      kind = Kind.DATETIME;
      break;
    case 'DATE':
      kind = Kind.DATE;
      break;
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ':
      kind = Kind.TIMESTAMP;
      break;
    default:
      throw new InvariantError(`the tunnel record writer does not support column ${index} (${column.name}) of type ${column.type}`, { column: index, type: column.type });
  }
  const field = index + 1;
  return { kind, field, tag: field * 8 + wireOf[kind], name: column.name, type, min, max, maxChars, intDigits, scale };
}

export function createRecordStreamWriter(columns: readonly OdpsColumn[], options: RecordStreamOptions = {}): RecordStreamWriter {
  return new Writer(columns.map(columnCodecOf), options.initialCapacity ?? 64 * 1024, options.checkRanges ?? true);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** odps-sdk-core OdpsTypeTransformer: DATETIME storage range in epoch ms (-0001-12-31 … 10000-01-02). */
const DATETIME_MIN_MS = -62167305600000;
const DATETIME_MAX_MS = 253402387200000;
const decimalText = /^-?\d+(?:\.\d+)?$/;
// The framing tags, as bytes.
const END_RECORD = [0x80, 0xc0, 0xff, 0x7f] as const;
const META_COUNT = [0xf0, 0xff, 0xff, 0x7f] as const;
const META_CHECKSUM = [0xf8, 0xff, 0xff, 0x7f] as const;

class Writer implements RecordStreamWriter {
  #buf: Buffer;
  #pos = 0;
  #count = 0;
  #blockCrc = CRC_INIT;
  #finished = false;

  constructor(
    private readonly cols: readonly ColumnCodec[],
    capacity: number,
    private readonly checkRanges: boolean,
  ) {
    this.#buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  get byteLength(): number {
    return this.#pos;
  }

  get recordCount(): number {
    return this.#count;
  }

  append(values: readonly OdpsValue[]): void {
    if (this.#finished) throw new InvariantError('a record was appended to a finished tunnel record stream');
    const cols = this.cols;
    if (values.length > cols.length) {
      throw new InvariantError(`a record has ${values.length} values for ${cols.length} columns`, { record: this.#count });
    }
    const start = this.#pos;
    let buf = this.#buf;
    let pos = start;
    let crc = CRC_INIT;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) continue;
      const c = cols[i]!;
      // Room for the tag, a 10-byte varint and a 5-byte one; text grows its own below.
      if (pos + 24 > buf.length) buf = this.#grow(pos, 24);
      crc = crcWord(crc, c.field);
      switch (c.kind) {
        case Kind.BIGINT:
        case Kind.INT: {
          let n: number;
          if (typeof v === 'number') {
            if (!Number.isSafeInteger(v)) this.#fail(start, c, 'a bigint or a safe-integer number', v);
            n = v;
          } else if (typeof v === 'bigint') {
            if (v < -MAX_SAFE || v > MAX_SAFE) {
              // Beyond ±2^53: the BigInt path (BIGINT only; no narrower type holds such a value).
              if (v < INT64_MIN || v > INT64_MAX) this.#refuse(start, c, 'outside the 64-bit range');
              if (this.checkRanges && c.kind === Kind.INT) this.#refuse(start, c, `outside ${c.type}'s range ${c.min}..${c.max}`);
              if (this.checkRanges && v === INT64_MIN) this.#refuse(start, c, 'is -2^63, which MaxCompute BIGINT reserves (its range is -2^63+1..2^63-1)');
              pos = writeVarint32(buf, pos, c.tag);
              pos = writeVarintBigint(buf, pos, zigzagBigint(v));
              crc = crcInt64Bigint(crc, v);
              break;
            }
            n = Number(v);
          } else {
            this.#fail(start, c, 'a bigint or a safe-integer number', v);
          }
          if (c.kind === Kind.INT && this.checkRanges && (n < c.min || n > c.max)) this.#refuse(start, c, `outside ${c.type}'s range ${c.min}..${c.max}`);
          pos = writeVarint32(buf, pos, c.tag);
          pos = writeVarintNumber(buf, pos, zigzagNumber(n));
          crc = crcInt64(crc, n);
          break;
        }
        case Kind.BOOLEAN: {
          if (typeof v !== 'boolean') this.#fail(start, c, 'a boolean', v);
          pos = writeVarint32(buf, pos, c.tag);
          buf[pos++] = v ? 1 : 0;
          crc = crcByte(crc, v ? 1 : 0);
          break;
        }
        case Kind.DOUBLE:
        case Kind.FLOAT: {
          if (typeof v !== 'number') this.#fail(start, c, 'a number', v);
          pos = writeVarint32(buf, pos, c.tag);
          // Fixed64 and fixed32 little-endian, the CRC over the bytes as written.
          const end = c.kind === Kind.DOUBLE ? buf.writeDoubleLE(v, pos) : buf.writeFloatLE(v, pos);
          crc = crcBytes(crc, buf, pos, end);
          pos = end;
          break;
        }
        case Kind.TEXT: {
          if (typeof v !== 'string') this.#fail(start, c, 'a string', v);
          if (c.maxChars >= 0 && this.checkRanges && v.length > c.maxChars && codePoints(v) > c.maxChars) {
            this.#refuse(start, c, `longer than ${c.maxChars} characters`);
          }
          const most = v.length * 3;
          if (pos + 10 + most > buf.length) buf = this.#grow(pos, 10 + most);
          pos = writeVarint32(buf, pos, c.tag);
          let len: number;
          if (most < 0x80) {
            len = buf.write(v, pos + 1);
            buf[pos++] = len;
          } else {
            len = Buffer.byteLength(v);
            pos = writeVarint32(buf, pos, len);
            buf.write(v, pos);
          }
          crc = crcBytes(crc, buf, pos, pos + len);
          pos += len;
          break;
        }
        case Kind.BINARY: {
          if (!(v instanceof Uint8Array)) this.#fail(start, c, 'a Uint8Array', v);
          const len = v.byteLength;
          if (pos + 10 + len > buf.length) buf = this.#grow(pos, 10 + len);
          pos = writeVarint32(buf, pos, c.tag);
          pos = writeVarint32(buf, pos, len);
          buf.set(v, pos);
          crc = crcBytes(crc, buf, pos, pos + len);
          pos += len;
          break;
        }
        case Kind.DECIMAL: {
          if (typeof v !== 'string') this.#fail(start, c, 'a plain decimal string such as "-12.50"', v);
          if (!decimalText.test(v)) this.#fail(start, c, 'a plain decimal string such as "-12.50"', v, 'a string in another form (exponent, sign or blanks)');
          if (c.intDigits >= 0 && this.checkRanges && decimalIntDigits(v, c.scale) > c.intDigits) {
            this.#refuse(start, c, `has more than the ${c.intDigits} integer digits ${c.type} holds`);
          }
          const len = v.length;
          if (pos + 10 + len > buf.length) buf = this.#grow(pos, 10 + len);
          pos = writeVarint32(buf, pos, c.tag);
          pos = writeVarint32(buf, pos, len);
          buf.write(v, pos, len, 'latin1');
          crc = crcBytes(crc, buf, pos, pos + len);
          pos += len;
          break;
        }
        case Kind.DATETIME:
        case Kind.DATE: {
          if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.#fail(start, c, c.kind === Kind.DATE ? 'a safe-integer number of days' : 'a safe-integer number of milliseconds', v);
          if (c.kind === Kind.DATETIME && this.checkRanges && (v < DATETIME_MIN_MS || v > DATETIME_MAX_MS)) {
            this.#refuse(start, c, 'outside the DATETIME range of MaxCompute (years 0000 to 9999)');
          }
          pos = writeVarint32(buf, pos, c.tag);
          pos = writeVarintNumber(buf, pos, zigzagNumber(v));
          crc = crcInt64(crc, v);
          break;
        }
        case Kind.TIMESTAMP: {
          const ts = v as OdpsTimestamp;
          if (typeof v !== 'object' || v instanceof Uint8Array || typeof ts.seconds !== 'bigint' || !Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
            this.#fail(start, c, 'an OdpsTimestamp { seconds: bigint, nanos: 0..999999999 }', v);
          }
          if (ts.seconds < -9007199254740991n || ts.seconds > 9007199254740991n) this.#refuse(start, c, 'outside the TIMESTAMP range');
          const seconds = Number(ts.seconds);
          pos = writeVarint32(buf, pos, c.tag);
          pos = writeVarintNumber(buf, pos, zigzagNumber(seconds));
          pos = writeVarint32(buf, pos, ts.nanos * 2);
          crc = crcWord(crcInt64(crc, seconds), ts.nanos);
          break;
        }
      }
    }
    if (pos + 10 > buf.length) buf = this.#grow(pos, 10);
    const recordCrc = crcValue(crc);
    buf[pos] = END_RECORD[0];
    buf[pos + 1] = END_RECORD[1];
    buf[pos + 2] = END_RECORD[2];
    buf[pos + 3] = END_RECORD[3];
    this.#pos = writeVarint32(buf, pos + 4, recordCrc);
    this.#blockCrc = crcWord(this.#blockCrc, recordCrc | 0);
    this.#count++;
  }

  finish(): Buffer {
    if (this.#finished) throw new InvariantError('a tunnel record stream was finished twice');
    this.#finished = true;
    let buf = this.#buf;
    let pos = this.#pos;
    if (pos + 24 > buf.length) buf = this.#grow(pos, 24);
    buf.set(META_COUNT, pos);
    pos = writeVarintNumber(buf, pos + 4, zigzagNumber(this.#count));
    buf.set(META_CHECKSUM, pos);
    pos = writeVarint32(buf, pos + 4, crcValue(this.#blockCrc));
    this.#pos = pos;
    return buf.subarray(0, pos);
  }

  #grow(pos: number, need: number): Buffer {
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, pos + need));
    this.#buf.copy(next, 0, 0, pos);
    this.#buf = next;
    return next;
  }

  /** A wrong JS type: a bug in the caller's type mapping. The record is dropped from the stream. */
  #fail(start: number, c: ColumnCodec, expected: string, got: unknown, gotText = describe(got)): never {
    this.#pos = start;
    throw new InvariantError(`tunnel record ${this.#count}: column ${c.field - 1} (${c.name}, ${c.type}) takes ${expected}, got ${gotText}`, {
      column: c.field - 1,
      columnName: c.name,
      type: c.type,
      record: this.#count,
    });
  }

  /** A value MaxCompute cannot store: the record is dropped from the stream. */
  #refuse(start: number, c: ColumnCodec, why: string): never {
    this.#pos = start;
    throw new OdpsValueError(`column ${c.field - 1} (${c.name}, ${c.type}) holds a value MaxCompute cannot store: ${why}`, c.field - 1, {
      columnName: c.name,
      type: c.type,
      record: this.#count,
    });
  }
}

/** The JS type of a value, never the value (it may be row data). */
function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Uint8Array) return 'a Uint8Array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number beyond the safe-integer range' : 'a non-integer number';
  return `a value of type ${typeof v}`;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0xd800 || u > 0xdbff || i + 1 === s.length) n++;
    else {
      const lo = s.charCodeAt(i + 1);
      n++;
      if (lo >= 0xdc00 && lo <= 0xdfff) i++;
    }
  }
  return n;
}

/**
 * Integer digits of a plain decimal after rounding half-up to `scale`, as BigDecimal
 * precision - scale: "0.5"/0 → 1, "9.995"/2 → 2, "0.001"/2 → 0.
 */
export function decimalIntDigits(text: string, scale: number): number {
  const from = text.charCodeAt(0) === 45 ? 1 : 0;
  const dot = text.indexOf('.');
  const intEnd = dot < 0 ? text.length : dot;
  let first = from;
  while (first < intEnd && text.charCodeAt(first) === 48) first++;
  let digits = intEnd - first;
  if (dot >= 0 && text.length - dot - 1 > scale && text.charCodeAt(dot + 1 + scale) >= 53) {
    // Rounding carries into the integer part only if every kept digit is a 9.
    let carry = true;
    for (let i = first; carry && i < intEnd; i++) carry = text.charCodeAt(i) === 57;
    for (let i = dot + 1; carry && i < dot + 1 + scale; i++) carry = text.charCodeAt(i) === 57;
    if (carry) digits++;
  }
  return digits;
}
