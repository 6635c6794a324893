/**
 * Topics exist before the first write: missing ones are created with their partition count where
 * the task allows it and the cluster accepts it; otherwise the precheck fails naming the topic.
 * Returns every topic's actual partition count (an existing topic keeps its own).
 */
import type { Admin } from 'kafkajs';
import { DtsError, ErrorCodes } from '../../errors.ts';
import { defaults } from '../../task/defaults.ts';

export class TopicPrecheckError extends DtsError {
  constructor(message: string, topic: string, cause?: unknown) {
    super(message, { code: ErrorCodes.KAFKA_TOPIC, retriable: false, context: { topic }, cause });
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
      // UNKNOWN_TOPIC_OR_PARTITION: created, but kafkajs's wait for leaders asked a broker whose
      // metadata did not know the topic yet (KRaft; tulios/kafkajs#1222): the wait below covers it.
      if (e.type !== 'TOPIC_ALREADY_EXISTS' && e.type !== 'UNKNOWN_TOPIC_OR_PARTITION') {
        throw new TopicPrecheckError(`cannot create Kafka topic ${missing.join(', ')} (${e.message ?? String(err)}); create it on the cluster with the partitions you need`, missing[0]!, err);
      }
    }
  }
  const { topics } = await topicMetadata(admin, [...wanted.keys()]);
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}

/** Topic metadata, asked again for a while when the broker does not know a topic just created yet. */
async function topicMetadata(admin: Admin, topics: string[]): ReturnType<Admin['fetchTopicMetadata']> {
  const until = Date.now() + defaults.kafkaTopicReadyMs;
  for (;;) {
    try {
      return await admin.fetchTopicMetadata({ topics });
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || Date.now() >= until) throw err;
      await new Promise((resolve) => setTimeout(resolve, defaults.kafkaTopicReadyPollMs));
    }
  }
}
