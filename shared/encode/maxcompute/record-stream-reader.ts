/**
 * Reads a Table Tunnel record stream (specs/maxcompute.md §3.7) back into rows, verifying what a
 * server verifies: every record CRC, the record count and the CRC of the record CRCs, the wire type
 * of each field against its column, fields in column order and within the schema, nothing after
 * the trailer. The inverse of record-stream.ts, for tests, tools and the local endpoint.
 *
 * Values come back in the writer's input shapes, one canonical shape per family: every integer
 * family as `bigint`; DATETIME and DATE as `number`; BOOLEAN; DOUBLE/FLOAT as `number`; text and
 * DECIMAL as `string`; BINARY as a `Uint8Array` copy; TIMESTAMP as `OdpsTimestamp`. Omitted
 * fields are null.
 */
import { DtsError, ErrorCodes } from '../../errors.ts';
import type { OdpsColumn, OdpsValue } from './types.ts';
import { CRC_INIT, crcByte, crcBytes, crcInt64, crcInt64Bigint, crcValue, crcWord, unzigzagBigint, FIELD_END_RECORD, FIELD_META_CHECKSUM, FIELD_META_COUNT, WIRE_VARINT } from './protobuf.ts';
import { columnCodecOf, Kind, type ColumnCodec } from './record-stream.ts';

/** The stream is not a valid record stream for these columns; `offset` is where reading stopped. */
export class RecordStreamFormatError extends DtsError {
  constructor(
    message: string,
    readonly offset: number,
    readonly record: number,
  ) {
    super(`tunnel record stream, record ${record} at byte ${offset}: ${message}`, { code: ErrorCodes.MAXCOMPUTE_RECORD_STREAM, context: { offset, record } });
  }
}

export interface RecordStreamContent {
  readonly rows: OdpsValue[][];
  /** The CRC of the record CRCs from the trailer (verified). */
  readonly checksum: number;
}

const TWO_28 = 268435456;

export function readRecordStream(columns: readonly OdpsColumn[], data: Uint8Array): RecordStreamContent {
  const cols = columns.map(columnCodecOf);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const end = buf.length;
  const rows: OdpsValue[][] = [];
  let pos = 0;
  let blockCrc = CRC_INIT;
  let crc = CRC_INIT;
  let row: OdpsValue[] = new Array<OdpsValue>(cols.length).fill(null);
  let lastField = 0;
  const fail: (why: string) => never = (why) => {
    throw new RecordStreamFormatError(why, pos, rows.length);
  };

  // Varint readers: a value below 2^53 in `num`, else in `big`; `pos` moves past it.
  let num = 0;
  let big: bigint | null = null;
  const varint = (): void => {
    let lo = 0;
    let shift = 0;
    let b: number;
    // The first four bytes into `lo` (28 bits), the rest into `hi`.
    do {
      if (pos >= end) fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 28);
    lo >>>= 0;
    if (!(b & 0x80)) {
      num = lo;
      big = null;
      return;
    }
    let hi = 0;
    let mul = 1;
    let bytes = 4;
    do {
      if (pos >= end) fail('truncated varint');
      if (++bytes > 10) fail('varint longer than 10 bytes');
      b = buf[pos++]!;
      hi += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    if (hi < 2 ** 25) {
      num = hi * TWO_28 + lo;
      big = null;
    } else {
      big = BigInt.asUintN(64, (BigInt(hi) << 28n) | BigInt(lo));
    }
  };
  /** A zigzag int64 (a number when safe), fed to the CRC as 8 LE bytes. */
  const sint64 = (): number | bigint => {
    varint();
    if (big === null) {
      const n = num % 2 === 0 ? num / 2 : -(num + 1) / 2;
      crc = crcInt64(crc, n);
      return n;
    }
    const v = unzigzagBigint(big);
    crc = crcInt64Bigint(crc, v);
    return v;
  };
  const uint32 = (): number => {
    varint();
    if (big !== null || num > 0xffffffff) fail('uint32 out of range');
    return num;
  };
  const length = (): number => {
    const n = uint32();
    if (pos + n > end) fail(`length ${n} runs past the end`);
    return n;
  };

  while (true) {
    if (pos >= end) fail('the stream ends without its count and checksum trailer');
    const tag = uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === FIELD_END_RECORD && wire === WIRE_VARINT) {
      const stored = uint32();
      const computed = crcValue(crc);
      if (stored !== computed) fail(`record CRC 0x${stored.toString(16)} != computed 0x${computed.toString(16)}`);
      blockCrc = crcWord(blockCrc, computed | 0);
      rows.push(row);
      row = new Array<OdpsValue>(cols.length).fill(null);
      crc = CRC_INIT;
      lastField = 0;
      continue;
    }
    if (field === FIELD_META_COUNT && wire === WIRE_VARINT) {
      if (lastField !== 0) fail('the trailer starts inside a record (no end-of-record tag)');
      const count = sint64();
      if (count !== rows.length) fail(`the trailer counts ${count} records, the stream holds ${rows.length}`);
      if (uint32() !== FIELD_META_CHECKSUM * 8) fail('the record count is not followed by the checksum');
      const stored = uint32();
      const computed = crcValue(blockCrc);
      if (stored !== computed) fail(`block checksum 0x${stored.toString(16)} != computed 0x${computed.toString(16)}`);
      if (pos !== end) fail(`${end - pos} bytes after the trailer`);
      return { rows, checksum: computed };
    }
    const c: ColumnCodec | undefined = cols[field - 1];
    if (!c) fail(`field ${field} is beyond the schema's ${cols.length} columns`);
    if (field <= lastField) fail(`field ${field} after field ${lastField} (fields go in column order, once)`);
    if ((c.tag & 7) !== wire) fail(`field ${field} (${c.name}, ${c.type}) has wire type ${wire}, expected ${c.tag & 7}`);
    lastField = field;
    crc = crcWord(crc, field);
    let value: OdpsValue;
    switch (c.kind) {
      case Kind.BIGINT:
      case Kind.INT:
        value = BigInt(sint64());
        break;
      case Kind.DATETIME:
      case Kind.DATE: {
        const v = sint64();
        if (typeof v === 'bigint') fail(`field ${field} (${c.name}, ${c.type}) beyond the safe-integer range`);
        value = v as number;
        break;
      }
      case Kind.BOOLEAN: {
        const v = uint32();
        if (v > 1) fail(`field ${field} (${c.name}, BOOLEAN) is ${v}, not 0 or 1`);
        crc = crcByte(crc, v);
        value = v === 1;
        break;
      }
      case Kind.DOUBLE:
        if (pos + 8 > end) fail('truncated DOUBLE');
        value = buf.readDoubleLE(pos);
        crc = crcBytes(crc, buf, pos, pos + 8);
        pos += 8;
        break;
      case Kind.FLOAT:
        if (pos + 4 > end) fail('truncated FLOAT');
        value = buf.readFloatLE(pos);
        crc = crcBytes(crc, buf, pos, pos + 4);
        pos += 4;
        break;
      case Kind.TEXT:
      case Kind.DECIMAL:
      case Kind.BINARY: {
        const n = length();
        crc = crcBytes(crc, buf, pos, pos + n);
        value = c.kind === Kind.BINARY ? new Uint8Array(buf.subarray(pos, pos + n)) : buf.toString('utf8', pos, pos + n);
        pos += n;
        break;
      }
      case Kind.TIMESTAMP: {
        const seconds = BigInt(sint64());
        const z = uint32();
        const nanos = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        if (nanos < 0 || nanos > 999_999_999) fail(`field ${field} (${c.name}, ${c.type}) has nanos ${nanos}`);
        crc = crcWord(crc, nanos);
        value = { seconds, nanos };
        break;
      }
    }
    row[field - 1] = value;
  }
}
