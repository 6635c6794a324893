/**
 * The Kafka destination: encodes records in the task's format and produces them in order to
 * partition 0 of the task's topic, resolving only after Kafka acknowledged (per `acks`).
 * With acks=all the producer is idempotent, so kafkajs's own retries never duplicate or reorder.
 */
import type { Message, Producer } from 'kafkajs';
import { encodeCanalJson } from '../../encode/canal-json/index.ts';
import type { Logger } from '../../log.ts';
import type { ChangeRecord } from '../../record/index.ts';
import type { Secret } from '../../task/secret.ts';
import { RecordTooLargeError } from '../errors.ts';
import type { Sink } from '../types.ts';
import type { KafkaDestinationConfig } from './config.ts';
import { classifyKafkaError } from './errors.ts';
import { tunedKafkajs } from './kafkajs-tuning.ts';

const { Kafka, logLevel } = tunedKafkajs;

export type ResolvedKafkaConfig = Omit<KafkaDestinationConfig, 'sasl'> & {
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: Secret };
};

export interface KafkaSinkDeps {
  readonly log: Logger;
  readonly now?: () => number;
}

const ACKS = { none: 0, leader: 1, all: -1 } as const;

const encoders = {
  'canal-json': encodeCanalJson,
} satisfies Record<KafkaDestinationConfig['format'], (record: ChangeRecord, options: { nowMs: number }) => Buffer>;

export function createKafkaSink(config: ResolvedKafkaConfig, deps: KafkaSinkDeps): Sink {
  const now = deps.now ?? Date.now;
  const encode = encoders[config.format];
  const where = { brokers: config.brokers, topic: config.topic };
  const idempotent = config.acks === 'all';
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl ? ({ mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password.reveal() } as never) : undefined,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: 10_000,
    // Our retry windows decide how long to keep trying; kafkajs only smooths over blips.
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer | null = null;

  async function connected(): Promise<Producer> {
    if (producer) return producer;
    const p = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined, allowAutoTopicCreation: true });
    try {
      await p.connect();
    } catch (err) {
      await p.disconnect().catch(() => {});
      throw classifyKafkaError(err, where);
    }
    deps.log.info('connected to Kafka', { brokers: config.brokers.join(','), topic: config.topic, acks: config.acks });
    producer = p;
    return p;
  }

  function encodeChunk(records: readonly ChangeRecord[], from: number, nowMs: number): Message[] {
    const to = Math.min(records.length, from + config.maxBatchRecords);
    const messages: Message[] = new Array(to - from);
    for (let i = from; i < to; i++) {
      const record = records[i]!;
      const value = encode(record, { nowMs });
      if (value.length > config.maxRecordBytes) {
        throw new RecordTooLargeError(record, value.length, config.maxRecordBytes, `raise maxRecordBytes of destination "${config.name}" (up to the topic's max.message.bytes) and restart the task`, { sink: config.name, topic: config.topic });
      }
      messages[i - from] = { partition: 0, value };
    }
    return messages;
  }

  return {
    name: config.name,
    async connect() {
      await connected();
    },
    async deliver(records) {
      if (records.length === 0) return;
      const nowMs = now();
      let messages = encodeChunk(records, 0, nowMs);
      const p = await connected();
      for (let from = 0; from < records.length; from += config.maxBatchRecords) {
        const sending = p.send({ topic: config.topic, acks: ACKS[config.acks], timeout: config.requestTimeoutMs, messages });
        sending.catch(() => {}); // observed below, after the next chunk is encoded
        const nextFrom = from + config.maxBatchRecords;
        if (nextFrom < records.length) {
          // Encode the next chunk while the broker works on this one (the request is on the wire
          // once I/O had a turn); order holds because sends still go one at a time.
          await new Promise((r) => setImmediate(r));
          messages = encodeChunk(records, nextFrom, nowMs);
        }
        try {
          await sending;
        } catch (err) {
          // A failed producer may hold a broken connection or sequence state: start over cleanly.
          producer = null;
          await p.disconnect().catch(() => {});
          throw classifyKafkaError(err, where);
        }
      }
    },
    async close() {
      const p = producer;
      producer = null;
      await p?.disconnect();
    },
  };
}
