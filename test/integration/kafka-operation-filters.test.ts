/**
 * DTS "operations to synchronize" per object, end to end: one table limited to INSERT, one to
 * DELETE and DDL, one without a list, and a second database whose entry allows only UPDATE.
 * Exactly the allowed changes reach Kafka, in binlog order; record ids are handed out before the
 * filter, so they keep increasing with gaps exactly where filtered changes were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import type { CanalMessage } from '../helpers/canal-message.ts';
import { consumeTopics, messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const db = uniqueName('opfilter');
const db2 = uniqueName('opfilter_upd');
const topic = uniqueName('opfilter');

type Canal = CanalMessage;

describe('per-object operation filters', () => {
  let conn: mysql.Connection;
  let task: RunningTask;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE DATABASE ${db2}`);
    for (const t of ['ins', 'del', 'everything', 'unlisted']) await conn.query(`CREATE TABLE ${db}.${t} (id INT PRIMARY KEY, v VARCHAR(20))`);
    await conn.query(`CREATE TABLE ${db2}.u (id INT PRIMARY KEY, v VARCHAR(20))`);
    task = startTask(
      taskFor(
        { database: db, topic, dir: await tempDir('opfilter') },
        {
          source: sourceWithOwnServerId(),
          objects: [
            { database: db, tables: [{ name: 'ins', operations: ['INSERT'] }, { name: 'del', operations: ['DELETE', 'DDL'] }, 'everything'] },
            { database: db2, operations: ['UPDATE'] },
          ],
          destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
        },
      ),
    );
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.query(`DROP DATABASE IF EXISTS ${db2}`);
    await conn?.end();
  });

  it('delivers only the allowed operations of each object, with ids that keep their gaps', { timeout: 60_000 }, async () => {
    // Every change of the selected objects in binlog order, and whether the filter lets it through.
    const written: { what: string; passes: boolean }[] = [];
    const allowed: Record<string, string[]> = {
      [`${db}.ins`]: ['INSERT'],
      [`${db}.del`]: ['DELETE', 'DDL'],
      [`${db}.everything`]: ['INSERT', 'UPDATE', 'DELETE', 'DDL'],
      [`${db2}.u`]: ['UPDATE'],
    };
    const book = (database: string, table: string, op: string, id?: number) =>
      written.push({ what: `${op} ${database}.${table}${id === undefined ? '' : ` ${id}`}`, passes: allowed[`${database}.${table}`]!.includes(op) });
    const dml = async (sql: string, changes: [database: string, table: string, op: string, id: number][]) => {
      await conn.query(sql);
      for (const c of changes) book(...c);
    };

    for (let round = 1; round <= 3; round++) {
      const a = round * 10;
      await dml(`INSERT INTO ${db}.ins VALUES (${a}, 'i')`, [[db, 'ins', 'INSERT', a]]);
      await dml(`INSERT INTO ${db}.del VALUES (${a}, 'd'), (${a + 1}, 'd')`, [
        [db, 'del', 'INSERT', a],
        [db, 'del', 'INSERT', a + 1],
      ]);
      await dml(`INSERT INTO ${db}.everything VALUES (${a}, 'e')`, [[db, 'everything', 'INSERT', a]]);
      await dml(`INSERT INTO ${db}.unlisted VALUES (${a}, 'x')`, []); // not selected: no record, no id
      await dml(`INSERT INTO ${db2}.u VALUES (${a}, 'u')`, [[db2, 'u', 'INSERT', a]]);
      // One transaction across all of them.
      await dml(
        `BEGIN; UPDATE ${db}.ins SET v = 'i2' WHERE id = ${a}; UPDATE ${db}.del SET v = 'd2' WHERE id = ${a}; UPDATE ${db}.everything SET v = 'e2' WHERE id = ${a}; UPDATE ${db2}.u SET v = 'u2' WHERE id = ${a}; DELETE FROM ${db}.del WHERE id = ${a + 1}; COMMIT`,
        [
          [db, 'ins', 'UPDATE', a],
          [db, 'del', 'UPDATE', a],
          [db, 'everything', 'UPDATE', a],
          [db2, 'u', 'UPDATE', a],
          [db, 'del', 'DELETE', a + 1],
        ],
      );
      await dml(`DELETE FROM ${db}.ins WHERE id = ${a}`, [[db, 'ins', 'DELETE', a]]);
      await dml(`DELETE FROM ${db}.del WHERE id = ${a}`, [[db, 'del', 'DELETE', a]]);
      await dml(`DELETE FROM ${db2}.u WHERE id = ${a}`, [[db2, 'u', 'DELETE', a]]);
    }
    for (const [database, table] of [
      [db, 'ins'],
      [db, 'del'],
      [db, 'everything'],
      [db2, 'u'],
    ] as const) {
      await conn.query(`ALTER TABLE ${database}.${table} ADD COLUMN w${table} INT NULL`);
      book(database, table, 'DDL');
    }
    await dml(`INSERT INTO ${db}.ins VALUES (99, 'i', 1)`, [[db, 'ins', 'INSERT', 99]]);
    await dml(`UPDATE ${db}.everything SET v = 'last' WHERE id = 10`, [[db, 'everything', 'UPDATE', 10]]); // the last change: passes

    const expected = written.map((w, i) => ({ ...w, id: i + 1 })).filter((w) => w.passes);
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(written.length - 15);
    await waitForTopics([topic]);
    const got = (await consumeTopics({ [topic]: expected.length }))[topic]!.map((m) => JSON.parse(m.value.toString('utf8')) as Canal);
    // The last change passes: once it arrived, everything before it did; nothing else is there.
    expect(await messageCount(topic)).toBe(expected.length);

    const what = (m: Canal) => `${m.isDdl ? 'DDL' : m.type} ${m.database}.${m.table}${m.isDdl ? '' : ` ${m.data![0]!.id}`}`;
    expect(got.map(what)).toEqual(expected.map((e) => e.what));
    // Ids were given before filtering: increasing, with a gap for every change filtered out.
    expect(got.map((m) => m.id)).toEqual(expected.map((e) => e.id));
    expect(got.some((m, i) => i > 0 && m.id > got[i - 1]!.id + 1)).toBe(true);
    // The unfiltered table got every change; the others only theirs.
    const count = (table: string, op?: string) => got.filter((m) => `${m.database}.${m.table}` === table && (op === undefined || (m.isDdl ? 'DDL' : m.type) === op)).length;
    expect([count(`${db}.everything`), written.filter((w) => w.what.includes(`${db}.everything`)).length]).toEqual([8, 8]);
    expect([count(`${db}.ins`), count(`${db}.ins`, 'INSERT')]).toEqual([4, 4]);
    expect([count(`${db}.del`), count(`${db}.del`, 'DELETE'), count(`${db}.del`, 'DDL')]).toEqual([7, 6, 1]);
    expect([count(`${db2}.u`), count(`${db2}.u`, 'UPDATE')]).toEqual([3, 3]);
    expect(got.some((m) => m.table === 'unlisted')).toBe(false);
  });
});
