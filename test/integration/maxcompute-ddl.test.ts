/**
 * Schema changes and existing tables, through whole tasks against the real MariaDB and a local
 * MaxCompute read by the official Java SDK:
 * - ADD COLUMN: `_base` and `_log` both gain the column at the end; rows before it read NULL there,
 *   rows after carry it;
 * - DROP COLUMN: the task stops with the statement and its binlog position; the rows before it are
 *   in `_log`;
 * - an existing table of another shape, or a source column named like a metadata column of the
 *   naming rule, stops the task before anything is written, naming both shapes or the column.
 */
import { describe, expect, it } from 'vitest';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase } from '../helpers/stack.ts';

const source = useDatabase(
  'mcddl',
  'CREATE TABLE ${db}.grow (id INT PRIMARY KEY, name VARCHAR(20))',
  'CREATE TABLE ${db}.shrink (id INT PRIMARY KEY, name VARCHAR(20), note TEXT)',
  'CREATE TABLE ${db}.shape (id INT PRIMARY KEY, name VARCHAR(20))',
  'CREATE TABLE ${db}.clash (id INT PRIMARY KEY, record_id BIGINT)',
);
const mc = useLocalMaxCompute('mcddl');

async function runTask(table: string, overrides: Record<string, unknown> = {}) {
  return startTask(
    taskFor(
      { database: source.db, tables: [table], topic: 'unused', dir: await tempDir(`mcddl-${table}`) },
      {
        source: sourceWithOwnServerId(),
        syncTypes: ['full', 'incremental'],
        destinations: [maxComputeDestination(mc.endpoint(), overrides)],
      },
    ),
  );
}

describe('MaxCompute: schema changes and existing tables', () => {
  it('ADD COLUMN adds the column to _base and _log; later rows carry it', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.grow VALUES (1, 'copied')`);
    const task = await runTask('grow');
    try {
      await task.ready;
      const judge = mc.judge();
      // The full sync is over (its row committed to _base) before the changes: a chunk still
      // pending at the ALTER is read again, and would then copy rows 2 and 3 into _base as well.
      await readUntil(
        () => judge.read('grow_base'),
        (rows) => rows.length >= 1,
        40_000,
        'grow_base holding the copied row',
      );
      await conn.query(`INSERT INTO ${db}.grow VALUES (2, 'before')`);
      await conn.query(`ALTER TABLE ${db}.grow ADD COLUMN qty INT`);
      await conn.query(`INSERT INTO ${db}.grow VALUES (3, 'after', 7)`);
      await conn.query(`UPDATE ${db}.grow SET qty = 5 WHERE id = 2`);
      const log = await readUntil(
        () => judge.read('grow_log'),
        (rows) => rows.length >= 4,
        40_000,
        'grow_log holding 4 rows',
      );
      const base = await judge.read('grow_base');
      for (const table of ['grow_base', 'grow_log']) {
        const columns = (await judge.schema(table)).columns;
        expect(
          columns.slice(-3).map((c) => `${c.name} ${c.type} ${c.comment}`),
          table,
        ).toEqual(['id INT int(11)', 'name STRING varchar(20)', 'qty INT int(11)']);
      }
      expect(base.map((r) => r.values)).toEqual([{ id: '1', name: 'copied', qty: null }]);
      const summary = log
        .map((r) => [BigInt(r.values.new_dts_sync_record_id as string), r.values.new_dts_sync_before_flag, r.values.id, r.values.name, r.values.qty] as const)
        .sort((a, b) => (a[0] === b[0] ? (a[1] === 'Y' ? -1 : 1) : a[0] < b[0] ? -1 : 1))
        .map(([, before, ...rest]) => [before, ...rest]);
      expect(summary).toEqual([
        ['N', '2', 'before', null],
        ['N', '3', 'after', '7'],
        ['Y', '2', 'before', null],
        ['N', '2', 'before', '5'],
      ]);
    } finally {
      await task.stop();
    }
  });

  it('DROP COLUMN stops the task with the statement and its position; the rows before it are written', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const task = await runTask('shrink');
    await task.ready;
    await conn.query(`INSERT INTO ${db}.shrink VALUES (1, 'kept', 'n')`);
    const drop = `ALTER TABLE ${db}.shrink DROP COLUMN note`;
    await conn.query(drop);
    await conn.query(`INSERT INTO ${db}.shrink VALUES (2, 'stops')`);
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    const position = '\\S+:\\d+(?: \\(gtid [^)]+\\))? row 0';
    expect(outcome.error?.message).toMatch(
      new RegExp(
        `the columns of ${db}\\.shrink changed from \\(\`id\` INT, \`name\` STRING, \`note\` STRING\\) to \\(\`id\` INT, \`name\` STRING\\), which MaxCompute destination "mc" cannot follow .*` +
          `the last DDL on it was \`${drop}\` at ${position}; the first row in the new shape is at ${position}`,
      ),
    );
    const rows = await mc.judge().read('shrink_log');
    expect(rows.map((r) => [r.values.new_dts_sync_operation_flag, r.values.id, r.values.name, r.values.note])).toEqual([['I', '1', 'kept', 'n']]);
  });

  it('an existing table of another shape is a precheck error naming both shapes; nothing is written', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.shape VALUES (1, 'x')`);
    const judge = mc.judge();
    await judge.sql('CREATE TABLE shape_base (id BIGINT, name STRING);');
    const task = await runTask('shape');
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toContain(
      `precheck of ${db}.shape for MaxCompute destination "mc": MaxCompute table shape_base exists with another shape: it has (\`id\` BIGINT, \`name\` STRING), but this task writes (\`id\` INT, \`name\` STRING)`,
    );
    expect(await judge.read('shape_base')).toEqual([]);
    await expect(judge.schema('shape_log')).rejects.toThrow(/shape_log/);
  });

  it('a column named like a metadata column of the naming rule is a precheck error naming it and the fix', { timeout: 60_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.clash VALUES (1, 2)`);
    const task = await runTask('clash', { namingRule: 'old' });
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toMatch(new RegExp(`the MaxCompute precheck failed:\\n  - column record_id of ${db}\\.clash has the name of a column that the "old" naming rule adds`));
    await expect(mc.judge().schema('clash_base')).rejects.toThrow(/clash_base/);
  });
});
