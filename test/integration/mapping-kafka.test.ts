/**
 * Object mapping into Kafka, end to end against the stack: a database and a table renamed, a
 * column dropped and one renamed, a keep list, and objectNameCase, through full sync (INIT) and
 * incremental sync, in Canal JSON and DTS Avro from one task. Per-table topic settings name the
 * table as delivered; DDL carries the delivered names and the statement as the source ran it.
 */
import { describe, expect, it } from 'vitest';
import { dtsAvroRecordType } from '../../shared/encode/dts-avro/index.ts';
import { MappingError } from '../../shared/mapping/index.ts';
import type { CanalMessage } from '../helpers/canal-message.ts';
import { consumeTopics, messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const source = useDatabase(
  'mapk',
  'CREATE TABLE ${db}.Orders (Id INT PRIMARY KEY, Cust_Id INT, Payload LONGBLOB, Note VARCHAR(20))',
  'CREATE TABLE ${db}.Users (Id INT PRIMARY KEY, Name VARCHAR(20), Secret VARCHAR(40))',
);

type Canal = CanalMessage;

const PAYLOAD_BYTES = 64 * 1024;

describe('object mapping into Kafka', () => {
  it('renamed database, table and columns, dropped columns, upper case: full and incremental, Canal JSON and DTS Avro', { timeout: 90_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const dw = `${db}_dw`;
    const [canalTopic, usersTopic, avroTopic] = [uniqueName('mapc'), uniqueName('mapu'), uniqueName('mapa')];
    await conn.query(`INSERT INTO ${db}.Orders VALUES (1, 11, REPEAT('x', ${PAYLOAD_BYTES}), 'n1'), (2, 12, REPEAT('y', ${PAYLOAD_BYTES}), 'n2'), (3, 13, NULL, NULL)`);
    await conn.query(`INSERT INTO ${db}.Users VALUES (1, 'ann', 's1'), (2, 'bob', 's2')`);
    const task = startTask(
      taskFor(
        { database: db, topic: canalTopic, dir: await tempDir('mapk') },
        {
          source: sourceWithOwnServerId(),
          syncTypes: ['full', 'incremental'],
          objectNameCase: 'upper',
          objects: [
            {
              database: db,
              as: dw,
              tables: [
                { name: 'Orders', as: 'orders_v2', columns: { drop: ['payload'], rename: { cust_id: 'customer_id' } } },
                { name: 'Users', columns: { keep: ['id', 'name'] } },
              ],
            },
          ],
          destinations: [
            { type: 'kafka', name: 'canal', brokers: [stack.kafkaBroker], topic: canalTopic, format: 'canal-json', mapping: [{ database: dw, table: 'USERS', topic: usersTopic }] },
            { type: 'kafka', name: 'avro', brokers: [stack.kafkaBroker], topic: avroTopic, format: 'dts-avro' },
          ],
        },
      ),
    );
    try {
      await task.ready;
      // The full sync's rows first, so that the changes below follow them in each topic.
      await waitForTopics([canalTopic, usersTopic, avroTopic]);
      await consumeTopics({ [canalTopic]: 3, [usersTopic]: 2, [avroTopic]: 5 }, 60_000);
      await conn.query(`INSERT INTO ${db}.Orders VALUES (4, 14, REPEAT('z', ${PAYLOAD_BYTES}), 'n4')`);
      await conn.query(`UPDATE ${db}.Orders SET Cust_Id = 99, Payload = 'changed' WHERE Id = 1`);
      await conn.query(`DELETE FROM ${db}.Orders WHERE Id = 2`);
      await conn.query(`INSERT INTO ${db}.Users VALUES (3, 'cy', 's3')`);
      const ddl = `ALTER TABLE ${db}.Orders ADD COLUMN Extra INT NULL`;
      await conn.query(ddl);
      await conn.query(`INSERT INTO ${db}.Orders VALUES (5, 15, 'p', 'n5', 7)`);

      const got = await consumeTopics({ [canalTopic]: 8, [usersTopic]: 3, [avroTopic]: 11 }, 60_000);
      expect([await messageCount(canalTopic), await messageCount(usersTopic), await messageCount(avroTopic)]).toEqual([8, 3, 11]);
      const canal = got[canalTopic]!.map((m) => ({ size: m.value.length, m: JSON.parse(m.value.toString('utf8')) as Canal }));
      const users = got[usersTopic]!.map((m) => JSON.parse(m.value.toString('utf8')) as Canal);

      // Orders: the explicit names as written, the rest upper case; Payload never leaves the source.
      const rows = canal.filter(({ m }) => !m.isDdl);
      expect(rows.every(({ m }) => m.database === dw && m.table === 'orders_v2' && JSON.stringify(m.pkNames) === '["ID"]')).toBe(true);
      const what = (m: Canal) => `${m.type} ${JSON.stringify(m.data![0])}${m.old ? ` old ${JSON.stringify(m.old[0])}` : ''}`;
      expect(rows.slice(0, 3).map(({ m }) => what(m))).toEqual([
        'INSERT {"ID":"1","customer_id":"11","NOTE":"n1"}',
        'INSERT {"ID":"2","customer_id":"12","NOTE":"n2"}',
        'INSERT {"ID":"3","customer_id":"13","NOTE":null}',
      ]);
      expect(rows.slice(3).map(({ m }) => what(m))).toEqual([
        'INSERT {"ID":"4","customer_id":"14","NOTE":"n4"}',
        // Payload changed too, but it is not delivered: old lists only customer_id.
        'UPDATE {"ID":"1","customer_id":"99","NOTE":"n1"} old {"customer_id":"11"}',
        'DELETE {"ID":"2","customer_id":"12","NOTE":"n2"}',
        'INSERT {"ID":"5","customer_id":"15","NOTE":"n5","EXTRA":"7"}',
      ]);
      expect(Object.keys(rows.at(-1)!.m.mysqlType!)).toEqual(['ID', 'customer_id', 'NOTE', 'EXTRA']);
      // The 64 KiB payload is gone from every message.
      expect(Math.max(...rows.map((r) => r.size))).toBeLessThan(1024);
      const ddlMessage = canal.find(({ m }) => m.isDdl)!.m;
      expect([ddlMessage.database, ddlMessage.table, ddlMessage.type, ddlMessage.sql]).toEqual([dw, 'orders_v2', 'ALTER', ddl]);

      // Users, routed by its delivered name to its own topic: only the kept columns, in upper case.
      expect(users.map((m) => [m.database, m.table, m.type, m.data![0], m.pkNames])).toEqual([
        [dw, 'USERS', 'INSERT', { ID: '1', NAME: 'ann' }, ['ID']],
        [dw, 'USERS', 'INSERT', { ID: '2', NAME: 'bob' }, ['ID']],
        [dw, 'USERS', 'INSERT', { ID: '3', NAME: 'cy' }, ['ID']],
      ]);

      // DTS Avro from the same records: delivered names in objectName, fields and pk_uk_info; same ids.
      const avro = got[avroTopic]!.map(
        (m) =>
          dtsAvroRecordType.fromBuffer(m.value) as {
            id: number;
            operation: string;
            objectName: { string: string } | null;
            fields: { array: { name: string }[] } | null;
            tags: Record<string, string>;
            afterImages: unknown;
          },
      );
      const avroOrders = avro.filter((r) => r.objectName?.string === `${dw}.orders_v2`);
      expect(avroOrders.map((r) => r.id)).toEqual(rows.map(({ m }) => m.id));
      expect(avroOrders.slice(0, 6).every((r) => JSON.stringify(r.fields!.array.map((f) => f.name)) === '["ID","customer_id","NOTE"]' && r.tags.pk_uk_info === '{"PRIMARY":["ID"]}')).toBe(true);
      // Every record names its task (ids are unique per task only): taskFor's task is called "test".
      expect([...new Set(avro.map((r) => r.tags.task_name))]).toEqual(['test']);
      expect(avro.filter((r) => r.objectName?.string === `${dw}.USERS`).map((r) => r.fields!.array.map((f) => f.name))).toEqual([
        ['ID', 'NAME'],
        ['ID', 'NAME'],
        ['ID', 'NAME'],
      ]);
      const avroDdl = avro.find((r) => r.operation === 'DDL')!;
      expect([avroDdl.objectName, avroDdl.afterImages, avroDdl.id]).toEqual([{ string: dw }, { string: ddl }, ddlMessage.id]);
    } finally {
      await task.stop();
    }
  });

  it('objectNameCase lower writes table and column names in lower case, values untouched', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const topic = uniqueName('mapl');
    const task = startTask(taskFor({ database: db, tables: ['Orders'], topic, dir: await tempDir('mapl') }, { source: sourceWithOwnServerId(), objectNameCase: 'lower' }));
    try {
      await task.ready;
      await conn.query(`INSERT INTO ${db}.Orders VALUES (40, 41, 'Mixed Case Value', 'Note', NULL)`);
      await waitForTopics([topic]);
      const [m] = (await consumeTopics({ [topic]: 1 }))[topic]!.map((x) => JSON.parse(x.value.toString('utf8')) as Canal);
      expect([m!.database, m!.table, m!.pkNames, m!.data]).toEqual([db, 'orders', ['id'], [{ id: '40', cust_id: '41', payload: 'Mixed Case Value', note: 'Note', extra: null }]]);
    } finally {
      await task.stop();
    }
  });

  it('stops the task when a rule leaves out a key column, naming table, column and path', { timeout: 60_000 }, async () => {
    const { db } = source;
    const topic = uniqueName('mapkey');
    const task = startTask(
      taskFor({ database: db, topic, dir: await tempDir('mapkey') }, { source: sourceWithOwnServerId(), objects: [{ database: db, tables: [{ name: 'Users', columns: { keep: ['name'] } }] }] }),
    );
    await task.ready;
    await source.conn().query(`INSERT INTO ${db}.Users VALUES (50, 'dee', 's')`);
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBeInstanceOf(MappingError);
    expect(outcome.error!.message).toBe(
      `column Id of ${db}.Users is part of its key (Id) and is not in objects[0].tables[0].columns.keep: destinations identify rows by the key, so every key column must be delivered; keep it (it may be renamed) and restart the task`,
    );
    expect(await messageCount(topic).catch(() => 0)).toBe(0);
  });
});
