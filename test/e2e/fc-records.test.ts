/**
 * The Function Compute destination end to end: `npm run fc:local` serves a target function, a
 * task reads the real MariaDB, and full-sync rows, DDL, INSERT, UPDATE and DELETE arrive at the
 * function as DTS documents them (reference/dts-docs/004), field by field, in binlog order. Then
 * the `reader` and `deliver-fc` functions, invoked as FC would, move further changes the same way.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { javaHashMapOrder } from '../../shared/encode/fc-records/index.ts';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { createLocalContext } from '../../shared/runtime/fc/context.ts';
import type { Row, RowRecord, TableSchema } from '../../shared/record/index.ts';
import { writeTaskFile } from '../helpers/cli.ts';
import { column } from '../helpers/columns.ts';
import { startFcLocalProcess, type FcLocalProcess } from '../helpers/fc-local-process.ts';
import { createFcTarget, type FcRecord, type FcTarget } from '../helpers/fc-target.ts';
import { startTask, taskFor, tempDir, useDatabase, waitFor, stack } from '../helpers/stack.ts';

const KEY_ID = 'LTAI-e2e';
const SECRET_ENV = 'DTS_TEST_FC_SECRET';
process.env[SECRET_ENV] = 'e2e-secret-value';

const rowFields = ['data', 'pkNames', 'type', 'serverId', 'es', 'sql', 'database', 'sqlType', 'mysqlType', 'id', 'isDdl', 'table', 'ts'];
const updateFields = ['data', 'pkNames', 'old', 'type', 'serverId', 'es', 'sql', 'database', 'sqlType', 'mysqlType', 'id', 'isDdl', 'table', 'ts'];
const ddlFields = ['type', 'serverId', 'es', 'sql', 'database', 'id', 'isDdl', 'table', 'ts'];

describe('FC destination, end to end', () => {
  const { db, conn: source } = useDatabase('fce2e', 'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2), at DATETIME(3), note TEXT)');
  let conn: mysql.Connection;
  let target: FcTarget;
  let endpoint: FcLocalProcess;
  let serverId: string;

  beforeAll(async () => {
    conn = source();
    serverId = String(((await conn.query('SELECT @@server_id AS id')) as unknown as [{ id: number }[]])[0][0]!.id);
    target = await createFcTarget();
    endpoint = await startFcLocalProcess(target.dir, ['--access-key-id', KEY_ID, '--service', 'dts', '--function', 'target'], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: process.env[SECRET_ENV] });
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  const destination = (name = 'fc') => ({
    type: 'fc' as const,
    name,
    region: 'cn-hangzhou',
    accountId: '1234567890',
    endpoint: endpoint.url,
    accessKeyId: KEY_ID,
    accessKeySecret: { env: SECRET_ENV },
    service: 'dts',
    function: 'target',
  });

  it('delivers full-sync rows, DDL, INSERT, UPDATE and DELETE in the documented shape, in order', { timeout: 90_000 }, async () => {
    // Full data sync: the rows present before the task, as INIT records, stored in the task's queue
    // ahead of the binlog position incremental sync starts from.
    await conn.query(`INSERT INTO ${db}.items VALUES (1, 'apple', 1.50, '2026-01-01 00:00:00.125', NULL), (2, 'pear', 2.00, '2026-01-02 08:30:00.000', 'ripe')`);
    const [[status]] = (await conn.query('SHOW MASTER STATUS')) as unknown as [{ File: string; Position: number }[]];
    const schema: TableSchema = {
      database: db,
      table: 'items',
      pkNames: ['id'],
      columns: [column('id', 'int(11)', { key: true, nullable: false }), column('name', 'varchar(20)'), column('price', 'decimal(8,2)'), column('at', 'datetime(3)'), column('note', 'text')],
    };
    const [rows] = (await conn.query(`SELECT id, name, price, at, note FROM ${db}.items ORDER BY id`)) as unknown as [Record<string, number | string | null>[]];
    const snapshotMs = Date.now();
    const init: RowRecord[] = rows.map((r, i) => ({
      op: 'INIT',
      id: i + 1,
      seq: i,
      schema,
      before: null,
      after: [r.id, r.name, r.price, r.at, r.note] as Row,
      source: { serverId: Number(serverId), file: status!.File, position: Number(status!.Position), gtid: null, timestampMs: snapshotMs, txId: null },
    }));
    const dir = await tempDir('fce2e');
    const queue = await createFileQueue(dir, { consumers: ['fc'] });
    await queue.append({ records: init, resume: { file: status!.File, position: Number(status!.Position), gtidSet: null, nextRecordId: 3 }, endsTransaction: true, lastRecordId: 2 });
    await queue.close();

    const task = startTask(taskFor({ database: db, topic: 'unused', dir }, { destinations: [destination()] }));
    const startedMs = Date.now();
    try {
      await task.ready;
      const ddl = `ALTER TABLE ${db}.items ADD COLUMN qty INT NULL`;
      await conn.query(ddl);
      await conn.query(`INSERT INTO ${db}.items VALUES (3, 'plum', 0.99, '2026-01-03 10:00:00.500', 'new', 7)`);
      await conn.query(`UPDATE ${db}.items SET price = 1.75, qty = 5 WHERE id = 1`);
      await conn.query(`DELETE FROM ${db}.items WHERE id = 2`);
      const records = await waitFor(
        async () => {
          const got = (await target.delivered()).filter((r) => r.database === db);
          return got.length >= 6 && got;
        },
        60_000,
        'six records at the function',
      );
      const doneMs = Date.now();
      expect(records).toHaveLength(6);

      // Times: es is the source's (binlog: whole seconds), ts when the record went to the function.
      for (const r of records) {
        expect(r.ts as number).toBeGreaterThanOrEqual(r.type === 'INIT' ? snapshotMs : startedMs - 1000);
        expect(r.ts as number).toBeLessThanOrEqual(doneMs);
      }
      expect(records.slice(2).every((r) => (r.es as number) % 1000 === 0 && (r.es as number) >= Math.floor(startedMs / 1000) * 1000 - 1000 && (r.es as number) <= doneMs)).toBe(true);
      const stripTimes = ({ es: _es, ts: _ts, ...rest }: FcRecord) => rest;

      const before = { id: 3, name: 253, price: 246, at: 12, note: 252 };
      const names = { id: 'int', name: 'varchar', price: 'decimal', at: 'datetime', note: 'text' };
      const common = { pkNames: ['id'], serverId, sql: '', database: db, isDdl: false, table: 'items' };
      expect(records.map(stripTimes)).toEqual([
        { ...common, type: 'INIT', id: 1, data: [{ id: '1', name: 'apple', price: '1.50', at: '2026-01-01 00:00:00.125', note: null }], sqlType: before, mysqlType: names },
        { ...common, type: 'INIT', id: 2, data: [{ id: '2', name: 'pear', price: '2.00', at: '2026-01-02 08:30:00.000', note: 'ripe' }], sqlType: before, mysqlType: names },
        { type: 'DDL', serverId, sql: ddl, database: db, id: 3, isDdl: true, table: 'items' },
        {
          ...common,
          type: 'INSERT',
          id: 4,
          data: [{ id: '3', name: 'plum', price: '0.99', at: '2026-01-03 10:00:00.500', note: 'new', qty: '7' }],
          sqlType: { ...before, qty: 3 },
          mysqlType: { ...names, qty: 'int' },
        },
        {
          ...common,
          type: 'UPDATE',
          id: 5,
          data: [{ id: '1', name: 'apple', price: '1.75', at: '2026-01-01 00:00:00.125', note: null, qty: '5' }],
          old: [{ id: '1', name: 'apple', price: '1.50', at: '2026-01-01 00:00:00.125', note: null, qty: null }],
          sqlType: { ...before, qty: 3 },
          mysqlType: { ...names, qty: 'int' },
        },
        {
          ...common,
          type: 'DELETE',
          id: 6,
          data: [{ id: '2', name: 'pear', price: '2.00', at: '2026-01-02 08:30:00.000', note: 'ripe', qty: null }],
          sqlType: { ...before, qty: 3 },
          mysqlType: { ...names, qty: 'int' },
        },
      ]);
      // Field order as DTS writes it, and row keys in its HashMap order.
      expect(records.map((r) => Object.keys(r))).toEqual([rowFields, rowFields, ddlFields, rowFields, updateFields, rowFields]);
      const columns = ['id', 'name', 'price', 'at', 'note', 'qty'];
      expect(Object.keys(records[4]!.data![0]!)).toEqual(javaHashMapOrder(columns));
      expect(Object.keys(records[4]!.old![0]!)).toEqual(javaHashMapOrder(columns));
      expect(Object.keys(records[0]!.data![0]!)).toEqual(javaHashMapOrder(columns.slice(0, 5)));
      // Every invocation reached the function named in the destination.
      expect((await target.invocations()).every((i) => i.service === 'dts' && i.function === 'target' && i.qualifier === 'LATEST' && !i.failed)).toBe(true);
    } finally {
      expect((await task.stop()).status).toBe('STOPPED');
    }
  });

  it('reader then deliver-fc, invoked as FC would, move changes to the function', { timeout: 60_000 }, async () => {
    await conn.query(`CREATE TABLE ${db}.fn (id INT PRIMARY KEY, v VARCHAR(20))`);
    const taskFile = await writeTaskFile(await tempDir('fce2e-fn'), {
      name: 'fc-functions',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5901 },
      objects: [{ database: db, tables: ['fn'] }],
      destinations: [destination('to-fc')],
      queue: { type: 'file', dir: join(await tempDir('fce2e-fnq'), 'queue') },
    });
    type Handler = (event: Buffer, context: unknown) => Promise<Record<string, unknown>>;
    const load = async (name: string) => ((await import(`../../functions/${name}/index.ts`)) as { handler: Handler }).handler;
    const reader = await load('reader');
    const deliver = await load('deliver-fc');
    const reading = reader(Buffer.from(JSON.stringify({ taskFile, maxRunMs: 2500 })), createLocalContext('reader'));
    await new Promise((r) => setTimeout(r, 1000));
    await conn.query(`INSERT INTO ${db}.fn VALUES (1, 'one'), (2, 'two')`);
    await conn.query(`UPDATE ${db}.fn SET v = 'uno' WHERE id = 1`);
    expect(await reading).toMatchObject({ task: 'fc-functions', records: 3 });
    expect(await deliver(Buffer.from(JSON.stringify({ taskFile, idleMs: 500 })), createLocalContext('deliver-fc'))).toEqual({ task: 'fc-functions', delivered: { 'to-fc': 3 } });
    const got = (await target.delivered()).filter((r) => r.table === 'fn');
    expect(got.map((r) => [r.type, r.data![0]!.v])).toEqual([
      ['INSERT', 'one'],
      ['INSERT', 'two'],
      ['UPDATE', 'uno'],
    ]);
    expect(got.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
