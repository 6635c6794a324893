/**
 * The Kafka destination: encodes records in the task's format, routes each to its topic and
 * partition, and produces them in order. It writes through: `deliver` resolves once Kafka
 * acknowledged (per `acks`) each produce request, and reports the last record of the last
 * acknowledged request; a failed request or a record above the limit ends the call with that
 * prefix and the failure. Nothing is buffered, so `flush` has nothing to do.
 * With acks=all the producer is idempotent, so kafkajs's own retries never duplicate or reorder.
 */
import type { Admin, ICustomPartitioner, Kafka as KafkaClient, Message, Producer, TopicMessages } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeCanalJson } from '../../encode/canal-json/index.ts';
import { encodeDtsAvro } from '../../encode/dts-avro/index.ts';
import { DtsError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { ChangeRecord } from '../../record/index.ts';
import { describeRecord, RecordTooLargeError, SinkConnectionError } from '../errors.ts';
import type { Resolved } from '../destination-module.ts';
import type { Sink } from '../types.ts';
import { registerCodecs, type KafkajsCodecRegistry } from './codecs.ts';
import type { KafkaDestinationConfig } from './config.ts';
import { classifyKafkaError } from './errors.ts';
import { kafkajsTuned, tunedKafkajs } from './kafkajs-tuning.ts';
import { createRouter, type Router } from './route.ts';
import { createSchemaIds, registryEndpoint } from './schema-registry.ts';
import { ensureTopics } from './topics.ts';
import { defaults } from '../../task/defaults.ts';

const { Kafka, logLevel, CompressionTypes } = tunedKafkajs;
registerCodecs(tunedKafkajs);
// kafkajs resolves codecs lazily with require(), which finds whichever copy the module cache holds
// (an application's own, loaded before ours): that copy needs them too.
registerCodecs(createRequire(import.meta.url)('kafkajs') as KafkajsCodecRegistry);

/** The destination's config with its secrets resolved (runtime/compose.ts). */
export type ResolvedKafkaConfig = Resolved<KafkaDestinationConfig>;

export interface KafkaSinkDeps {
  readonly log: Logger;
  readonly now?: () => number;
  /** Written as DTS Avro's `task_name` tag (README "Record ids across tasks"). */
  readonly taskName?: string;
  /** The client that makes the admin and the producer; absent: kafkajs for the config. Unit tests pass a fake. */
  readonly kafka?: Pick<KafkaClient, 'admin' | 'producer'>;
  /**
   * Requests in flight for the idempotent producer. Default: IN_FLIGHT_REQUESTS with the sink's own
   * kafkajs copy (which keeps them in order, pipelined-send.ts), 1 with a client passed in
   * `kafka` (its kafkajs would retry a failed request behind later ones).
   */
  readonly inFlightRequests?: number;
}

const ACKS = { none: 0, leader: 1, all: -1 } as const;
/**
 * Requests in flight for the idempotent producer (Kafka keeps order for up to 5). With one, the
 * delivery thread spent about 45% of a catch-up waiting for answers, about 20% with three; on the
 * 2-core bench machine, where both cores are busy anyway, that is worth 0-5% in rows/s (and ~15 MiB
 * for the request bodies held), more where the broker is a network round trip away.
 */
const IN_FLIGHT_REQUESTS = 3;
const COMPRESSION = { lz4: CompressionTypes.LZ4, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, none: CompressionTypes.None } as const;

const encoders = {
  'canal-json': () => encodeCanalJson,
  'dts-avro': (taskName?: string) => (record: ChangeRecord) => encodeDtsAvro(record, { sourceVersion: record.source.serverVersion ?? '', taskName }),
} satisfies Record<KafkaDestinationConfig['format'], (taskName?: string) => (record: ChangeRecord, options: { nowMs: number }) => Buffer>;

/** The partitioner of a producer whose messages all carry their partition. */
const namedPartition: ICustomPartitioner =
  () =>
  ({ message }) =>
    message.partition!;

function tlsOptions(ssl: ResolvedKafkaConfig['ssl']): boolean | { rejectUnauthorized: boolean; ca?: Buffer[] } {
  if (typeof ssl === 'boolean') return ssl;
  if (!ssl.caFile) return { rejectUnauthorized: ssl.rejectUnauthorized };
  try {
    return { rejectUnauthorized: ssl.rejectUnauthorized, ca: [readFileSync(ssl.caFile)] };
  } catch (err) {
    throw new SinkConnectionError(
      `cannot read the Kafka CA file ${ssl.caFile} (${(err as NodeJS.ErrnoException).code ?? String(err)}); fix ssl.caFile of the destination`,
      { path: ssl.caFile },
      err,
      false,
    );
  }
}

export function createKafkaSink(config: ResolvedKafkaConfig, deps: KafkaSinkDeps): Sink {
  const now = deps.now ?? Date.now;
  const encode = encoders[config.format](deps.taskName);
  const where = { brokers: config.brokers, topic: config.topic };
  const idempotent = config.acks === 'all';
  /** Produce requests in flight at once: several for the idempotent producer (pipelined-send.ts), else one, so kafkajs's retries keep order. */
  const depth = idempotent ? (deps.inFlightRequests ?? (kafkajsTuned && !deps.kafka ? IN_FLIGHT_REQUESTS : 1)) : 1;
  const deadLetterTopic = config.deadLetterTopic ?? `${config.topic}.dead-letter`;
  const kafka =
    deps.kafka ??
    new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: tlsOptions(config.ssl),
      sasl: config.sasl ? ({ mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password.reveal() } as never) : undefined,
      requestTimeout: config.requestTimeoutMs,
      connectionTimeout: defaults.kafkaConnectionTimeoutMs,
      // Our retry windows decide how long to keep trying; kafkajs only smooths over blips.
      retry: { ...defaults.kafkaClientRetry },
      logLevel: logLevel.NOTHING,
    });
  let producer: Producer | null = null;
  let router: Router | null = null;
  // DTS Avro values carry the Confluent framing when a registry is set (config allows it only then).
  const schemaIds = config.schemaRegistry ? createSchemaIds(config.schemaRegistry, config.name) : null;
  let deadLettered = 0;
  /** Id of the last record Kafka acknowledged (per `acks`): every record up to it was sent. */
  let acknowledgedThrough = 0;
  /**
   * Produce requests not answered yet, oldest first, at most `depth`. A call returns with its last
   * ones still in flight, so the next call encodes while the broker works; that call (or an idle
   * tick) collects them.
   */
  const sent: { p: Producer; sending: Promise<unknown>; lastId: number }[] = [];

  /** Waits for the oldest request in flight: its records are acknowledged, or its failure is returned. */
  async function answer(): Promise<Error | undefined> {
    const s = sent.shift();
    if (!s) return undefined;
    try {
      await s.sending;
    } catch (err) {
      // The requests behind it fail too or land after it: all settle before anything is sent again.
      const rest = sent.splice(0);
      await Promise.all(rest.map((r) => r.sending.catch(() => {})));
      // A failed producer may hold a broken connection or sequence state: start over cleanly.
      if (producer === s.p) producer = null;
      await s.p.disconnect().catch(() => {});
      return classifyKafkaError(err, where);
    }
    acknowledgedThrough = s.lastId;
    return undefined;
  }

  /** Waits for every request in flight, oldest first; the first failure is returned. */
  async function answerAll(): Promise<Error | undefined> {
    while (sent.length > 0) {
      const failure = await answer();
      if (failure) return failure;
    }
    return undefined;
  }

  async function prepare(): Promise<{ p: Producer; r: Router }> {
    if (producer && router) return { p: producer, r: router };
    const admin: Admin = kafka.admin();
    // Every message names its partition (route.ts): kafkajs's own partitioners would filter the
    // partition list once per message before looking at it.
    const p = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? depth : undefined, allowAutoTopicCreation: false, createPartitioner: namedPartition });
    try {
      await admin.connect();
      const wanted = createRouter(config, () => 1).topics;
      const topics = new Map(wanted);
      if (config.oversize === 'dead-letter') topics.set(deadLetterTopic, 1);
      const partitions = await ensureTopics(admin, topics, config.createTopics);
      router = createRouter(config, (topic) => partitions.get(topic) ?? 1);
      // The dead-letter topic carries JSON descriptors, not Avro: no subject for it.
      await schemaIds?.register(wanted.keys());
      await p.connect();
    } catch (err) {
      await p.disconnect().catch(() => {});
      throw err instanceof DtsError ? err : classifyKafkaError(err, where);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    deps.log.info('connected to Kafka', {
      brokers: config.brokers.join(','),
      topic: config.topic,
      acks: config.acks,
      compression: config.compression,
      partitionPolicy: config.partitionPolicy,
      schemaRegistry: config.schemaRegistry && registryEndpoint(config.schemaRegistry.url),
    });
    producer = p;
    return { p, r: router };
  }

  /**
   * Topic messages for one produce request, in record order within each partition. With
   * `oversize: fail` the chunk ends before a record above the limit, carried as `tooLarge`: what
   * precedes it is delivered, then the task stops there.
   */
  function encodeChunk(records: readonly ChangeRecord[], from: number, nowMs: number, r: Router): { topicMessages: TopicMessages[]; lastId: number; tooLarge?: RecordTooLargeError } {
    const to = Math.min(records.length, from + config.maxBatchRecords);
    const byTopic = new Map<string, Message[]>();
    let tooLarge: RecordTooLargeError | undefined;
    let lastId = acknowledgedThrough;
    for (let i = from; i < to; i++) {
      const record = records[i]!;
      let route = r.route(record);
      let value = schemaIds ? schemaIds.frame(route.topic, encode(record, { nowMs })) : encode(record, { nowMs });
      if (value.length > config.maxRecordBytes) {
        if (config.oversize === 'fail') {
          tooLarge = new RecordTooLargeError(
            record,
            value.length,
            config.maxRecordBytes,
            `raise maxRecordBytes of destination "${config.name}" (up to the topic's max.message.bytes), or set oversize: dead-letter, and restart the task`,
            { sink: config.name, topic: route.topic },
          );
          break;
        }
        // The descriptor names the row by its key values, for whoever repairs it; the log does not.
        const { text, context } = describeRecord(record, { values: true });
        const bytes = value.length;
        value = Buffer.from(JSON.stringify({ id: record.id, reason: `${text} encodes to ${bytes} bytes, above maxRecordBytes ${config.maxRecordBytes}`, bytes, ...context }));
        route = { topic: deadLetterTopic, partition: 0 };
        deadLettered += 1;
        deps.log.warn('record too large: sent to the dead-letter topic', { deadLetterTopic, deadLettered, ...describeRecord(record).context, bytes });
      }
      let list = byTopic.get(route.topic);
      if (!list) byTopic.set(route.topic, (list = []));
      list.push({ partition: route.partition, value });
      lastId = record.id;
    }
    return { topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), lastId, tooLarge };
  }

  return {
    name: config.name,
    // It keeps a request in flight across calls, so calls of one request's worth lose nothing.
    callRecords: config.maxBatchRecords,
    async connect() {
      await prepare();
    },
    async deliver(records) {
      if (records.length === 0) {
        const failure = await answerAll();
        return failure ? { acknowledgedThrough, failure } : { acknowledgedThrough };
      }
      const nowMs = now();
      const { p, r } = await prepare();
      let chunk = encodeChunk(records, 0, nowMs, r);
      for (let from = 0; from < records.length; from += config.maxBatchRecords) {
        const { topicMessages, tooLarge, lastId } = chunk;
        // Up to `depth` requests on the wire, answered in order; this chunk was encoded while they were.
        let failed: Error | undefined;
        while (sent.length >= depth && !failed) failed = await answer();
        if (failed) return { acknowledgedThrough, failure: failed };
        if (topicMessages.length === 0 && tooLarge) return { acknowledgedThrough, failure: tooLarge };
        const sending = p.sendBatch({ topicMessages, acks: ACKS[config.acks], timeout: config.requestTimeoutMs, compression: COMPRESSION[config.compression] });
        sending.catch(() => {}); // observed by answer()
        sent.push({ p, sending, lastId });
        if (tooLarge) {
          const failure = (await answerAll()) ?? tooLarge;
          return { acknowledgedThrough, failure };
        }
        const nextFrom = from + config.maxBatchRecords;
        if (nextFrom < records.length) {
          // The request is on the wire once I/O had a turn.
          await new Promise((resolve) => setImmediate(resolve));
          chunk = encodeChunk(records, nextFrom, nowMs, r);
        }
      }
      return { acknowledgedThrough };
    },
    inFlight() {
      const oldest = sent[0];
      return oldest
        ? oldest.sending.then(
            () => {},
            () => {},
          )
        : null;
    },
    async close() {
      // A request still in flight is let finish (not cut off by the disconnect); unacknowledged, its records are sent again.
      await Promise.all(sent.splice(0).map((s) => s.sending.catch(() => {})));
      const p = producer;
      producer = null;
      await p?.disconnect();
    },
  };
}
