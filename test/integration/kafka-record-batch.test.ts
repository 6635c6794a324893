/**
 * What the sink's RecordBatch writer produces, read by a third party: the Java consumer of the
 * stack's Kafka jars (its own codecs, CRC checks on) reads every topic back. For each codec (acks
 * all, idempotent) and for acks leader and none: 2,000 records over three partitions by primary
 * key, 300 per produce request, each partition holds exactly its records' Canal JSON, in record
 * order, at offsets 0, 1, 2 …; DumpLogSegments shows partition 0's batches stored with the codec,
 * valid, and as many as there were produce requests with records for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../shared/encode/canal-json/index.ts';
import { silentLogger } from '../../shared/log.ts';
import type { ChangeRecord, RowRecord } from '../../shared/record/index.ts';
import { kafkaDestinationSchema } from '../../shared/sink/kafka/config.ts';
import { createKafkaSink } from '../../shared/sink/kafka/index.ts';
import { keyPartitionRef } from '../helpers/java-hash.ts';
import { javaReadTopics, storedBatches, type JavaMessage, type StoredBatch } from '../helpers/java-kafka.ts';
import { makeBatch } from '../helpers/queue-batches.ts';
import { createTopic, stack, uniqueName } from '../helpers/stack.ts';

const PARTITIONS = 3;
const PER_REQUEST = 300;
const NOW = 1_767_400_000_000;
const records: ChangeRecord[] = [1, 2, 3, 4].flatMap((i) => makeBatch(i, 500).records);
/** Record ids of each partition by the primary-key policy, from the reference hash (java-hash.ts). */
const idsByPartition = Array.from({ length: PARTITIONS }, (_, p) => records.filter((r) => keyPartitionRef('shop', [String((r as RowRecord).after![0])], PARTITIONS) === p).map((r) => r.id));

const runs = [
  { codec: 'lz4', acks: 'all' },
  { codec: 'gzip', acks: 'all' },
  { codec: 'snappy', acks: 'all' },
  { codec: 'none', acks: 'all' },
  { codec: 'lz4', acks: 'leader' },
  { codec: 'snappy', acks: 'none' },
] as const;

const topicOf = runs.map(({ codec, acks }) => uniqueName(`record_batch_${codec}_${acks}`));

async function produce(topic: string, codec: string, acks: string): Promise<unknown> {
  await createTopic(topic, PARTITIONS);
  const config = kafkaDestinationSchema.parse({
    type: 'kafka',
    name: 'kafka',
    brokers: [stack.kafkaBroker],
    topic,
    createTopics: false,
    format: 'canal-json',
    compression: codec,
    acks,
    partitionPolicy: 'primary-key',
    maxBatchRecords: PER_REQUEST,
  });
  const sink = createKafkaSink({ ...config, sasl: undefined, schemaRegistry: undefined }, { log: silentLogger, now: () => NOW });
  try {
    // The call leaves its last request in flight; the flush collects it, as runDelivery's end does.
    const ack = await sink.deliver(records);
    return ack.failure ? ack : await sink.deliver([], { flush: true });
  } finally {
    await sink.close();
  }
}

describe('RecordBatch writer: the Java consumer reads what the sink produced', () => {
  // One JVM reads all topics (and one dumps their logs): a JVM per run would take minutes.
  let acknowledgements: unknown[];
  let read: Record<string, JavaMessage[]>;
  let stored: Record<string, StoredBatch[]>;
  beforeAll(async () => {
    acknowledgements = [];
    for (const [i, { codec, acks }] of runs.entries()) acknowledgements.push(await produce(topicOf[i]!, codec, acks));
    read = await javaReadTopics(Object.fromEntries(topicOf.map((t) => [t, records.length])));
    stored = await storedBatches(topicOf);
  }, 180_000);

  for (const [i, { codec, acks }] of runs.entries()) {
    it(`${codec}, acks ${acks}: every record, in order, at consecutive offsets`, () => {
      const topic = topicOf[i]!;
      expect(acknowledgements[i]).toEqual({ acknowledgedThrough: records.at(-1)!.id });
      const messages = read[topic]!;
      expect(messages.length).toBe(records.length);
      expect(idsByPartition.map((ids) => ids.length)).toEqual([672, 667, 661]);
      const byPartition = Array.from({ length: PARTITIONS }, (_, p) => messages.filter((m) => m.partition === p));
      const expectedByPartition = Array.from({ length: PARTITIONS }, () => [] as { id: number; value: string }[]);
      const requestsWith = new Set<number>();
      for (const m of byPartition.flat()) {
        const id = (JSON.parse(m.value) as { id: number }).id;
        expectedByPartition[m.partition]!.push({ id, value: encodeCanalJson(records[id - 1]!, { nowMs: NOW }).toString('utf8') });
        if (m.partition === 0) requestsWith.add(Math.floor((id - 1) / PER_REQUEST));
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const got = byPartition[p]!;
        const ids = expectedByPartition[p]!.map((e) => e.id);
        // Exactly the partition's records by their primary key, in record order.
        expect(ids).toEqual(idsByPartition[p]);
        expect(got.map((m) => m.offset)).toEqual(got.map((_, n) => n));
        expect(got.map((m) => m.value)).toEqual(expectedByPartition[p]!.map((e) => e.value));
      }
      // Every record arrived once: the partitions' ids together are exactly 1..2000.
      expect(
        expectedByPartition
          .flat()
          .map((e) => e.id)
          .sort((a, b) => a - b),
      ).toEqual(records.map((r) => r.id));

      const batches = stored[topic]!;
      expect(batches.map((b) => b.codec)).toEqual(batches.map(() => codec));
      expect(batches.every((b) => b.valid)).toBe(true);
      expect(batches.length).toBe(requestsWith.size);
      expect(batches.reduce((n, b) => n + b.count, 0)).toBe(byPartition[0]!.length);
    });
  }
});
