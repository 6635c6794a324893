/**
 * Routing of the Kafka destination: the task's topic by default, a table's own topic from the
 * object name mapping (with its partition count and partition-key columns), DDL to the DDL topic
 * when there is one, and the partition chosen among the partitions of the topic a record goes to.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../../../shared/record/index.ts';
import { kafkaDestinationSchema, type KafkaDestinationConfig } from '../../../../shared/sink/kafka/config.ts';
import { createRouter } from '../../../../shared/sink/kafka/route.ts';
import { keyPartitionRef, tablePartitionRef } from '../../../helpers/java-hash.ts';
import { column, ddl, row, table } from '../../encode/canal-json/build.ts';

function config(extra: Record<string, unknown> = {}): KafkaDestinationConfig {
  return kafkaDestinationSchema.parse({ type: 'kafka', brokers: ['127.0.0.1:9092'], topic: 'main', ...extra });
}

const ORDERS = table([column('id', 'int(11)', { key: true }), column('grp', 'varchar(10)')], { database: 'shop', table: 'orders' });
const USERS = table([column('id', 'int(11)', { key: true }), column('grp', 'varchar(10)')], { database: 'shop', table: 'users' });
const OTHER_ORDERS = table([column('id', 'int(11)', { key: true }), column('grp', 'varchar(10)')], { database: 'crm', table: 'orders' });

const insert = (schema: typeof ORDERS, id: number, grp: string | null = null) => row('INSERT', schema, { after: [id, grp] });
const alterOrders = ddl('ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' });
const alterDatabase = ddl('ALTER_DATABASE', 'ALTER DATABASE shop CHARACTER SET utf8mb4', { database: 'shop', table: '' });

/** Partition counts per topic as the cluster reports them. */
const counts = (map: Record<string, number>) => (topic: string) => {
  const n = map[topic];
  if (n === undefined) throw new Error(`partitions of unexpected topic ${topic} asked`);
  return n;
};

describe('createRouter', () => {
  it('defaults: one topic created with one partition, everything on partition 0', () => {
    const c = config();
    expect(c).toMatchObject({ partitions: 1, partitionPolicy: 'partition-zero', mapping: [] });
    expect(c.ddlTopic).toBeUndefined();
    const router = createRouter(c, counts({ main: 8 }));
    expect([...router.topics]).toEqual([['main', 1]]);
    const records: ChangeRecord[] = [insert(ORDERS, 1), insert(USERS, 99), alterOrders, alterDatabase];
    for (const r of records) expect(router.route(r)).toEqual({ topic: 'main', partition: 0 });
  });

  it("chooses partitions among the topic's actual partition count, not the configured one", () => {
    // An existing topic keeps its own count: the task says 2, the cluster has 8.
    const router = createRouter(config({ partitions: 2, partitionPolicy: 'database-table' }), counts({ main: 8 }));
    expect([...router.topics]).toEqual([['main', 2]]);
    const p = tablePartitionRef('shop', 'orders', 8);
    expect(p).toBeGreaterThanOrEqual(2); // would not be reachable among 2 partitions
    expect(router.route(insert(ORDERS, 1))).toEqual({ topic: 'main', partition: p });
    expect(router.route(alterOrders)).toEqual({ topic: 'main', partition: p });
    expect(router.route(alterDatabase)).toEqual({ topic: 'main', partition: 0 });
  });

  it('sends DDL to the DDL topic, rows to the task topic; the DDL topic is created with the task partitions', () => {
    const c = config({ ddlTopic: 'ddl', partitions: 4, partitionPolicy: 'database-table', mapping: [{ database: 'shop', table: 'orders', topic: 'orders-topic', partitions: 3 }] });
    const router = createRouter(c, counts({ main: 4, ddl: 6, 'orders-topic': 3 }));
    expect(Object.fromEntries(router.topics)).toEqual({ main: 4, ddl: 4, 'orders-topic': 3 });
    // DDL of a mapped table too goes to the DDL topic, hashed among the DDL topic's partitions.
    expect(router.route(alterOrders)).toEqual({ topic: 'ddl', partition: tablePartitionRef('shop', 'orders', 6) });
    expect(router.route(ddl('CREATE_TABLE', 'CREATE TABLE users (id INT)', { database: 'shop', table: 'users' }))).toEqual({ topic: 'ddl', partition: tablePartitionRef('shop', 'users', 6) });
    expect(router.route(alterDatabase)).toEqual({ topic: 'ddl', partition: 0 });
    expect(router.route(insert(USERS, 1))).toEqual({ topic: 'main', partition: tablePartitionRef('shop', 'users', 4) });
    expect(router.route(insert(ORDERS, 1))).toEqual({ topic: 'orders-topic', partition: tablePartitionRef('shop', 'orders', 3) });
  });

  it("sends a mapped table's rows and DDL to its own topic, keyed among that topic's partitions", () => {
    const c = config({ partitions: 8, partitionPolicy: 'primary-key', mapping: [{ database: 'shop', table: 'orders', topic: 'orders-topic', partitions: 3 }] });
    const router = createRouter(c, counts({ main: 8, 'orders-topic': 3 }));
    expect(Object.fromEntries(router.topics)).toEqual({ main: 8, 'orders-topic': 3 });
    const partitions = new Set<number>();
    for (let id = 0; id < 60; id++) {
      const route = router.route(insert(ORDERS, id));
      expect(route).toEqual({ topic: 'orders-topic', partition: keyPartitionRef('shop', [String(id)], 3) });
      partitions.add(route.partition);
      // The same key elsewhere: the task topic and its 8 partitions.
      expect(router.route(insert(USERS, id))).toEqual({ topic: 'main', partition: keyPartitionRef('shop', [String(id)], 8) });
    }
    expect([...partitions].sort()).toEqual([0, 1, 2]);
    // Without a DDL topic, a mapped table's DDL goes to its topic (partition 0 under primary-key).
    expect(router.route(alterOrders)).toEqual({ topic: 'orders-topic', partition: 0 });
    expect(router.route(alterDatabase)).toEqual({ topic: 'main', partition: 0 });
  });

  it('matches the mapping by database and table: the same table name elsewhere is not mapped', () => {
    const router = createRouter(config({ partitionPolicy: 'database-table', mapping: [{ database: 'shop', table: 'orders', topic: 'orders-topic' }] }), counts({ main: 8, 'orders-topic': 5 }));
    expect(router.route(insert(OTHER_ORDERS, 1))).toEqual({ topic: 'main', partition: tablePartitionRef('crm', 'orders', 8) });
    expect(router.route(ddl('ALTER_TABLE', 'ALTER TABLE orders ADD y INT', { database: 'crm', table: 'orders' }))).toEqual({ topic: 'main', partition: tablePartitionRef('crm', 'orders', 8) });
    expect(router.route(insert(ORDERS, 1))).toEqual({ topic: 'orders-topic', partition: tablePartitionRef('shop', 'orders', 5) });
    // A mapping topic without its own partition count is created with the task's.
    expect(Object.fromEntries(router.topics)).toEqual({ main: 1, 'orders-topic': 1 });
  });

  it('a mapping with only partition-key columns keeps the task topic and hashes those columns', () => {
    const c = config({ partitions: 8, partitionPolicy: 'primary-key', mapping: [{ database: 'shop', table: 'orders', partitionKey: ['grp'] }] });
    const router = createRouter(c, counts({ main: 8 }));
    expect([...router.topics]).toEqual([['main', 8]]);
    for (let id = 0; id < 40; id++) {
      const grp = id % 3 === 0 ? null : `g${id % 5}`;
      expect(router.route(insert(ORDERS, id, grp))).toEqual({ topic: 'main', partition: keyPartitionRef('shop', [grp], 8) });
      expect(router.route(insert(USERS, id, grp))).toEqual({ topic: 'main', partition: keyPartitionRef('shop', [String(id)], 8) });
    }
  });
});
