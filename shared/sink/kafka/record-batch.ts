/**
 * Kafka RecordBatch v2 (magic 2, KIP-98), written in one pass into one buffer sized up front: no
 * Buffer object per record, which is what kafkajs's own encoder spends its time and garbage on.
 *
 * RecordBatch =>
 *   baseOffset int64, batchLength int32 (bytes after this field), partitionLeaderEpoch int32,
 *   magic int8 (2), crc uint32 (CRC-32C of attributes .. end),
 *   attributes int16 (bits 0-2 codec, bit 4 transactional), lastOffsetDelta int32,
 *   firstTimestamp int64, maxTimestamp int64, producerId int64, producerEpoch int16,
 *   baseSequence int32, recordCount int32, records (compressed as one block when a codec is set)
 * Record =>
 *   length varint, attributes int8 (0), timestampDelta varlong, offsetDelta varint,
 *   key varint-length bytes (-1: null), value varint-length bytes (-1: null),
 *   headers varint count of (key varint-length string, value varint-length bytes)
 * Varints are zigzag-encoded, 7 bits a byte, low bits first.
 */
import { crc32c } from '@node-rs/crc32';
import { compressRecords, type RecordsCodec } from './records-codec.ts';

export type HeaderValue = Buffer | string | null | undefined;
export type RecordHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;

/** One record as a producer hands it over (kafkajs's Message shape, which the sink already builds). */
export interface BatchRecord {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: RecordHeaders;
  /** Create time in ms; records without one take the batch's `defaultTimestamp`. */
  readonly timestamp?: number | string;
}

export interface BatchHeader {
  readonly codec: RecordsCodec;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  /** Create time of records that carry none (kafkajs: the time the request was built). */
  readonly defaultTimestamp?: number;
  /** -1n when the producer is not idempotent (kafkajs then sends epoch 0 and sequence 0). */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional?: boolean;
  readonly baseOffset?: bigint;
  readonly partitionLeaderEpoch?: number;
}

const CODEC_BITS: Readonly<Record<RecordsCodec, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3 };
const TRANSACTIONAL_BIT = 0x10;
const MAGIC = 2;
/** Bytes of the batch header up to the records; the CRC covers the header from `attributes` on. */
export const BATCH_HEADER_BYTES = 61;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const LENGTH_OFFSET = 8;

export function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/** Bytes of a zigzag varint of a 32-bit integer. */
export function sizeOfVarInt(value: number): number {
  let v = zigzag32(value);
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Below this magnitude the zigzag of a double is exact (2|v| stays under 2^53). */
const EXACT_ZIGZAG = 2 ** 52;

function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function zigzag64Big(value: number): bigint {
  const v = BigInt(value);
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

/** Bytes of a zigzag varlong of a safe integer (timestamp deltas are). */
export function sizeOfVarLong(value: number): number {
  if (Math.abs(value) >= EXACT_ZIGZAG) return Math.ceil(Math.max(1, zigzag64Big(value).toString(2).length) / 7);
  let v = zigzag64(value);
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

export function writeVarInt(buf: Buffer, offset: number, value: number): number {
  let v = zigzag32(value);
  while (v >= 0x80) {
    buf[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[offset++] = v;
  return offset;
}

export function writeVarLong(buf: Buffer, offset: number, value: number): number {
  if (Math.abs(value) >= EXACT_ZIGZAG) {
    let big = zigzag64Big(value);
    while (big >= 0x80n) {
      buf[offset++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    buf[offset++] = Number(big);
    return offset;
  }
  let v = zigzag64(value);
  while (v >= 0x80) {
    buf[offset++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[offset++] = v;
  return offset;
}

function byteLength(data: Buffer | string | null | undefined): number {
  if (data == null) return -1;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

function sizeOfBytes(data: Buffer | string | null | undefined): number {
  const length = byteLength(data);
  return length < 0 ? 1 : sizeOfVarInt(length) + length;
}

function writeBytes(buf: Buffer, offset: number, data: Buffer | string | null | undefined): number {
  if (data == null) return writeVarInt(buf, offset, -1);
  if (typeof data === 'string') {
    const length = Buffer.byteLength(data);
    offset = writeVarInt(buf, offset, length);
    return offset + buf.write(data, offset, length, 'utf8');
  }
  offset = writeVarInt(buf, offset, data.length);
  data.copy(buf, offset);
  return offset + data.length;
}

/** Headers flattened in kafkajs's order: keys in object order, array values one header each. */
function headerPairs(headers: RecordHeaders | undefined): [string, HeaderValue][] {
  if (!headers) return [];
  const pairs: [string, HeaderValue][] = [];
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (Array.isArray(value)) for (const v of value as readonly HeaderValue[]) pairs.push([key, v]);
    else pairs.push([key, value as HeaderValue]);
  }
  return pairs;
}

function sizeOfHeaders(pairs: readonly [string, HeaderValue][]): number {
  let size = sizeOfVarInt(pairs.length);
  for (const [key, value] of pairs) size += sizeOfBytes(key) + sizeOfBytes(value);
  return size;
}

/** Body bytes (after the length varint) of each record, and the records section's total. */
function measure(records: readonly BatchRecord[], deltas: Float64Array): { bodies: Int32Array; total: number } {
  const bodies = new Int32Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const body = 1 + sizeOfVarLong(deltas[i]!) + sizeOfVarInt(i) + sizeOfBytes(record.key) + sizeOfBytes(record.value) + (record.headers ? sizeOfHeaders(headerPairs(record.headers)) : 1);
    bodies[i] = body;
    total += sizeOfVarInt(body) + body;
  }
  return { bodies, total };
}

function writeRecords(buf: Buffer, offset: number, records: readonly BatchRecord[], deltas: Float64Array, bodies: Int32Array): number {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    offset = writeVarInt(buf, offset, bodies[i]!);
    buf[offset++] = 0; // record attributes: none defined
    offset = writeVarLong(buf, offset, deltas[i]!);
    offset = writeVarInt(buf, offset, i);
    offset = writeBytes(buf, offset, record.key);
    offset = writeBytes(buf, offset, record.value);
    if (!record.headers) {
      buf[offset++] = 0; // zero headers
      continue;
    }
    const pairs = headerPairs(record.headers);
    offset = writeVarInt(buf, offset, pairs.length);
    for (const [key, value] of pairs) {
      offset = writeBytes(buf, offset, key);
      offset = writeBytes(buf, offset, value);
    }
  }
  return offset;
}

function writeHeader(buf: Buffer, header: BatchHeader, count: number): void {
  buf.writeBigInt64BE(header.baseOffset ?? 0n, 0);
  buf.writeInt32BE(buf.length - 12, LENGTH_OFFSET);
  buf.writeInt32BE(header.partitionLeaderEpoch ?? 0, 12);
  buf.writeInt8(MAGIC, 16);
  buf.writeInt16BE(CODEC_BITS[header.codec] | (header.transactional ? TRANSACTIONAL_BIT : 0), ATTRIBUTES_OFFSET);
  buf.writeInt32BE(count - 1, 23);
  buf.writeBigInt64BE(BigInt(header.firstTimestamp), 27);
  buf.writeBigInt64BE(BigInt(header.maxTimestamp), 35);
  buf.writeBigInt64BE(header.producerId, 43);
  buf.writeInt16BE(header.producerEpoch, 51);
  buf.writeInt32BE(header.baseSequence, 53);
  buf.writeInt32BE(count, 57);
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)) >>> 0, CRC_OFFSET);
}

/** The whole RecordBatch, ready to follow its partition's int32 size in a Produce request. */
export async function encodeRecordBatch(records: readonly BatchRecord[], header: BatchHeader): Promise<Buffer> {
  const fallback = header.defaultTimestamp ?? header.firstTimestamp;
  const deltas = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const ts = records[i]!.timestamp;
    deltas[i] = (ts == null || ts === '' || ts === 0 ? fallback : Number(ts)) - header.firstTimestamp;
  }
  const { bodies, total } = measure(records, deltas);
  if (header.codec === 'none') {
    const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + total);
    writeRecords(buf, BATCH_HEADER_BYTES, records, deltas, bodies);
    writeHeader(buf, header, records.length);
    return buf;
  }
  const plain = Buffer.allocUnsafe(total);
  writeRecords(plain, 0, records, deltas, bodies);
  const compressed = await compressRecords(header.codec, plain);
  const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length);
  compressed.copy(buf, BATCH_HEADER_BYTES);
  writeHeader(buf, header, records.length);
  return buf;
}
