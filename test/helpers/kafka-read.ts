/**
 * Reading topics back as raw bytes (DTS Avro is not JSON), several topics with one consumer, plus
 * exact message counts from the broker's offsets, topic metadata, and per-task server ids so that
 * several tasks of one test file can replicate from the source at the same time.
 */
import type { TaskFile } from '../../shared/task/index.ts';
import { kafka, stack, uniqueName } from './stack.ts';

export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: Buffer;
}

/**
 * Reads the topics from the beginning until each has its count; returns each topic's messages in
 * partition, then offset order. Fails naming the topics that fell short. The topics must exist:
 * a consumer's metadata request would create a missing one with the broker's default partitions.
 */
export async function consumeTopics(counts: Record<string, number>, timeoutMs = 30_000): Promise<Record<string, RawMessage[]>> {
  const topics = Object.keys(counts);
  const got: Record<string, RawMessage[]> = Object.fromEntries(topics.map((t) => [t, []]));
  const consumer = kafka().consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const complete = () => topics.every((t) => got[t]!.length >= counts[t]!);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const short = topics.filter((t) => got[t]!.length < counts[t]!).map((t) => `${t}: ${got[t]!.length} of ${counts[t]}`);
        reject(new Error(`timed out after ${timeoutMs} ms reading ${short.join(', ')}`));
      }, timeoutMs);
      if (complete()) {
        clearTimeout(timer);
        resolve();
        return;
      }
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          got[topic]!.push({ topic, partition, offset: Number(message.offset), value: message.value ?? Buffer.alloc(0) });
          if (complete()) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  for (const list of Object.values(got)) list.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  return got;
}

/** Messages the topic holds now, per partition (high watermark − low watermark). */
export async function messagesPerPartition(topic: string): Promise<number[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const counts: number[] = [];
    for (const o of offsets) counts[o.partition] = Number(o.high) - Number(o.low);
    return counts;
  } finally {
    await admin.disconnect();
  }
}

export async function messageCount(topic: string): Promise<number> {
  return (await messagesPerPartition(topic)).reduce((a, b) => a + b, 0);
}

/** Waits until every topic exists (created by a task), without creating any. */
export async function waitForTopics(topics: readonly string[], timeoutMs = 20_000): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      if (Date.now() > until) throw new Error(`topics ${missing.join(', ')} were not created within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** The partition count of an existing topic. */
export async function partitionCount(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
}

let serverIds = 0;
/**
 * A `source` block for `taskFor` overrides with a replica server id of its own: tasks that run at
 * the same time must not share one (the source drops a replica when another connects with its id).
 */
export function sourceWithOwnServerId(): TaskFile['source'] {
  serverIds += 1;
  return { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 20_000 + (process.pid % 1000) * 50 + (serverIds % 50) };
}

/** The source's current binlog end: the file, and the offset where the next transaction will start. */
export async function masterStatus(conn: { query: (sql: string) => Promise<unknown> }): Promise<{ file: string; position: number }> {
  const [[status]] = (await conn.query('SHOW MASTER STATUS')) as [[{ File: string; Position: number | string }]];
  return { file: status.File, position: Number(status.Position) };
}
