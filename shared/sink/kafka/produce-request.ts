/**
 * Produce Request v3 (v4-v7 have the same body), the request object kafkajs 2.2.4's broker sends
 * (`{ apiKey, apiVersion, apiName, expectResponse, encode }`), with each partition's RecordBatch
 * written by record-batch.ts instead of kafkajs's per-record encoders. kafkajs-tuning.ts puts it in
 * place of `protocol/requests/produce/v3/request.js` in the sink's private kafkajs copy, so
 * kafkajs keeps what no other Node library does as well: metadata and leader lookup,
 * connections with SASL/TLS, the idempotent producer id/epoch and per-partition sequences (taken
 * before a request, given back when it fails), retries, and response decoding.
 *
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING (int16 length, -1: null)
 *   acks => INT16, timeout => INT32
 *   topic_data => topic STRING [data]
 *     data => partition INT32, record_set RECORDS (int32 size, then the RecordBatch)
 */
import { takeTurn } from './pipelined-send.ts';
import { encodeRecordBatch, type BatchRecord } from './record-batch.ts';
import type { RecordsCodec } from './records-codec.ts';

/** kafkajs's `CompressionTypes` numbers (the batch attribute's codec bits). */
const CODEC_BY_TYPE: readonly RecordsCodec[] = ['none', 'gzip', 'snappy', 'lz4'];
const PRODUCE_API_KEY = 0;

/** What kafkajs's sendMessages hands the request (producer ids come as number, string or Long). */
export interface ProduceRequestArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  readonly producerId?: number | string | { toString(): string };
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly firstSequence?: number; readonly messages: readonly BatchRecord[] }[];
  }[];
}

/** kafkajs's Encoder, as far as the connection needs it: the request body is handed over whole. */
export interface EncoderLike {
  writeBuffer(value: Buffer): EncoderLike;
}

export interface ProduceRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly apiName: 'Produce';
  expectResponse(): boolean;
  encode(): Promise<EncoderLike>;
}

function codecOf(compression: number): RecordsCodec {
  const codec = CODEC_BY_TYPE[compression];
  // Only a programming error gets here: the sink's config allows no other codec.
  if (!codec) throw new RangeError(`compression type ${compression} is not supported by the RecordBatch writer (none, gzip, snappy, lz4)`);
  return codec;
}

/** The first and last create time of the records, as kafkajs takes them (now, when none has one). */
function timestampRange(messages: readonly BatchRecord[], now: number): [number, number] {
  let first = Infinity;
  let max = -Infinity;
  for (const m of messages) {
    if (m.timestamp == null) continue;
    const ts = Number(m.timestamp);
    if (ts < first) first = ts;
    if (ts > max) max = ts;
  }
  return first === Infinity ? [now, now] : [first, max];
}

function writeString(parts: Buffer[], value: string | null): void {
  if (value === null) {
    parts.push(Buffer.from([0xff, 0xff]));
    return;
  }
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.allocUnsafe(2);
  length.writeInt16BE(bytes.length);
  parts.push(length, bytes);
}

function int32(value: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeInt32BE(value);
  return buf;
}

/** Builds the request factory around the Encoder class of the kafkajs copy that sends it. */
export function createProduceRequestV3(Encoder: new () => EncoderLike) {
  return (args: ProduceRequestArgs): ProduceRequest => ({
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    async encode() {
      const codec = codecOf(args.compression ?? 0);
      const transactionalId = args.transactionalId ?? null;
      const producerId = BigInt(String(args.producerId ?? -1));
      const now = Date.now();
      const parts: Buffer[] = [];
      writeString(parts, transactionalId);
      const head = Buffer.allocUnsafe(6);
      head.writeInt16BE(args.acks, 0);
      head.writeInt32BE(args.timeout, 2);
      parts.push(head, int32(args.topicData.length));
      for (const { topic, partitions } of args.topicData) {
        writeString(parts, topic);
        parts.push(int32(partitions.length));
        for (const { partition, firstSequence, messages } of partitions) {
          const [firstTimestamp, maxTimestamp] = timestampRange(messages, now);
          const batch = await encodeRecordBatch(messages, {
            codec,
            firstTimestamp,
            maxTimestamp,
            defaultTimestamp: now,
            producerId,
            producerEpoch: args.producerEpoch ?? 0,
            baseSequence: firstSequence ?? 0,
            transactional: transactionalId !== null,
          });
          parts.push(int32(partition), int32(batch.length), batch);
        }
      }
      const body = Buffer.concat(parts);
      // Pipelined requests reach the connection in sequence order (pipelined-send.ts).
      await takeTurn(args.topicData);
      return new Encoder().writeBuffer(body);
    },
  });
}
