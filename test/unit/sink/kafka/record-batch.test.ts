/**
 * The RecordBatch v2 writer against kafkajs 2.2.4's own encoder (protocol/recordBatch/v0 and
 * record/v0, given the same codecs): the same bytes for every codec, for keys, null values,
 * headers (repeated, null, non-ASCII), timestamps, sizes that cross varint widths; kafkajs's
 * decoder reads the records back. Varints are checked against kafkajs's Encoder at every width edge.
 */
import { createRequire } from 'node:module';
import { crc32c } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { registerCodecs, type KafkajsCodecRegistry } from '../../../../shared/sink/kafka/codecs.ts';
import { encodeRecordBatch, sizeOfVarInt, sizeOfVarLong, writeVarInt, writeVarLong, type BatchHeader, type BatchRecord } from '../../../../shared/sink/kafka/record-batch.ts';
import type { RecordsCodec } from '../../../../shared/sink/kafka/records-codec.ts';

const require = createRequire(import.meta.url);
registerCodecs(require('kafkajs') as KafkajsCodecRegistry);

interface KafkajsEncoder {
  buffer: Buffer;
  writeVarInt(v: number): KafkajsEncoder;
  writeVarLong(v: number): KafkajsEncoder;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as { new (): KafkajsEncoder; sizeOfVarInt(v: number): number; sizeOfVarLong(v: number): number };
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: bigint | number): unknown };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch(args: Record<string, unknown>): Promise<KafkajsEncoder> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => KafkajsEncoder;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<{
  records: { key: Buffer | null; value: Buffer | null; offset: string; timestamp: string; headers: Record<string, Buffer | Buffer[]> }[];
  producerId: string;
  firstSequence: number;
  lastOffsetDelta: number;
}>;

const KAFKAJS_CODEC: Record<RecordsCodec, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3 };

/** kafkajs's own batch for the same records (what its produce request v3 builds). */
async function kafkajsBatch(records: readonly BatchRecord[], header: BatchHeader): Promise<Buffer> {
  const fallback = header.defaultTimestamp ?? header.firstTimestamp;
  const encoded = records.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: (Number(m.timestamp) || fallback) - header.firstTimestamp }));
  const batch = await RecordBatch({
    compression: KAFKAJS_CODEC[header.codec],
    records: encoded,
    firstTimestamp: header.firstTimestamp,
    maxTimestamp: header.maxTimestamp,
    producerId: Long.fromValue(header.producerId),
    producerEpoch: header.producerEpoch,
    firstSequence: header.baseSequence,
    transactional: header.transactional ?? false,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}

function text(length: number, seed: number): string {
  const alphabet = 'abcdefghij{"}:,ç😀0123456789';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[(i * 7 + seed) % alphabet.length];
  return s;
}

const T0 = 1_764_800_000_000;
const cases: [string, BatchRecord[], Partial<BatchHeader>][] = [
  ['one value, no key', [{ value: Buffer.from('{"id":1}') }], {}],
  ['null value and string key', [{ key: 'k-1', value: null }], {}],
  ['buffer key, empty value', [{ key: Buffer.from([0, 1, 2]), value: Buffer.alloc(0) }], {}],
  ['headers: repeated, non-ASCII', [{ value: 'v', headers: { a: 'x', 'ç😀': Buffer.from('ü'), rep: ['1', Buffer.from('2'), '3'] } }], {}],
  ['values across varint widths', [63, 64, 127, 128, 8191, 8192, 16_384, 1_048_576, 2_097_152].map((n, i) => ({ value: Buffer.from(text(n, i)) })), {}],
  [
    'timestamps: some set, some not',
    [{ value: 'a', timestamp: T0 + 5 }, { value: 'b' }, { value: 'c', timestamp: String(T0 + 10) }],
    { firstTimestamp: T0, maxTimestamp: T0 + 10, defaultTimestamp: T0 + 7 },
  ],
  ['2,000 rows of JSON', Array.from({ length: 2000 }, (_, i) => ({ value: Buffer.from(`{"data":[{"id":"${i}","name":"${text(i % 300, i)}"}],"type":"INSERT"}`) })), {}],
  ['idempotent, transactional, large sequence', [{ value: 'x' }, { value: 'y' }], { producerId: 123_456_789_012n, producerEpoch: 7, baseSequence: 2_147_483_000, transactional: true }],
];

describe('RecordBatch v2 writer: the same bytes as kafkajs', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4'] as const) {
    for (const [name, records, overrides] of cases) {
      it(`${codec}: ${name}`, async () => {
        const header: BatchHeader = { codec, firstTimestamp: T0, maxTimestamp: T0, producerId: -1n, producerEpoch: 0, baseSequence: 0, ...overrides };
        const ours = await encodeRecordBatch(records, header);
        const theirs = await kafkajsBatch(records, header);
        expect(ours.length).toBe(theirs.length);
        expect(ours.equals(theirs)).toBe(true);
        expect(ours.readUInt32BE(17)).toBe(crc32c(ours.subarray(21)) >>> 0);
        const decoded = await decodeBatch(new Decoder(ours));
        expect(decoded.lastOffsetDelta).toBe(records.length - 1);
        expect(decoded.producerId).toBe(String(header.producerId));
        expect(decoded.firstSequence).toBe(header.baseSequence);
        expect(decoded.records.map((r) => r.offset)).toEqual(records.map((_, i) => String(i)));
        expect(decoded.records.map((r) => r.value?.toString() ?? null)).toEqual(records.map((r) => (r.value == null ? null : r.value.toString())));
        expect(decoded.records.map((r) => r.key?.toString() ?? null)).toEqual(records.map((r) => (r.key == null ? null : r.key.toString())));
      });
    }
  }

  // kafkajs cannot encode a null header value (Kafka allows one): decoded only.
  it('headers decode to what was written, in order, a null value too', async () => {
    const [record] = (
      await decodeBatch(
        new Decoder(
          await encodeRecordBatch([{ value: 'v', headers: { a: 'x', rep: ['1', '2'], none: null } }], {
            codec: 'lz4',
            firstTimestamp: T0,
            maxTimestamp: T0,
            producerId: -1n,
            producerEpoch: 0,
            baseSequence: 0,
          }),
        ),
      )
    ).records;
    expect(Object.keys(record!.headers)).toEqual(['a', 'rep', 'none']);
    expect(record!.headers.none).toBeNull();
    expect(record!.headers.a!.toString()).toBe('x');
    expect((record!.headers.rep as Buffer[]).map(String)).toEqual(['1', '2']);
  });
});

describe('varints', () => {
  const ints = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193, 1_048_575, 1_048_576, 134_217_727, 134_217_728, 2_147_483_647, -2_147_483_648];
  it.each(ints)('varint %d: kafkajs bytes and size', (v) => {
    const buf = Buffer.alloc(10);
    const end = writeVarInt(buf, 0, v);
    expect(buf.subarray(0, end)).toEqual(new Encoder().writeVarInt(v).buffer);
    expect(sizeOfVarInt(v)).toBe(end);
    expect(sizeOfVarInt(v)).toBe(Encoder.sizeOfVarInt(v));
  });
  const longs = [...ints, 2_147_483_648, -2_147_483_649, 2 ** 35, -(2 ** 35), 2 ** 49 - 1, 2 ** 49, 2 ** 52, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  it.each(longs)('varlong %d: kafkajs bytes and size', (v) => {
    const buf = Buffer.alloc(10);
    const end = writeVarLong(buf, 0, v);
    expect(buf.subarray(0, end)).toEqual(new Encoder().writeVarLong(v).buffer);
    expect(sizeOfVarLong(v)).toBe(end);
  });
});
