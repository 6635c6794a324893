/**
 * Topic precheck and creation with a scripted admin client: missing topics are created with their
 * partition counts, existing ones keep theirs, `createTopics: false` names the missing topic, and
 * a KRaft broker whose metadata lags a creation (UNKNOWN_TOPIC_OR_PARTITION from kafkajs's leader
 * wait, then from the metadata request) does not fail the task: seen on the local stack when
 * several destinations create topics at once.
 */
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics, TopicPrecheckError } from '../../../../shared/sink/kafka/topics.ts';

const unknownTopic = () => Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });

interface Script {
  existing: Record<string, number>;
  /** Errors createTopics throws (after creating, like kafkajs's leader wait). */
  createError?: Error;
  /** How many metadata requests fail with UNKNOWN_TOPIC_OR_PARTITION before one succeeds. */
  laggingMetadata?: number;
}

function fakeAdmin(script: Script) {
  const topics = new Map(Object.entries(script.existing));
  const calls: string[] = [];
  let lag = script.laggingMetadata ?? 0;
  const admin = {
    listTopics: async () => {
      calls.push('list');
      return [...topics.keys()];
    },
    createTopics: async ({ topics: wanted }: { topics: { topic: string; numPartitions: number }[] }) => {
      calls.push(`create ${wanted.map((t) => `${t.topic}:${t.numPartitions}`).join(',')}`);
      for (const t of wanted) topics.set(t.topic, t.numPartitions);
      if (script.createError) throw script.createError;
      return true;
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      calls.push('metadata');
      if (lag > 0) {
        lag -= 1;
        throw unknownTopic();
      }
      // Any order, as a broker answers.
      return { topics: [...names].reverse().map((name) => ({ name, partitions: Array.from({ length: topics.get(name)! }, (_, partitionId) => ({ partitionId })) })) };
    },
  };
  return { admin: admin as unknown as Admin, calls };
}

describe('ensureTopics', () => {
  it('creates the missing topics with their partitions; existing topics keep their own count', async () => {
    const { admin, calls } = fakeAdmin({ existing: { main: 8 } });
    const counts = await ensureTopics(
      admin,
      new Map([
        ['main', 2],
        ['ddl', 4],
        ['orders', 3],
      ]),
      true,
    );
    expect(Object.fromEntries(counts)).toEqual({ main: 8, ddl: 4, orders: 3 });
    expect(calls).toEqual(['list', 'create ddl:4,orders:3', 'metadata']);
  });

  it('creates nothing when every topic exists', async () => {
    const { admin, calls } = fakeAdmin({ existing: { main: 1 } });
    expect(Object.fromEntries(await ensureTopics(admin, new Map([['main', 5]]), true))).toEqual({ main: 1 });
    expect(calls).toEqual(['list', 'metadata']);
  });

  it('fails the precheck naming the topic when it is missing and creation is off', async () => {
    const { admin, calls } = fakeAdmin({ existing: { main: 1 } });
    const error = await ensureTopics(
      admin,
      new Map([
        ['main', 1],
        ['ddl', 1],
      ]),
      false,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopicPrecheckError);
    expect((error as TopicPrecheckError).message).toBe('Kafka topic ddl does not exist and createTopics is false; create it or set createTopics: true');
    expect((error as TopicPrecheckError).retriable).toBe(false);
    expect(calls).toEqual(['list']);
  });

  it('accepts a topic another client created at the same time', async () => {
    const exists = Object.assign(new Error('Topic with this name already exists'), { type: 'TOPIC_ALREADY_EXISTS' });
    const { admin } = fakeAdmin({ existing: {}, createError: exists });
    expect(Object.fromEntries(await ensureTopics(admin, new Map([['t', 6]]), true))).toEqual({ t: 6 });
  });

  it('waits out a broker whose metadata does not know a just-created topic yet', async () => {
    const { admin, calls } = fakeAdmin({ existing: {}, createError: unknownTopic(), laggingMetadata: 3 });
    expect(
      Object.fromEntries(
        await ensureTopics(
          admin,
          new Map([
            ['a', 8],
            ['b', 3],
          ]),
          true,
        ),
      ),
    ).toEqual({ a: 8, b: 3 });
    expect(calls).toEqual(['list', 'create a:8,b:3', 'metadata', 'metadata', 'metadata', 'metadata']);
  });

  it('still refuses other creation errors, naming the topics', async () => {
    const policy = Object.assign(new Error('Replication factor: 3 larger than available brokers: 1.'), { type: 'INVALID_REPLICATION_FACTOR' });
    const { admin } = fakeAdmin({ existing: {}, createError: policy });
    const error = await ensureTopics(
      admin,
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
      true,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopicPrecheckError);
    expect((error as Error).message).toBe('cannot create Kafka topic a, b (Replication factor: 3 larger than available brokers: 1.); create it on the cluster with the partitions you need');
  });
});
