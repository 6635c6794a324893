/**
 * The Kafka sink against the Sink contract, on the real broker of the local stack. Each target is
 * a new one-partition topic read back from its offsets (Canal JSON, so values are text). The
 * broker itself refuses the contract's 20 KiB record once `refuse` lowers the topic's
 * max.message.bytes, and `heal` raises it again; two records per produce request, so a refused
 * request leaves earlier ones acknowledged.
 */
import { ConfigResourceTypes } from 'kafkajs';
import { createKafkaSink } from '../../shared/sink/kafka/index.ts';
import { kafkaDestinationSchema } from '../../shared/sink/kafka/config.ts';
import { consumeTopics, messageCount } from '../helpers/kafka-read.ts';
import { createTopic, kafka, stack, uniqueName } from '../helpers/stack.ts';
import { sinkContract, type DeliveredRecord } from '../contracts/sink.contract.ts';

async function setMaxMessageBytes(topic: string, bytes: number): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }] });
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopic(topic: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/** A Canal JSON message as the contract compares it: the row image is `data[0]` (the before image for DELETE). */
function delivered(value: Buffer): DeliveredRecord {
  const m = JSON.parse(value.toString('utf8')) as { id: number; type: string; database: string; table: string; data: Record<string, string | null>[] | null };
  return { id: m.id, op: m.type, table: `${m.database}.${m.table}`, values: m.data?.[0] ?? {} };
}

sinkContract({
  name: 'kafka',
  async newTarget({ maxRecordBytes }) {
    const topic = uniqueName('sink_contract');
    await createTopic(topic);
    const config = kafkaDestinationSchema.parse({
      type: 'kafka',
      name: 'kafka',
      brokers: [stack.kafkaBroker],
      topic,
      createTopics: false,
      format: 'canal-json',
      compression: 'none',
      maxBatchRecords: 2,
      maxRecordBytes,
    });
    const resolved = { ...config, sasl: undefined, schemaRegistry: undefined };
    return {
      newSink: (deps) => createKafkaSink(resolved, deps),
      async readBack() {
        const count = await messageCount(topic);
        if (count === 0) return [];
        return (await consumeTopics({ [topic]: count }))[topic]!.map((m) => delivered(m.value));
      },
      refuse: () => setMaxMessageBytes(topic, 10_000),
      heal: () => setMaxMessageBytes(topic, 1_048_588),
      cleanup: () => deleteTopic(topic),
    };
  },
});
