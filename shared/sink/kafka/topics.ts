/**
 * Topics exist before the first write: missing ones are created with their partition count where
 * the task allows it and the cluster accepts it; otherwise the precheck fails naming the topic.
 * Returns every topic's actual partition count (an existing topic keeps its own).
 */
import type { Admin } from 'kafkajs';
import { DtsError, ErrorCodes } from '../../errors.ts';

export class TopicPrecheckError extends DtsError {
  constructor(message: string, topic: string, cause?: unknown) {
    super(message, { code: ErrorCodes.SINK_WRITE, retriable: false, context: { topic }, cause });
  }
}

export async function ensureTopics(admin: Admin, wanted: ReadonlyMap<string, number>, create: boolean): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const missing = [...wanted.keys()].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    if (!create) throw new TopicPrecheckError(`Kafka topic ${missing.join(', ')} does not exist and createTopics is false; create it or set createTopics: true`, missing[0]!);
    try {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: wanted.get(topic)! })), waitForLeaders: true });
    } catch (err) {
      const e = err as { type?: string; message?: string };
      if (e.type !== 'TOPIC_ALREADY_EXISTS') {
        throw new TopicPrecheckError(`cannot create Kafka topic ${missing.join(', ')} (${e.message ?? String(err)}); create it on the cluster with the partitions you need`, missing[0]!, err);
      }
    }
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}
