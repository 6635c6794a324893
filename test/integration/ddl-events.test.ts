/**
 * DDL from the DTS list reaches Kafka in binlog order, with its Canal type, table and statement;
 * rows written after an ALTER carry the new shape; DDL of unselected databases stays out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { consumeMessages, createTopic, sourceConnection, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const db = uniqueName('ddl');
const elsewhere = uniqueName('ddl_other');
const topic = uniqueName('ddl');

describe('DDL events', () => {
  let conn: mysql.Connection;
  let task: RunningTask;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE DATABASE ${elsewhere}`);
    await createTopic(topic);
    // The whole database: tables created later are included.
    task = startTask(taskFor({ database: db, topic, dir: await tempDir('ddl') }));
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.query(`DROP DATABASE IF EXISTS ${elsewhere}`);
    await conn?.end();
  });

  it('delivers every DTS DDL kind in order with type, table and SQL', async () => {
    const statements: [sql: string, type: string, table: string][] = [
      [`CREATE TABLE ${db}.a (id INT PRIMARY KEY, v INT)`, 'CREATE', 'a'],
      [`ALTER TABLE ${db}.a ADD COLUMN w VARCHAR(10)`, 'ALTER', 'a'],
      [`INSERT INTO ${db}.a VALUES (1, 2, 'x')`, 'INSERT', 'a'],
      [`CREATE INDEX ix ON ${db}.a (v)`, 'CINDEX', 'a'],
      [`DROP INDEX ix ON ${db}.a`, 'DINDEX', 'a'],
      [`RENAME TABLE ${db}.a TO ${db}.b`, 'RENAME', 'a'],
      [`TRUNCATE TABLE ${db}.b`, 'TRUNCATE', 'b'],
      [`CREATE VIEW ${db}.vw AS SELECT 1 AS x`, 'QUERY', 'vw'],
      [`DROP VIEW ${db}.vw`, 'QUERY', 'vw'],
      [`CREATE PROCEDURE ${db}.p() BEGIN SELECT 1; END`, 'QUERY', 'p'],
      [`DROP PROCEDURE ${db}.p`, 'QUERY', 'p'],
      [`CREATE FUNCTION ${db}.fn() RETURNS INT DETERMINISTIC RETURN 1`, 'QUERY', 'fn'],
      [`DROP FUNCTION ${db}.fn`, 'QUERY', 'fn'],
      [`CREATE TRIGGER ${db}.tr BEFORE INSERT ON ${db}.b FOR EACH ROW SET NEW.v = 1`, 'QUERY', 'b'],
      [`DROP TRIGGER ${db}.tr`, 'QUERY', 'tr'],
      [`DROP TABLE ${db}.b`, 'ERASE', 'b'],
    ];
    for (const [sql] of statements) {
      await conn.query(sql);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${elsewhere}.noise (id INT)`); // another database: filtered out
      await conn.query(`DROP TABLE IF EXISTS ${elsewhere}.noise`);
    }

    const messages = (await consumeMessages(topic, statements.length)).map((m) => m.json);
    expect(messages.map((m) => [m.type, m.table])).toEqual(statements.map(([, type, table]) => [type, table]));
    messages.forEach((m, i) => {
      const [sql, type] = statements[i]!;
      expect(m.database).toBe(db);
      if (type === 'INSERT') {
        // The row written after ALTER carries the added column.
        expect(m.data).toEqual([{ id: '1', v: '2', w: 'x' }]);
        expect(m.isDdl).toBe(false);
        return;
      }
      expect(m).toMatchObject({ isDdl: true, data: null, old: null, mysqlType: null, sqlType: null, pkNames: null });
      // The server may rewrite a statement (DEFINER clauses, quoting); its keywords and names stay.
      const words = sql.split(/[\s().;]+/).filter((w) => /^[A-Z]{4,}$/.test(w));
      for (const w of words) expect((m.sql as string).toUpperCase()).toContain(w);
      expect(m.sql as string).toContain(String(statements[i]![2]));
    });
    expect(messages.map((m) => m.id)).toEqual(messages.map((_, i) => (messages[0]!.id as number) + i));
  });
});
