/**
 * Reads and verifies one Table Tunnel record stream (a block) the way the service must before it
 * accepts it (specs/maxcompute.md §3.7), written from the spec independently of the sink's writer so
 * that each checks the other:
 *
 *   record   := { tag(field, wiretype) payload }*  tag(33553408, 0) uint32(recordCrc)
 *   trailer  := tag(33554430, 0) sint64(recordCount)  tag(33554431, 0) uint32(crcOfCrcs)  <end>
 *
 * Verified: every field number is one of the session's columns (1..n), at most once per record;
 * its wire type is the one of its column type (a BIGINT sent length-delimited is refused); values
 * are in range for their type (INT, BOOLEAN 0/1, VARCHAR(n) length, DECIMAL text, TIMESTAMP nanos);
 * every record's CRC-32C (field number as LE int32, then the value's bytes); the trailer's count
 * and CRC of the record CRCs; nothing after the trailer. The first failure throws
 * MalformedBlockError naming the record (0-based) and column, never the value itself.
 */
import { crc32cUpdate } from './crc32c.ts';
import { INTEGER_RANGE, WIRE_TYPE, type OdpsType } from './odps-types.ts';

export const TAG_END_RECORD = 33553408;
export const TAG_META_COUNT = 33554430;
export const TAG_META_CHECKSUM = 33554431;

/** The first bad record of a block: `record` is its 0-based index in the block. */
export class MalformedBlockError extends Error {
  constructor(
    readonly record: number,
    readonly reason: string,
  ) {
    super(`record ${record} (0-based) of the block: ${reason}`);
  }
}

/** A field as it is on the wire, with the bytes its record CRC covers (only valid during the callback). */
export interface FieldView {
  readonly field: number;
  readonly wireType: number;
  /** Payload (after the tag; including the length prefix of length-delimited values) within the block. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
  /** The value bytes fed to the CRC after the field number. */
  readonly crcBytes: Uint8Array;
}

export interface RecordView {
  /** Byte range of the whole record, END_RECORD tag and CRC included. */
  readonly start: number;
  readonly end: number;
  readonly crc: number;
}

export interface BlockVisitor {
  onField?(record: number, field: FieldView): void;
  onRecord?(record: number, view: RecordView): void;
}

export interface BlockSummary {
  readonly records: number;
  readonly crcOfCrcs: number;
}

const MAX_STRING_BYTES = 8 * 1024 * 1024;
// DATETIME and DATE bounds: 0001-01-01 .. 9999-12-31 (as milliseconds and days since the epoch).
const DATETIME_MS: readonly [number, number] = [-62135596800000, 253402300799999];
const DATE_DAYS: readonly [number, number] = [-719162, 2932896];

/** Verifies `bytes` as a block for `columns` (the session's data columns, field i+1 = column i). */
/** What the loop needs of each column, worked out once per block. */
interface ColumnPlan {
  readonly name: string;
  readonly type: OdpsType;
  readonly wire: number;
  /** Inclusive value range for integer-like types (undefined: none). */
  readonly range: readonly [number, number] | undefined;
}

export function readBlock(bytes: Uint8Array, columns: readonly { readonly name: string; readonly type: OdpsType }[], visitor: BlockVisitor = {}): BlockSummary {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const plans: ColumnPlan[] = columns.map((c) => ({
    name: c.name,
    type: c.type,
    wire: WIRE_TYPE[c.type.family],
    range: INTEGER_RANGE[c.type.base] ?? (c.type.base === 'DATETIME' ? DATETIME_MS : c.type.base === 'DATE' ? DATE_DAYS : undefined),
  }));
  const scratch = Buffer.alloc(64);
  const seen = new Uint32Array(columns.length + 1);
  let generation = 1;
  let pos = 0;
  let lo = 0;
  let hi = 0;
  let record = 0;
  let recordStart = 0;
  let recordCrc = 0;
  let crcOfCrcs = 0;

  const fail = (reason: string): never => {
    throw new MalformedBlockError(record, reason);
  };
  const need = (n: number, what: string) => {
    if (pos + n > buf.length) fail(`the stream ends inside ${what}`);
  };
  /** Reads a varint of up to 64 bits into lo/hi (unsigned 32-bit halves). */
  const varint = (what: string) => {
    lo = 0;
    hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= buf.length) fail(`the stream ends inside ${what}`);
      if (shift > 63) fail(`${what} is a varint longer than 10 bytes`);
      const b = buf[pos++]!;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if ((b & 0x80) === 0) break;
    }
    lo >>>= 0;
    hi >>>= 0;
  };
  const uint32 = (what: string): number => {
    varint(what);
    if (hi !== 0) fail(`${what} does not fit in 32 bits`);
    return lo;
  };
  /** Zigzag-decodes lo/hi in place (signed halves after this). */
  const unzigzag = () => {
    const negative = lo & 1;
    let nlo = (lo >>> 1) | (hi << 31);
    let nhi = hi >>> 1;
    if (negative) {
      nlo = ~nlo;
      nhi = ~nhi;
    }
    lo = nlo | 0;
    hi = nhi | 0;
  };
  const crcUpdate = (valueLength: number) => {
    recordCrc = crc32cUpdate(recordCrc, scratch, 0, 4 + valueLength);
  };
  const onField = visitor.onField;

  for (;;) {
    if (pos >= buf.length)
      fail(record === 0 && pos === recordStart ? 'the block is empty (a block ends with the record count and checksum trailer)' : 'the stream ends without the record count and checksum trailer');
    const tagStart = pos;
    const tag = uint32('a field tag');
    const field = tag >>> 3;
    const wireType = tag & 7;

    if (field === TAG_END_RECORD) {
      if (wireType !== 0) fail(`the end-of-record tag has wire type ${wireType}, not 0`);
      const sent = uint32('the record CRC');
      const computed = recordCrc >>> 0;
      if (sent !== computed)
        fail(
          `CRC mismatch: the record says 0x${sent.toString(16).padStart(8, '0')}, its fields give 0x${computed.toString(16).padStart(8, '0')} (a byte was changed, or a value was checksummed differently from the spec)`,
        );
      visitor.onRecord?.(record, { start: recordStart, end: pos, crc: computed });
      scratch.writeInt32LE(computed | 0, 0);
      crcOfCrcs = crc32cUpdate(crcOfCrcs, scratch, 0, 4);
      record += 1;
      recordStart = pos;
      recordCrc = 0;
      generation += 1;
      continue;
    }
    if (field === TAG_META_COUNT) {
      if (tagStart !== recordStart) fail('the trailer starts inside a record (the last record has no end-of-record tag)');
      if (wireType !== 0) fail(`the record-count tag has wire type ${wireType}, not 0`);
      varint('the record count');
      unzigzag();
      const count = hi * 4294967296 + (lo >>> 0);
      if (count !== record) fail(`the trailer counts ${count} records, the block holds ${record}`);
      const checksumTag = uint32('the checksum tag');
      if (checksumTag >>> 3 !== TAG_META_CHECKSUM || (checksumTag & 7) !== 0) fail('the record count is not followed by the checksum tag');
      const sent = uint32('the block checksum');
      if (sent !== crcOfCrcs >>> 0)
        fail(`the block checksum (CRC of the record CRCs) is 0x${sent.toString(16).padStart(8, '0')}, the records give 0x${(crcOfCrcs >>> 0).toString(16).padStart(8, '0')}`);
      if (pos !== buf.length) fail(`${buf.length - pos} bytes follow the trailer`);
      return { records: record, crcOfCrcs: crcOfCrcs >>> 0 };
    }
    if (field === TAG_META_CHECKSUM) fail('a checksum trailer without the record count before it');
    if (field < 1 || field > columns.length) fail(`field number ${field} is not a column of the session (it has ${columns.length} columns: fields 1..${columns.length})`);
    const column = plans[field - 1]!;
    const type = column.type;
    const expectedWire = column.wire;
    if (wireType !== expectedWire) fail(`column "${column.name}" (${type.text}, field ${field}) must be sent with wire type ${expectedWire}, not ${wireType}`);
    if (seen[field] === generation) fail(`column "${column.name}" (field ${field}) appears twice in one record`);
    seen[field] = generation;

    const payloadStart = pos;
    scratch.writeInt32LE(field, 0);
    // The value bytes the CRC covered: [valueFrom, valueTo) of scratch, or of the block for text.
    let valueIn: Buffer = scratch;
    let valueFrom = 4;
    let valueTo = 4;
    switch (type.family) {
      case 'sint64': {
        varint(`column "${column.name}"`);
        unzigzag();
        const value = hi * 4294967296 + (lo >>> 0);
        const range = column.range;
        if (range && (value < range[0] || value > range[1])) fail(`column "${column.name}" (${type.text}) has a value outside ${range[0]}..${range[1]}`);
        // MaxCompute's BIGINT is -2^63+1 .. 2^63-1: -2^63 is its reserved NULL and is refused.
        if (type.base === 'BIGINT' && hi === -2147483648 && lo === 0) fail(`column "${column.name}" (bigint) has the value -2^63, which MaxCompute does not accept (the range is -2^63+1 .. 2^63-1)`);
        scratch.writeInt32LE(lo, 4);
        scratch.writeInt32LE(hi, 8);
        crcUpdate(8);
        valueTo = 12;
        break;
      }
      case 'bool': {
        const value = uint32(`column "${column.name}"`);
        if (value > 1) fail(`column "${column.name}" (boolean) has the value ${value}; a boolean is 0 or 1`);
        scratch[4] = value;
        crcUpdate(1);
        valueTo = 5;
        break;
      }
      case 'double':
      case 'float': {
        const size = type.family === 'double' ? 8 : 4;
        need(size, `column "${column.name}"`);
        buf.copy(scratch, 4, pos, pos + size);
        pos += size;
        crcUpdate(size);
        valueTo = 4 + size;
        break;
      }
      case 'bytes': {
        const length = uint32(`the length of column "${column.name}"`);
        if (length > MAX_STRING_BYTES) fail(`column "${column.name}" is ${length} bytes; a cell holds at most 8 MiB`);
        need(length, `column "${column.name}"`);
        if (type.base !== 'STRING' && type.base !== 'BINARY') checkText(column.name, type, buf.subarray(pos, pos + length), fail);
        recordCrc = crc32cUpdate(recordCrc, scratch, 0, 4);
        recordCrc = crc32cUpdate(recordCrc, buf, pos, pos + length);
        valueIn = buf;
        valueFrom = pos;
        valueTo = pos + length;
        pos += length;
        break;
      }
      case 'timestamp': {
        varint(`the seconds of column "${column.name}"`);
        unzigzag();
        scratch.writeInt32LE(lo, 4);
        scratch.writeInt32LE(hi, 8);
        const raw = uint32(`the nanoseconds of column "${column.name}"`);
        const nanos = (raw >>> 1) ^ -(raw & 1);
        if (nanos < 0 || nanos > 999_999_999) fail(`column "${column.name}" (${type.text}) has nanoseconds ${nanos}, outside 0..999999999`);
        scratch.writeInt32LE(nanos, 12);
        crcUpdate(12);
        valueTo = 16;
        break;
      }
    }
    if (onField) onField(record, { field, wireType, payloadStart, payloadEnd: pos, crcBytes: valueIn.subarray(valueFrom, valueTo) });
  }
}

function checkText(name: string, type: OdpsType, value: Buffer, fail: (reason: string) => never): void {
  if (type.base === 'VARCHAR' || type.base === 'CHAR') {
    let chars = 0;
    for (let i = 0; i < value.length; i++) if ((value[i]! & 0xc0) !== 0x80) chars += 1;
    if (chars > type.length!) fail(`column "${name}" (${type.text}) holds ${chars} characters, more than its length ${type.length}`);
  } else if (type.base === 'DECIMAL') {
    // [+-] digits [. digits], no exponent; count the integer digits after leading zeros.
    let i = value[0] === 0x2b || value[0] === 0x2d ? 1 : 0;
    let integerDigits = 0;
    let digits = 0;
    let point = false;
    let fractionDigits = 0;
    for (; i < value.length; i++) {
      const b = value[i]!;
      if (b >= 0x30 && b <= 0x39) {
        if (point) fractionDigits += 1;
        else {
          digits += 1;
          if (integerDigits > 0 || b !== 0x30) integerDigits += 1;
        }
      } else if (b === 0x2e && !point) point = true;
      else break;
    }
    if (i !== value.length || digits === 0 || (point && fractionDigits === 0)) fail(`column "${name}" (${type.text}) is not a plain decimal number (digits, an optional sign and point, no exponent)`);
    const room = (type.precision ?? 54) - (type.scale ?? 0);
    if (integerDigits > room) fail(`column "${name}" (${type.text}) has ${integerDigits} digits before the point; at most ${room} fit`);
  }
}
