/**
 * The test kit around the real local stack (scripts/start-stack.sh): endpoints from the same
 * environment variables, unique names, a source connection, topics, a consumer that reads a topic
 * back, and a running task with a way to stop it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as kafkajs from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger, type Logger } from '../../shared/log.ts';
import { registerCodecs, type KafkajsCodecRegistry } from '../../shared/sink/kafka/codecs.ts';
import type { BackoffOptions, RetryWindows } from '../../shared/ops/index.ts';
import { runTaskLocally, type TaskOutcome } from '../../shared/runtime/local/run-task.ts';
import { parseTask, type Task, type TaskFile } from '../../shared/task/index.ts';

/** Which of the stack's sources this test run talks to (vitest.config.ts's project sets it). */
export type SourceKind = 'mariadb' | 'mysql8';
const sourceKind: SourceKind = process.env.DTS_SOURCE === 'mysql8' ? 'mysql8' : 'mariadb';

export const stack = {
  source: sourceKind,
  /** The source's port: the stack's MariaDB (DTS_MYSQL_PORT) or MySQL 8 (DTS_MYSQL8_PORT). */
  mysqlPort: sourceKind === 'mysql8' ? Number(process.env.DTS_MYSQL8_PORT ?? 33406) : Number(process.env.DTS_MYSQL_PORT ?? 33306),
  kafkaBroker: `127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`,
  redisUrl: process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** The stack's schema registry (Apicurio), at its Confluent-compatible API base. */
  registryUrl: process.env.DTS_REGISTRY_URL ?? `http://127.0.0.1:${process.env.DTS_REGISTRY_PORT ?? 18081}/apis/ccompat/v7`,
};

// The test kit's consumers read what the sink compresses (LZ4 by default, Snappy): the codecs of
// shared/sink/kafka/codecs.ts, registered in the kafkajs copy the tests use.
registerCodecs(((kafkajs as unknown as { default?: unknown }).default ?? kafkajs) as KafkajsCodecRegistry);

let counter = 0;
/** A name no other test run uses: databases, topics, consumer groups. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** A connection to the stack's source (MariaDB or MySQL 8) in UTC, utf8mb4, and a permissive sql_mode (zero dates). */
export async function sourceConnection(): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: stack.mysqlPort,
    user: 'root',
    charset: 'utf8mb4_general_ci',
    multipleStatements: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await conn.query("SET time_zone = '+00:00', sql_mode = ''");
  return conn;
}

export function kafka(): Kafka {
  return new Kafka({ brokers: [stack.kafkaBroker], logLevel: logLevel.NOTHING, clientId: 'dts-tests' });
}

/**
 * Creates the topic and waits until every partition has a leader. kafkajs's own leader wait
 * (`waitForLeaders`) gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker answers for a
 * moment after the creation: metadata is polled here instead, retrying that answer.
 */
export async function createTopic(topic: string, numPartitions = 1, timeoutMs = 30_000): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: false });
    await waitFor(
      async () => {
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          const partitions = topics[0]?.partitions ?? [];
          if (partitions.length !== numPartitions || !partitions.every((p) => p.leader >= 0)) return false;
          // The metadata can name a leader a moment before that broker has loaded the partition; a
          // produce then fails for it alone, and a non-idempotent producer (acks leader or none)
          // sends the request's other partitions twice on the retry. Ready once every partition answers.
          return (await admin.fetchTopicOffsets(topic)).length === numPartitions;
        } catch (err) {
          const type = (err as { type?: string }).type;
          if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || type === 'NOT_LEADER_FOR_PARTITION' || type === 'NOT_LEADER_OR_FOLLOWER') return false;
          throw err;
        }
      },
      timeoutMs,
      `leaders of the ${numPartitions} partitions of topic ${topic}`,
    );
  } finally {
    await admin.disconnect();
  }
}

/** The high watermark of a one-partition topic: how many messages it holds. */
export async function topicHighWatermark(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [p] = await admin.fetchTopicOffsets(topic);
    return Number(p?.high ?? 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ConsumedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
  /** The value parsed as JSON. */
  readonly json: Record<string, unknown>;
}

/**
 * Reads the topic from the beginning until `count` messages arrived (or `until` says the messages
 * so far are enough); fails with what it saw on timeout.
 */
export async function consumeMessages(topic: string, count: number | ((messages: readonly ConsumedMessage[]) => boolean), timeoutMs = 30_000): Promise<ConsumedMessage[]> {
  const enough = typeof count === 'number' ? (m: readonly ConsumedMessage[]) => m.length >= count : count;
  const expected = typeof count === 'number' ? `of ${count} ` : '';
  const consumer = kafka().consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 100 });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms with ${messages.length} ${expected}messages from ${topic}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const value = message.value ?? Buffer.alloc(0);
          messages.push({ partition, offset: Number(message.offset), key: message.key, value, json: JSON.parse(value.toString('utf8')) as Record<string, unknown> });
          if (enough(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** A valid task against the local stack; `overrides` replace top-level keys. */
export function taskFor(options: { database: string; tables?: string[]; topic: string; dir: string; brokers?: string[] }, overrides: Partial<TaskFile> = {}): Task {
  return parseTask(
    {
      name: 'test',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 6000 + (process.pid % 1000) },
      objects: [{ database: options.database, ...(options.tables ? { tables: options.tables } : {}) }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: options.brokers ?? [stack.kafkaBroker], topic: options.topic, format: 'canal-json' }],
      queue: { type: 'file', dir: options.dir },
      ...overrides,
    },
    'test',
  );
}

export interface RunningTask {
  /** Resolves once the binlog stream is open: changes made after this are captured. */
  readonly ready: Promise<void>;
  /** The outcome once the task ended on its own (failure) or after `stop()`. */
  readonly outcome: Promise<TaskOutcome>;
  stop(): Promise<TaskOutcome>;
}

export function startTask(task: Task, options: { log?: Logger; windows?: RetryWindows; backoff?: BackoffOptions; readerThread?: boolean } = {}): RunningTask {
  const stop = new AbortController();
  let ready!: () => void;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const outcome = runTaskLocally({
    task,
    origin: 'test',
    baseDir: process.cwd(),
    log: options.log ?? silentLogger,
    logOptions: { level: 'warn', format: 'text' },
    signal: stop.signal,
    onReaderReady: () => ready(),
    statusIntervalMs: 60_000,
    windows: options.windows,
    backoff: options.backoff,
    readerThread: options.readerThread,
  });
  return {
    ready: Promise.race([readyPromise, outcome.then((o) => Promise.reject(new Error(`task ended before it was ready: ${o.status} ${o.error?.message ?? ''}`)))]),
    outcome,
    stop: async () => {
      stop.abort();
      return outcome;
    },
  };
}

/**
 * A database of the test file's own, created before its tests (with the given CREATE TABLE
 * statements, `${db}` standing for its name) and dropped after them, with a source connection.
 */
export function useDatabase(prefix: string, ...tables: string[]): { readonly db: string; conn(): mysql.Connection } {
  const db = uniqueName(prefix);
  let conn: mysql.Connection | undefined;
  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    for (const sql of tables) await conn.query(sql.replaceAll('${db}', db));
  });
  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });
  return {
    db,
    conn: () => {
      if (!conn) throw new Error('useDatabase: the connection exists only inside tests');
      return conn;
    },
  };
}
