/**
 * The Kafka sink (shared/sink/kafka/index.ts) over a fake kafkajs client (test/helpers/fake-kafka.ts):
 * what it asks the admin and the producer for, and what it makes of their answers. Topics are
 * checked and created before the first write; records leave in order, maxBatchRecords per produce
 * request, one request at a time, each message the record's Canal JSON on the topic and partition
 * the task's routing names (among the partitions the cluster reports); `deliver` acknowledges a
 * record only once the request holding it was acknowledged, so a queue cursor never passes an
 * unsent record, and returns with its last request in flight (`inFlight`), collected by the next
 * call; kafkajs failures come back as the sink errors that decide retry or stop.
 * The wire side (what the broker stores, read by a Java consumer) is test/integration's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import { DtsError, ErrorCodes } from '../../../../shared/errors.ts';
import { silentLogger } from '../../../../shared/log.ts';
import { classifyFailure, runDelivery } from '../../../../shared/ops/index.ts';
import { createFileQueue } from '../../../../shared/queue/file/index.ts';
import type { Queue } from '../../../../shared/queue/index.ts';
import type { ChangeRecord, DdlKind, RowRecord } from '../../../../shared/record/index.ts';
import { RecordTooLargeError, SinkConnectionError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import { kafkaDestinationSchema } from '../../../../shared/sink/kafka/config.ts';
import { createKafkaSink, type ResolvedKafkaConfig } from '../../../../shared/sink/kafka/index.ts';
import { TopicPrecheckError } from '../../../../shared/sink/kafka/topics.ts';
import type { Sink } from '../../../../shared/sink/types.ts';
import { fakeKafka, type FakeKafka } from '../../../helpers/fake-kafka.ts';
import { keyPartitionRef, tablePartitionRef } from '../../../helpers/java-hash.ts';
import { makeBatch } from '../../../helpers/queue-batches.ts';
import { column, ddl, row, table } from '../../encode/canal-json/build.ts';

const NOW = 1_767_400_000_000;
const BROKER = '127.0.0.1:9092';
const ORDERS = table([column('id', 'int(11)', { key: true }), column('note', 'varchar(4000)')], { database: 'shop', table: 'orders' });
const USERS = table([column('id', 'int(11)', { key: true }), column('note', 'varchar(4000)')], { database: 'shop', table: 'users' });

const insert = (schema: typeof ORDERS, id: number, note = `row ${id}`): RowRecord => row('INSERT', schema, { after: [id, note] }, { id });
const ddlRecord = (id: number, kind: DdlKind, sql: string, where: { database: string; table: string }): ChangeRecord => ({ ...ddl(kind, sql, where), id });
/** Rows 1..n, odd ids in shop.orders and even ids in shop.users. */
const rows = (n: number) => Array.from({ length: n }, (_, i) => insert(i % 2 === 0 ? ORDERS : USERS, i + 1));

function config(extra: Record<string, unknown> = {}): ResolvedKafkaConfig {
  const parsed = kafkaDestinationSchema.parse({ type: 'kafka', brokers: [BROKER], topic: 'main', ...extra });
  return { ...parsed, sasl: undefined, schemaRegistry: undefined };
}

const value = (record: ChangeRecord) => encodeCanalJson(record, { nowMs: NOW });
/** Every message sent, as [topic, partition, value] in the order the requests held them. */
const messagesOf = (fake: FakeKafka) => fake.sent.flatMap((r) => r.topicMessages.flatMap((t) => t.messages.map((m) => [t.topic, m.partition, m.value])));
const idsOf = (fake: FakeKafka) => messagesOf(fake).map(([, , v]) => (JSON.parse(String(v)) as { id: number }).id);
const later = () => new Promise<void>((r) => setTimeout(r, 5));
/** One call, then the idle tick that collects the request it left in flight (as runDelivery does). */
async function deliverAll(sink: Sink, records: readonly ChangeRecord[]) {
  const ack = await sink.deliver(records);
  return ack.failure ? ack : sink.deliver([]);
}

describe('Kafka sink with a fake producer', () => {
  const sinks: Sink[] = [];
  const newSink = (fake: FakeKafka, extra: Record<string, unknown> = {}) => {
    const sink = createKafkaSink(config(extra), { log: silentLogger, now: () => NOW, kafka: fake.client });
    sinks.push(sink);
    return sink;
  };
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close();
  });

  describe('connect', () => {
    it('creates the missing topics with the configured partitions, then connects one idempotent producer (acks all) with one request in flight', async () => {
      const fake = fakeKafka({ main: 5 });
      const sink = newSink(fake, { partitions: 3, ddlTopic: 'ddl' });
      await sink.connect();
      await sink.connect();
      expect(fake.created).toEqual([{ topic: 'ddl', numPartitions: 3 }]);
      expect(Object.fromEntries(fake.cluster)).toEqual({ main: 5, ddl: 3 });
      expect(fake.producerConfigs).toEqual([{ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: expect.any(Function) }]);
      // every message names its partition, and the producer's partitioner takes it as named
      const partitioner = (fake.producerConfigs[0] as { createPartitioner: () => (args: { message: { partition: number } }) => number }).createPartitioner();
      expect([2, 0, 1].map((partition) => partitioner({ message: { partition } }))).toEqual([2, 0, 1]);
      expect(fake.events).toEqual(['admin connect', 'producer 0 connect', 'admin disconnect']);
    });

    it('with acks leader the producer is not idempotent and kafkajs picks the requests in flight', async () => {
      const fake = fakeKafka({ main: 1 });
      await newSink(fake, { acks: 'leader' }).connect();
      expect(fake.producerConfigs).toEqual([{ idempotent: false, maxInFlightRequests: undefined, allowAutoTopicCreation: false, createPartitioner: expect.any(Function) }]);
    });

    it('a missing topic with createTopics: false fails with TopicPrecheckError, and neither client stays connected', async () => {
      const fake = fakeKafka({});
      const err = await newSink(fake, { createTopics: false })
        .connect()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TopicPrecheckError);
      expect(err).toMatchObject({ code: ErrorCodes.KAFKA_TOPIC, retriable: false, context: { topic: 'main' } });
      expect(fake.created).toEqual([]);
      expect(fake.events).toEqual(['admin connect', 'producer 0 disconnect', 'admin disconnect']);
    });

    it('an empty call sends nothing and does not connect; close without connect does nothing, close after it disconnects once', async () => {
      const fake = fakeKafka({ main: 1 });
      const sink = newSink(fake);
      expect(await sink.deliver([])).toEqual({ acknowledgedThrough: 0 });
      await sink.close();
      expect(fake.events).toEqual([]);
      expect(await sink.deliver(rows(2))).toEqual({ acknowledgedThrough: 0 }); // its one request still in flight
      expect(await sink.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 2 });
      await sink.close();
      await sink.close();
      expect(fake.events).toEqual(['admin connect', 'producer 0 connect', 'admin disconnect', 'producer 0 send', 'producer 0 disconnect']);
    });
  });

  describe('produce requests', () => {
    it('maxBatchRecords records per request, one request at a time, in record order, with the configured acks, timeout and compression', async () => {
      const fake = fakeKafka({ main: 1 });
      fake.answer = later;
      const records = rows(7);
      const sink = newSink(fake, { maxBatchRecords: 3, requestTimeoutMs: 12_000 });
      // The call returns with its last request in flight; inFlight() resolves once it is answered.
      expect(await sink.deliver(records)).toEqual({ acknowledgedThrough: 6 });
      await sink.inFlight!();
      expect(await sink.deliver([])).toEqual({ acknowledgedThrough: 7 });
      expect(sink.inFlight!()).toBeNull();

      expect(fake.sent.map((r) => r.topicMessages.map((t) => [t.topic, t.messages.length]))).toEqual([[['main', 3]], [['main', 3]], [['main', 1]]]);
      expect(messagesOf(fake)).toEqual(records.map((r) => ['main', 0, value(r)]));
      expect(fake.sent.map(({ acks, timeout, compression }) => ({ acks, timeout, compression }))).toEqual(Array(3).fill({ acks: -1, timeout: 12_000, compression: CompressionTypes.LZ4 }));
      expect(fake.inFlight.most).toBe(1);
    });

    it.each([
      ['leader', 'gzip', 1, CompressionTypes.GZIP],
      ['none', 'snappy', 0, CompressionTypes.Snappy],
      ['all', 'none', -1, CompressionTypes.None],
    ] as const)('acks %s and compression %s go on the request as %i and %i', async (acks, compression, wantAcks, wantCompression) => {
      const fake = fakeKafka({ main: 1 });
      await deliverAll(newSink(fake, { acks, compression }), rows(1));
      expect(fake.sent).toMatchObject([{ acks: wantAcks, compression: wantCompression }]);
    });

    // The cluster's main topic has 5 partitions (the task says 1: an existing topic keeps its count).
    it.each([
      ['partition-zero', () => 0],
      ['database-table', (r: RowRecord) => tablePartitionRef(r.schema.database, r.schema.table, 5)],
      ['primary-key', (r: RowRecord) => keyPartitionRef(r.schema.database, [String(r.after![0])], 5)],
    ] as const)('%s: each message on its partition, every partition in record order', async (partitionPolicy, partitionOf) => {
      const fake = fakeKafka({ main: 5 });
      const records = rows(20);
      await newSink(fake, { partitionPolicy }).deliver(records);
      const want = records.map((r) => ['main', partitionOf(r), value(r)]);
      expect(messagesOf(fake)).toEqual(want);
      expect(new Set(want.map(([, p]) => p)).size).toBe({ 'partition-zero': 1, 'database-table': 2, 'primary-key': 5 }[partitionPolicy]);
    });

    it('DDL goes to the DDL topic in the same request, hashed by its table; rows stay on the task topic', async () => {
      const fake = fakeKafka({ main: 4, ddl: 3 });
      const alter = ddlRecord(2, 'ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' });
      const alterDatabase = ddlRecord(4, 'ALTER_DATABASE', 'ALTER DATABASE shop CHARACTER SET utf8mb4', { database: 'shop', table: '' });
      const records = [insert(ORDERS, 1), alter, insert(USERS, 3), alterDatabase, insert(ORDERS, 5)];
      expect(await deliverAll(newSink(fake, { ddlTopic: 'ddl', partitionPolicy: 'database-table' }), records)).toEqual({ acknowledgedThrough: 5 });

      const orders = tablePartitionRef('shop', 'orders', 4);
      expect(fake.sent).toHaveLength(1);
      expect(fake.sent[0]!.topicMessages).toEqual([
        {
          topic: 'main',
          messages: [
            { partition: orders, value: value(records[0]!) },
            { partition: tablePartitionRef('shop', 'users', 4), value: value(records[2]!) },
            { partition: orders, value: value(records[4]!) },
          ],
        },
        {
          topic: 'ddl',
          messages: [
            { partition: tablePartitionRef('shop', 'orders', 3), value: value(alter) },
            { partition: 0, value: value(alterDatabase) },
          ],
        },
      ]);
    });

    it('without a DDL topic, DDL stays on the task topic, between the rows it came between', async () => {
      const fake = fakeKafka({ main: 1 });
      const records = [insert(ORDERS, 1), ddlRecord(2, 'ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' }), insert(ORDERS, 3)];
      await newSink(fake).deliver(records);
      expect(messagesOf(fake)).toEqual(records.map((r) => ['main', 0, value(r)]));
    });
  });

  describe('acknowledgement', () => {
    /** A file queue holding batches 1-3 (ids 1-9) and a fake cluster whose first produce request waits for `release()`. */
    async function withFirstRequestHeld(run: (queue: Queue, fake: FakeKafka, release: () => void) => Promise<void>): Promise<void> {
      const dir = await mkdtemp(join(tmpdir(), 'dts-kafka-fake-'));
      const queue = await createFileQueue(dir, { consumers: ['kafka'] });
      try {
        for (let i = 1; i <= 3; i++) await queue.append(makeBatch(i, 3));
        const fake = fakeKafka({ main: 1 });
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        fake.answer = (_, n) => (n === 0 ? held : undefined);
        await run(queue, fake, release);
        expect(idsOf(fake)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      } finally {
        await queue.close();
        await rm(dir, { recursive: true, force: true });
      }
    }

    it("deliver resolves only once the request is acknowledged, and runDelivery's cursor waits for it", async () => {
      await withFirstRequestHeld(async (queue, fake, release) => {
        const running = runDelivery({ queue, sink: newSink(fake), signal: new AbortController().signal, log: silentLogger, idleExitMs: 100, readWaitMs: 20 });
        while (fake.sent.length === 0) await later();
        await new Promise((r) => setTimeout(r, 150));
        expect(await queue.cursor('kafka')).toBe(0);
        release();
        await running;
        expect(await queue.cursor('kafka')).toBe(3);
      });
    });

    it('runDelivery collects a request left in flight as soon as it is answered, not when its next read returns', async () => {
      const stop = new AbortController();
      await withFirstRequestHeld(async (queue, fake, release) => {
        // The next read waits up to 10 s for an append that never comes.
        const running = runDelivery({ queue, sink: newSink(fake), signal: stop.signal, log: silentLogger, readWaitMs: 10_000 });
        try {
          while (fake.sent.length === 0) await later();
          await new Promise((r) => setTimeout(r, 100));
          expect(await queue.cursor('kafka')).toBe(0);
          const releasedAt = Date.now();
          release();
          while ((await queue.cursor('kafka')) < 3 && Date.now() - releasedAt < 5_000) await later();
          expect(await queue.cursor('kafka')).toBe(3);
          expect(Date.now() - releasedAt).toBeLessThan(1_000);
        } finally {
          stop.abort();
          await running;
        }
      });
    });

    it('a failed request ends the call with the requests before it acknowledged; the next call starts a new producer', async () => {
      const fake = fakeKafka({ main: 1 });
      const lost = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: BROKER, code: 'ECONNREFUSED' });
      fake.answer = (_, n) => (n === 1 ? lost : undefined);
      const sink = newSink(fake, { maxBatchRecords: 2 });
      const records = rows(5);
      const first = await sink.deliver(records);

      expect(first.acknowledgedThrough).toBe(2);
      expect(first.failure).toBeInstanceOf(SinkConnectionError);
      expect(first.failure).toMatchObject({ code: ErrorCodes.SINK_CONNECTION, retriable: true, context: { topic: 'main', brokers: BROKER }, cause: lost });
      expect(idsOf(fake)).toEqual([1, 2, 3, 4]); // the third request was never sent
      expect(fake.events).toEqual(['admin connect', 'producer 0 connect', 'admin disconnect', 'producer 0 send', 'producer 0 send', 'producer 0 disconnect']);

      expect(await deliverAll(sink, records.slice(2))).toEqual({ acknowledgedThrough: 5 });
      expect(fake.sent.map((r) => r.producer)).toEqual([0, 0, 1, 1]);
      expect(idsOf(fake)).toEqual([1, 2, 3, 4, 3, 4, 5]);
    });

    it('with several requests in flight: up to that many on the wire, acknowledged in order, records in order', async () => {
      const fake = fakeKafka({ main: 1 });
      // Later requests answer first: acknowledgement still follows request order.
      fake.answer = (_, n) => new Promise<void>((r) => setTimeout(r, 30 - 5 * (n % 4)));
      const sink = createKafkaSink(config({ maxBatchRecords: 2 }), { log: silentLogger, now: () => NOW, kafka: fake.client, inFlightRequests: 3 });
      sinks.push(sink);
      const records = rows(11);
      const first = await sink.deliver(records);
      // Six requests; the call returns with the last three in flight, the first three acknowledged.
      expect(first).toEqual({ acknowledgedThrough: 6 });
      expect(fake.inFlight.most).toBe(3);
      expect(await sink.deliver([])).toEqual({ acknowledgedThrough: 11 });
      expect(idsOf(fake)).toEqual(records.map((r) => r.id));
      expect(fake.sent.map((r) => r.topicMessages[0]!.messages.length)).toEqual([2, 2, 2, 2, 2, 1]);
    });

    it('with several requests in flight, a failure waits for the requests behind it, acknowledges only those before it, and the next call starts a new producer', async () => {
      const fake = fakeKafka({ main: 1 });
      const lost = new KafkaJSConnectionError('Connection error: read ECONNRESET', { broker: BROKER, code: 'ECONNRESET' });
      let settledBehind = 0;
      fake.answer = (_, n) => {
        if (n === 1) return new Promise<Error>((r) => setTimeout(() => r(lost), 5));
        // The request behind the failed one takes longer: the call must still wait for it.
        if (n === 2) return new Promise<void>((r) => setTimeout(() => (settledBehind++, r()), 40));
        return undefined;
      };
      const sink = createKafkaSink(config({ maxBatchRecords: 2 }), { log: silentLogger, now: () => NOW, kafka: fake.client, inFlightRequests: 3 });
      sinks.push(sink);
      const records = rows(8);
      // Three requests on the wire and the call returns; the next call collects them.
      expect(await sink.deliver(records.slice(0, 6))).toEqual({ acknowledgedThrough: 0 });
      const first = await sink.deliver([]);
      expect(first.acknowledgedThrough).toBe(2);
      expect(first.failure).toBeInstanceOf(SinkConnectionError);
      expect(settledBehind).toBe(1);
      expect(fake.inFlight.now).toBe(0);
      expect(fake.events.at(-1)).toBe('producer 0 disconnect');
      expect(await deliverAll(sink, records.slice(2))).toEqual({ acknowledgedThrough: 8 });
      expect(fake.sent.filter((r) => r.producer === 0)).toHaveLength(3);
      expect(fake.sent.filter((r) => r.producer === 1).flatMap((r) => r.topicMessages[0]!.messages.map((m) => (JSON.parse(String(m.value)) as { id: number }).id))).toEqual([3, 4, 5, 6, 7, 8]);
    });

    const protocolError = (type: string, code: number, retriable: boolean) => new KafkaJSProtocolError({ type, code, retriable, message: `broker said ${type}` } as unknown as Error);
    const connectionLost = () => new KafkaJSConnectionError('Connection error: read ECONNRESET', { broker: BROKER, code: 'ECONNRESET' });
    const retriesExhausted = () => new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 5_000 });
    it.each([
      { name: 'a lost connection', error: connectionLost, errorClass: SinkConnectionError, kind: 'connection' },
      { name: 'a request timeout', error: () => new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'), errorClass: SinkConnectionError, kind: 'connection' },
      { name: 'kafkajs retries exhausted on a lost connection', error: retriesExhausted, errorClass: SinkConnectionError, kind: 'connection' },
      { name: 'a leader change', error: () => protocolError('NOT_LEADER_FOR_PARTITION', 6, true), errorClass: SinkWriteError, kind: 'other' },
      { name: 'an untyped error', error: () => new Error('socket hang up'), errorClass: SinkWriteError, kind: 'other' },
      { name: 'a message above the broker limit', error: () => protocolError('MESSAGE_TOO_LARGE', 10, false), errorClass: SinkWriteError, kind: 'fatal' },
      { name: 'a topic the user may not write', error: () => protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false), errorClass: SinkConnectionError, kind: 'fatal' },
      { name: 'refused credentials', error: () => Reflect.construct(KafkaJSSASLAuthenticationError, ['SASL PLAIN authentication failed']) as Error, errorClass: SinkConnectionError, kind: 'fatal' },
    ] as const)('$name: $errorClass.name, a failure of kind $kind', async ({ error, errorClass, kind }) => {
      const fake = fakeKafka({ main: 1 });
      const thrown = error();
      fake.answer = () => thrown;
      const sink = newSink(fake);
      // The call's only request is still in flight when it returns: the next call reports its failure.
      expect(await sink.deliver(rows(3))).toEqual({ acknowledgedThrough: 0 });
      const ack = await sink.deliver([]);
      expect(ack.acknowledgedThrough).toBe(0);
      expect(ack.failure).toBeInstanceOf(errorClass);
      const code = errorClass === SinkConnectionError ? ErrorCodes.SINK_CONNECTION : ErrorCodes.SINK_WRITE;
      expect(ack.failure).toMatchObject({ code, retriable: kind !== 'fatal', cause: thrown, context: { topic: 'main', brokers: BROKER } });
      expect(classifyFailure(ack.failure)).toBe(kind);
    });
  });

  describe('oversize records', () => {
    const big = (id: number) => insert(ORDERS, id, 'x'.repeat(1_500));

    it('fail: the records before it are sent and acknowledged, then RecordTooLargeError; nothing from it on is sent', async () => {
      const fake = fakeKafka({ main: 1 });
      const records = [...rows(2), big(3), insert(USERS, 4)];
      const ack = await newSink(fake, { maxRecordBytes: 1024 }).deliver(records);
      expect(ack.acknowledgedThrough).toBe(2);
      expect(ack.failure).toBeInstanceOf(RecordTooLargeError);
      expect(ack.failure).toMatchObject({ code: ErrorCodes.RECORD_TOO_LARGE, retriable: false, context: { sink: 'kafka', topic: 'main' } });
      expect((ack.failure as DtsError).message).toContain(`encodes to ${value(records[2]!).length} bytes, above the 1024-byte limit`);
      expect(idsOf(fake)).toEqual([1, 2]);
    });

    it('fail on the first record: nothing is sent', async () => {
      const fake = fakeKafka({ main: 1 });
      const ack = await newSink(fake, { maxRecordBytes: 1024 }).deliver([big(1), insert(USERS, 2)]);
      expect(ack.acknowledgedThrough).toBe(0);
      expect(ack.failure).toBeInstanceOf(RecordTooLargeError);
      expect(fake.sent).toEqual([]);
    });

    it('dead-letter: a descriptor goes to the dead-letter topic (created with one partition) in the same request, and the rest goes on', async () => {
      const fake = fakeKafka({ main: 1 });
      const records = [...rows(2), big(3), insert(USERS, 4)];
      const ack = await deliverAll(newSink(fake, { maxRecordBytes: 1024, oversize: 'dead-letter' }), records);
      expect(ack).toEqual({ acknowledgedThrough: 4 });
      expect(fake.created).toEqual([{ topic: 'main.dead-letter', numPartitions: 1 }]);
      expect(fake.sent).toHaveLength(1);
      const [main, deadLetter] = fake.sent[0]!.topicMessages;
      expect(main).toEqual({ topic: 'main', messages: [records[0]!, records[1]!, records[3]!].map((r) => ({ partition: 0, value: value(r) })) });
      expect(deadLetter!.topic).toBe('main.dead-letter');
      expect(deadLetter!.messages.map((m) => m.partition)).toEqual([0]);
      const bytes = value(records[2]!).length;
      // The descriptor names the row by its key values, for whoever repairs it.
      expect(JSON.parse(String(deadLetter!.messages[0]!.value))).toStrictEqual({
        id: 3,
        reason: `INSERT of shop.orders primary key (id=3) at mysql-bin.000001:4 row 0 encodes to ${bytes} bytes, above maxRecordBytes 1024`,
        bytes,
        database: 'shop',
        table: 'orders',
        primaryKey: 'id=3',
        position: 'mysql-bin.000001:4 row 0',
      });
    });
  });
});
