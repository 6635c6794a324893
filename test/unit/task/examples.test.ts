/** The shipped task files stay valid and say what the README says they say. */
import { expect, it } from 'vitest';
import { loadTask } from '../../../shared/task/index.ts';

const example = (name: string) => new URL(`../../../examples/${name}`, import.meta.url).pathname;

it('examples/reference.yaml loads with every option it documents', async () => {
  const task = await loadTask(example('reference.yaml'));
  expect(task.objects[0]!.tables).toEqual([
    'orders',
    { name: 'customers', operations: ['INSERT', 'UPDATE'] },
    { name: 'payments', filter: "region = 'cn' AND amount >= 100" },
    { name: 'events', as: 'shop_events', columns: { drop: ['raw_payload'], rename: { ts: 'event_time' } } },
  ]);
  expect(task.syncTypes).toEqual(['full', 'incremental']);
  expect(task.fullSync).toEqual({ chunkRows: 4096, workers: 2, keylessTables: 'refuse', signalTable: 'dts.dts_signal' });
  expect(task.objectNameCase).toBe('source');
  expect(task.objects[1]).toEqual({ database: 'crm', as: 'crm_dw', operations: ['INSERT', 'UPDATE', 'DELETE', 'DDL'], ddl: { deliver: ['ALTER_TABLE'] } });
  expect(task.ddl).toEqual({ deliver: ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_TABLE', 'RENAME_TABLE', 'TRUNCATE_TABLE'] });
  expect(task.source.password).toEqual({ env: 'MYSQL_PASSWORD' });
  expect(task.source.ssl).toEqual({ ca: { file: '/etc/dts/rds-ca.pem' }, rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  expect(task.destinations[0]).toMatchObject({
    ddlTopic: 'dts-ddl',
    compression: 'lz4',
    partitionPolicy: 'partition-zero',
    mapping: [{ database: 'shop', table: 'orders', topic: 'shop-orders', partitions: 8, partitionKey: ['customer_id'] }],
    oversize: 'fail',
  });
  expect(task.destinations[2]).toEqual({
    type: 'maxcompute',
    name: 'mc',
    endpoint: 'http://service.cn-hangzhou.maxcompute.aliyun.com/api',
    project: 'dts_demo',
    accessKeyId: { env: 'MC_ACCESS_KEY_ID' },
    accessKeySecret: { env: 'MC_ACCESS_KEY_SECRET' },
    namingRule: 'new',
    partitionKeys: ['year', 'month', 'day', 'hour'],
    flush: { maxRows: 100_000, maxMegabytes: 64, maxSeconds: 30 },
    timeoutMs: 120_000,
  });
  expect(task.queue).toEqual({ type: 'file', dir: '.dts/orders-to-kafka' });
});

it('examples/maxcompute.yaml is the DTS MaxCompute task of the README', async () => {
  const task = await loadTask(example('maxcompute.yaml'));
  expect(task.syncTypes).toEqual(['full', 'incremental']);
  expect(task.destinations).toHaveLength(1);
  expect(task.destinations[0]).toMatchObject({
    type: 'maxcompute',
    name: 'mc',
    endpoint: 'http://127.0.0.1:18090/api',
    project: 'dts_demo',
    accessKeyId: { env: 'MC_ACCESS_KEY_ID' },
    accessKeySecret: { env: 'MC_ACCESS_KEY_SECRET' },
    namingRule: 'new',
    partitionKeys: ['year', 'month', 'day', 'hour'],
  });
});
