/**
 * Object mapping into Function Compute and MaxCompute, end to end: one task, full sync then
 * incremental sync, a renamed database and table, a dropped and a renamed column and upper-case
 * names, delivered to the local FC endpoint (records as DTS documents them) and to the local
 * MaxCompute (tables `<table>_base` and `_log` under the delivered name, read by the Java SDK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFcLocalProcess, type FcLocalProcess } from '../helpers/fc-local-process.ts';
import { createFcTarget, type FcRecord, type FcTarget } from '../helpers/fc-target.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, metadataNames, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase, waitFor } from '../helpers/stack.ts';

const KEY_ID = 'LTAI-mapping';
const SECRET_ENV = 'DTS_TEST_MAPPING_FC_SECRET';
process.env[SECRET_ENV] = 'mapping-secret-value';

const source = useDatabase('mapfm', 'CREATE TABLE ${db}.Items (Id INT PRIMARY KEY, Name VARCHAR(20), Blob_Col LONGBLOB, Price DECIMAL(8,2))');
const mc = useLocalMaxCompute('mapfm');

describe('object mapping into FC and MaxCompute', () => {
  let target: FcTarget;
  let endpoint: FcLocalProcess;
  beforeAll(async () => {
    target = await createFcTarget();
    endpoint = await startFcLocalProcess(target.dir, ['--access-key-id', KEY_ID, '--service', 'dts', '--function', 'target'], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: process.env[SECRET_ENV] });
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  it('delivers full-sync rows and changes under the delivered names, without the dropped column', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const dw = `${db}_dw`;
    await conn.query(`INSERT INTO ${db}.Items VALUES (1, 'apple', REPEAT('a', 50000), 1.50), (2, 'pear', NULL, 2.25)`);
    const task = startTask(
      taskFor(
        { database: db, topic: 'unused', dir: await tempDir('mapfm') },
        {
          source: sourceWithOwnServerId(),
          syncTypes: ['full', 'incremental'],
          objectNameCase: 'upper',
          objects: [{ database: db, as: dw, tables: [{ name: 'Items', as: 'Goods', columns: { drop: ['blob_col'], rename: { price: 'cost' } } }] }],
          destinations: [
            {
              type: 'fc',
              name: 'fc',
              region: 'cn-hangzhou',
              accountId: '1234567890',
              endpoint: endpoint.url,
              accessKeyId: KEY_ID,
              accessKeySecret: { env: SECRET_ENV },
              service: 'dts',
              function: 'target',
            },
            maxComputeDestination(mc.endpoint()),
          ],
        },
      ),
    );
    try {
      await task.ready;
      const fcRows = async (n: number) =>
        waitFor(
          async () => {
            const got = (await target.delivered()).filter((r) => !r.isDdl);
            return got.length >= n ? got : undefined;
          },
          60_000,
          `${n} FC records`,
        );
      await fcRows(2); // the full sync's rows first
      await conn.query(`INSERT INTO ${db}.Items VALUES (3, 'plum', REPEAT('p', 50000), 0.99)`);
      await conn.query(`UPDATE ${db}.Items SET Price = 1.75, Blob_Col = 'x' WHERE Id = 1`);
      await conn.query(`DELETE FROM ${db}.Items WHERE Id = 2`);

      const records = await fcRows(5);
      const view = (r: FcRecord) => [r.type, r.database, r.table, r.pkNames, r.data, r.old ?? null, Object.keys(r.sqlType as object).sort(), Object.keys(r.mysqlType as object).sort()];
      // Maps are written in Java HashMap order (as DTS does): compare the key sets.
      const keys = ['ID', 'NAME', 'cost'];
      expect(records.map(view)).toEqual([
        ['INIT', dw, 'Goods', ['ID'], [{ ID: '1', NAME: 'apple', cost: '1.50' }], null, keys, keys],
        ['INIT', dw, 'Goods', ['ID'], [{ ID: '2', NAME: 'pear', cost: '2.25' }], null, keys, keys],
        ['INSERT', dw, 'Goods', ['ID'], [{ ID: '3', NAME: 'plum', cost: '0.99' }], null, keys, keys],
        ['UPDATE', dw, 'Goods', ['ID'], [{ ID: '1', NAME: 'apple', cost: '1.75' }], [{ ID: '1', NAME: 'apple', cost: '1.50' }], keys, keys],
        ['DELETE', dw, 'Goods', ['ID'], [{ ID: '2', NAME: 'pear', cost: '2.25' }], null, keys, keys],
      ]);
      // Each record is small: the 50,000-byte column stays at the source.
      expect(Math.max(...records.map((r) => JSON.stringify(r).length))).toBeLessThan(1024);

      // MaxCompute: names are case-insensitive there and its tables carry no database.
      const judge = mc.judge();
      const base = await readUntil(
        () => judge.read('goods_base'),
        (r) => r.length >= 2,
        60_000,
        'goods_base holding the 2 full-sync rows',
      );
      expect(base.map((r) => lowerKeys(r.values)).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
        { id: '1', name: 'apple', cost: '1.50' },
        { id: '2', name: 'pear', cost: '2.25' },
      ]);
      const m = metadataNames();
      const log = await readUntil(
        () => judge.read('goods_log'),
        (r) => r.length >= 4,
        60_000,
        'goods_log holding 4 rows',
      );
      const logRows = log.map((r) => lowerKeys(r.values)).map((v) => [v[m.flag], v[m.before], v[m.after], v.id, v.name, v.cost]);
      expect(logRows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        ['D', 'Y', 'N', '2', 'pear', '2.25'],
        ['I', 'N', 'Y', '3', 'plum', '0.99'],
        ['U', 'N', 'Y', '1', 'apple', '1.75'],
        ['U', 'Y', 'N', '1', 'apple', '1.50'],
      ]);
      const schema = await judge.schema('goods_base');
      expect(schema.columns.map((c) => c.name.toLowerCase())).toEqual(['id', 'name', 'cost']);
    } finally {
      await task.stop();
    }
  });
});

function lowerKeys<T>(values: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
}
