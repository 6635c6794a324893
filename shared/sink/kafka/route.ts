/**
 * Where a record goes: its table's topic (object name mapping) or the task's topic, DDL to the DDL
 * topic, and the partition chosen by the task's policy among that topic's partitions.
 */
import { isRowRecord, type ChangeRecord } from '../../record/index.ts';
import type { KafkaDestinationConfig } from './config.ts';
import { choosePartition } from './partition.ts';

export interface Route {
  readonly topic: string;
  readonly partition: number;
}

export interface Router {
  route(record: ChangeRecord): Route;
  /** Every topic this destination may write to, with the partitions to create it with. */
  readonly topics: ReadonlyMap<string, number>;
}

type RoutingConfig = Pick<KafkaDestinationConfig, 'topic' | 'ddlTopic' | 'partitions' | 'partitionPolicy' | 'mapping'>;

export function createRouter(config: RoutingConfig, partitionsOf: (topic: string) => number): Router {
  const byTable = new Map(config.mapping.map((m) => [`${m.database}.${m.table}`, m]));
  const topics = new Map<string, number>([[config.topic, config.partitions]]);
  if (config.ddlTopic) topics.set(config.ddlTopic, config.partitions);
  for (const m of config.mapping) if (m.topic) topics.set(m.topic, m.partitions ?? config.partitions);
  return {
    topics,
    route(record) {
      if (!isRowRecord(record)) {
        const topic = config.ddlTopic ?? byTable.get(`${record.database}.${record.table}`)?.topic ?? config.topic;
        return { topic, partition: choosePartition(record, config.partitionPolicy, partitionsOf(topic)) };
      }
      const mapping = byTable.get(`${record.schema.database}.${record.schema.table}`);
      const topic = mapping?.topic ?? config.topic;
      return { topic, partition: choosePartition(record, config.partitionPolicy, partitionsOf(topic), mapping?.partitionKey) };
    },
  };
}
