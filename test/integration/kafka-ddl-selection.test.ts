/**
 * DTS "DDL to synchronize" end to end: the task delivers CREATE/ALTER/DROP TABLE and CREATE INDEX,
 * one database entry narrows that to ALTER TABLE, and one table of it takes none. DDL goes to the
 * DDL topic (`ddlTopic`), rows to the data topic. Exactly the selected statements arrive, in binlog
 * order, with ids handed out before the filter; every row still arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { consumeTopics, messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const whole = uniqueName('ddlsel');
const narrow = uniqueName('ddlsel_narrow');
const topic = uniqueName('ddlsel');
const ddlTopic = `${topic}_ddl`;

interface Canal {
  id: number;
  database: string;
  table: string;
  isDdl: boolean;
  sql: string;
  type: string;
  data: Record<string, string | null>[] | null;
}

describe('DDL selection per task, database entry and table', () => {
  let conn: mysql.Connection;
  let task: RunningTask;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${whole}`);
    await conn.query(`CREATE DATABASE ${narrow}`);
    await conn.query(`CREATE TABLE ${whole}.a (id INT PRIMARY KEY, v VARCHAR(20))`);
    for (const t of ['n', 'quiet']) await conn.query(`CREATE TABLE ${narrow}.${t} (id INT PRIMARY KEY, v VARCHAR(20))`);
    task = startTask(
      taskFor(
        { database: whole, topic, dir: await tempDir('ddlsel') },
        {
          source: sourceWithOwnServerId(),
          ddl: { deliver: ['CREATE TABLE', 'ALTER TABLE', 'DROP TABLE', 'CREATE INDEX'] },
          objects: [{ database: whole }, { database: narrow, ddl: { deliver: ['ALTER_TABLE'] }, tables: ['n', { name: 'quiet', ddl: { deliver: 'none' } }] }],
          destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, ddlTopic, format: 'canal-json' }],
        },
      ),
    );
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${whole}`);
    await conn?.query(`DROP DATABASE IF EXISTS ${narrow}`);
    await conn?.end();
  });

  it('delivers the selected DDL kinds in order to the DDL topic and nothing else', { timeout: 90_000 }, async () => {
    // [statement, delivered?]: every statement makes one record (and takes one id) whether delivered or not.
    const statements: [string, boolean][] = [
      [`CREATE TABLE ${whole}.c (id INT PRIMARY KEY)`, true],
      [`ALTER TABLE ${whole}.a ADD COLUMN w INT NULL`, true],
      [`TRUNCATE TABLE ${whole}.a`, false],
      [`CREATE INDEX a_w ON ${whole}.a (w)`, true],
      [`CREATE VIEW ${whole}.v AS SELECT id FROM ${whole}.a`, false],
      [`DROP VIEW ${whole}.v`, false],
      [`RENAME TABLE ${whole}.c TO ${whole}.c2`, false],
      [`DROP TABLE ${whole}.c2`, true],
      [`ALTER TABLE ${narrow}.n ADD COLUMN w INT NULL`, true],
      [`CREATE INDEX n_w ON ${narrow}.n (w)`, false], // the entry's list is ALTER TABLE only
      [`TRUNCATE TABLE ${narrow}.n`, false],
      [`ALTER TABLE ${narrow}.quiet ADD COLUMN w INT NULL`, false], // the table takes none
    ];
    const rows = [`INSERT INTO ${whole}.a VALUES (1, 'a', NULL)`, `INSERT INTO ${narrow}.quiet VALUES (2, 'q', NULL)`, `INSERT INTO ${narrow}.n VALUES (3, 'n', NULL)`];
    for (const [sql] of statements) await conn.query(sql);
    for (const sql of rows) await conn.query(sql);

    const ids = statements.map((s, i) => ({ sql: s[0], delivered: s[1], id: i + 1 }));
    const expected = ids.filter((s) => s.delivered);
    await waitForTopics([topic, ddlTopic]);
    const got = await consumeTopics({ [ddlTopic]: expected.length, [topic]: rows.length }, 60_000);
    const ddl = got[ddlTopic]!.map((m) => JSON.parse(m.value.toString('utf8')) as Canal);
    const data = got[topic]!.map((m) => JSON.parse(m.value.toString('utf8')) as Canal);
    // The rows came after every statement: once they arrived, so did every delivered statement.
    expect(await messageCount(ddlTopic)).toBe(expected.length);
    expect(await messageCount(topic)).toBe(rows.length);
    expect(ddl.every((m) => m.isDdl)).toBe(true);
    // The server writes DROP TABLE back with quoted names and a comment.
    const plain = (sql: string) =>
      sql
        .replace(/\/\*.*?\*\//g, '')
        .replaceAll('`', '')
        .trim();
    expect(ddl.map((m) => plain(m.sql))).toEqual(expected.map((e) => e.sql));
    expect(ddl.map((m) => m.id)).toEqual(expected.map((e) => e.id));
    expect(data.map((m) => `${m.type} ${m.database}.${m.table} ${m.data![0]!.id}`)).toEqual([`INSERT ${whole}.a 1`, `INSERT ${narrow}.quiet 2`, `INSERT ${narrow}.n 3`]);
    expect(data.map((m) => m.id)).toEqual([statements.length + 1, statements.length + 2, statements.length + 3]);
  });
});
