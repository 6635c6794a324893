/**
 * Where a record goes: its table's topic (object name mapping) or the task's topic, DDL to the DDL
 * topic, and the partition chosen by the task's policy among that topic's partitions.
 */
import { isRowRecord, perSchema, type ChangeRecord, type TableSchema } from '../../record/index.ts';
import type { KafkaDestinationConfig } from './config.ts';
import { choosePartition, partitionOfTable } from './partition.ts';

export interface Route {
  readonly topic: string;
  readonly partition: number;
}

interface TableRoute {
  readonly topic: string;
  readonly partitionKey: readonly string[] | undefined;
  /** The route of every record of the table, or null when the partition depends on the row. */
  readonly route: Route | null;
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
  // A table's topic, and its route when the policy does not look at the row: found once per table
  // schema, not once per record.
  const tableRoute = perSchema((schema: TableSchema): TableRoute => {
    const mapping = byTable.get(`${schema.database}.${schema.table}`);
    const topic = mapping?.topic ?? config.topic;
    const partitionKey = mapping?.partitionKey;
    const partitions = partitionsOf(topic);
    const byRow = config.partitionPolicy === 'primary-key' && partitions > 1;
    if (byRow) return { topic, partitionKey, route: null };
    const policy = config.partitionPolicy;
    return { topic, partitionKey, route: { topic, partition: policy === 'primary-key' ? 0 : partitionOfTable(schema, policy, partitions) } };
  });
  return {
    topics,
    route(record) {
      if (!isRowRecord(record)) {
        const topic = config.ddlTopic ?? byTable.get(`${record.database}.${record.table}`)?.topic ?? config.topic;
        return { topic, partition: choosePartition(record, config.partitionPolicy, partitionsOf(topic)) };
      }
      const table = tableRoute(record.schema);
      return table.route ?? { topic: table.topic, partition: choosePartition(record, config.partitionPolicy, partitionsOf(table.topic), table.partitionKey) };
    },
  };
}
