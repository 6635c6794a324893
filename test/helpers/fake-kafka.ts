/**
 * A fake kafkajs client for the Kafka sink's unit tests (KafkaSinkDeps.kafka): an admin over an
 * in-memory cluster (topic → partition count) and producers that keep every `sendBatch` request
 * and answer it as the test says: at once, after a gate opens, or with an error. Only what the
 * sink calls is there; anything else it might call throws, so a new call does not pass unseen.
 */
import type { Admin, Kafka, Producer, ProducerBatch, ProducerConfig, RecordMetadata, TopicMessages } from 'kafkajs';

export interface SentRequest extends ProducerBatch {
  readonly topicMessages: TopicMessages[];
  /** Which producer sent it: 0 for the first the sink made, 1 after it started over, … */
  readonly producer: number;
}

/** How the fake answers the n-th send (0-based, over all producers): resolve, or reject with the error. */
export type SendAnswer = (request: SentRequest, n: number) => Promise<void | Error> | void | Error;

export interface FakeKafka {
  readonly client: Pick<Kafka, 'admin' | 'producer'>;
  /** Topics on the cluster with their partition counts; topics the sink creates are added. */
  readonly cluster: Map<string, number>;
  readonly sent: SentRequest[];
  readonly producerConfigs: (ProducerConfig | undefined)[];
  readonly created: { topic: string; numPartitions?: number }[];
  /** connect, disconnect, send of the admin and each producer, in order ("producer 0 send"). */
  readonly events: string[];
  /** Sends in flight right now, and the most there ever were at once. */
  readonly inFlight: { now: number; most: number };
  answer: SendAnswer;
}

function unexpected(what: string): never {
  throw new Error(`the fake Kafka client has no ${what}: the sink called something new`);
}

export function fakeKafka(topics: Record<string, number> = {}): FakeKafka {
  const fake: FakeKafka = {
    cluster: new Map(Object.entries(topics)),
    sent: [],
    producerConfigs: [],
    created: [],
    events: [],
    inFlight: { now: 0, most: 0 },
    answer: () => {},
    client: {
      admin: () => admin(),
      producer: (config?: ProducerConfig) => producer(config),
    },
  };

  function admin(): Admin {
    const calls = {
      connect: async () => void fake.events.push('admin connect'),
      disconnect: async () => void fake.events.push('admin disconnect'),
      listTopics: async () => [...fake.cluster.keys()],
      createTopics: async ({ topics: wanted }: { topics: { topic: string; numPartitions?: number }[] }) => {
        for (const t of wanted) {
          fake.created.push({ topic: t.topic, numPartitions: t.numPartitions });
          fake.cluster.set(t.topic, t.numPartitions ?? 1);
        }
        return true;
      },
      fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => ({
        topics: names.map((name) => ({ name, partitions: Array.from({ length: fake.cluster.get(name) ?? unexpected(`topic ${name}`) }, (_, partitionId) => ({ partitionId })) })),
      }),
    };
    return new Proxy(calls, { get: (target, key) => (key in target ? target[key as keyof typeof target] : unexpected(`admin.${String(key)}`)) }) as unknown as Admin;
  }

  function producer(config?: ProducerConfig): Producer {
    const index = fake.producerConfigs.length;
    fake.producerConfigs.push(config);
    const name = `producer ${index}`;
    const calls = {
      connect: async () => void fake.events.push(`${name} connect`),
      disconnect: async () => void fake.events.push(`${name} disconnect`),
      sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
        const request = { ...batch, topicMessages: batch.topicMessages ?? [], producer: index };
        const n = fake.sent.length;
        fake.sent.push(request);
        fake.events.push(`${name} send`);
        fake.inFlight.now += 1;
        fake.inFlight.most = Math.max(fake.inFlight.most, fake.inFlight.now);
        try {
          const outcome = await fake.answer(request, n);
          if (outcome instanceof Error) throw outcome;
          return [];
        } finally {
          fake.inFlight.now -= 1;
        }
      },
    };
    return new Proxy(calls, { get: (target, key) => (key in target ? target[key as keyof typeof target] : unexpected(`producer.${String(key)}`)) }) as unknown as Producer;
  }

  return fake;
}
