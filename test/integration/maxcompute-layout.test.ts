/**
 * The `_log` metadata and partitions as DTS lays them out, under both naming rules, read back
 * through the official Java SDK: one task with two MaxCompute destinations (project dts_demo:
 * the new rule and the default year/month/day/hour partitions; project dts_old: the old rule and
 * every level down to the minute). Changes run with chosen binlog times (SET timestamp), so the
 * timestamps and partitions are exact: record ids increase, both rows of an UPDATE share id, flag
 * and timestamp (old values first), and each change lands in the partition of its UTC time.
 */
import { describe, expect, it } from 'vitest';
import type { OdpsRow } from '../helpers/java-odps.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, metadataNames, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase } from '../helpers/stack.ts';

const source = useDatabase('mclayout', 'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(20))');
const mc = useLocalMaxCompute('mclayout', ['dts_demo', 'dts_old']);

const at = (iso: string) => Date.parse(iso) / 1000;
// Four transactions at chosen times: two in one hour, one in the next hour, one months later.
const T1 = at('2026-01-09T05:07:30Z');
const T2 = at('2026-01-09T05:59:59Z');
const T3 = at('2026-01-09T06:00:00Z');
const T4 = at('2026-10-31T23:01:02Z');

interface LogRow {
  id: bigint;
  flag: string;
  ts: number;
  before: string;
  after: string;
  key: string;
  name: string | null;
  partition: string | null;
}

function logRowsOf(rows: OdpsRow[], rule: 'new' | 'old'): LogRow[] {
  const m = metadataNames(rule);
  return rows
    .map((r) => ({
      id: BigInt(r.values[m.recordId] as string),
      flag: r.values[m.flag] as string,
      ts: Number(r.values[m.timestamp]),
      before: r.values[m.before] as string,
      after: r.values[m.after] as string,
      key: r.values.id as string,
      name: r.values.name as string | null,
      partition: r.partition,
    }))
    .sort((a, b) => (a.id === b.id ? (a.before === 'Y' ? -1 : 1) : a.id < b.id ? -1 : 1));
}

describe('MaxCompute: _log metadata and partitions', () => {
  it('record ids, flags, UTC timestamps and partitions under both naming rules', { timeout: 90_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const dir = await tempDir('mclayout');
    const task = startTask(
      taskFor(
        { database: db, tables: ['items'], topic: 'unused', dir },
        {
          source: sourceWithOwnServerId(),
          destinations: [
            maxComputeDestination(mc.endpoint(), { name: 'mc_new' }),
            maxComputeDestination(mc.endpoint(), { name: 'mc_old', project: 'dts_old', namingRule: 'old', partitionKeys: ['year', 'month', 'day', 'hour', 'minute'] }),
          ],
        },
      ),
    );
    try {
      await task.ready;
      await conn.query(`SET timestamp = ${T1}`);
      await conn.query(`INSERT INTO ${db}.items VALUES (1, 'one'), (2, 'two')`);
      await conn.query(`SET timestamp = ${T2}`);
      await conn.query(`UPDATE ${db}.items SET name = 'uno' WHERE id = 1`);
      await conn.query(`SET timestamp = ${T3}`);
      await conn.query(`DELETE FROM ${db}.items WHERE id = 2`);
      await conn.query(`SET timestamp = ${T4}`);
      await conn.query(`UPDATE ${db}.items SET name = NULL`);
      await conn.query('SET timestamp = DEFAULT');

      const expected = [
        // flag, before, after, key, name, binlog time
        ['I', 'N', 'Y', '1', 'one', T1],
        ['I', 'N', 'Y', '2', 'two', T1],
        ['U', 'Y', 'N', '1', 'one', T2],
        ['U', 'N', 'Y', '1', 'uno', T2],
        ['D', 'Y', 'N', '2', 'two', T3],
        ['U', 'Y', 'N', '1', 'uno', T4],
        ['U', 'N', 'Y', '1', null, T4],
      ];
      for (const [rule, project] of [
        ['new', 'dts_demo'],
        ['old', 'dts_old'],
      ] as const) {
        const judge = mc.judge(project);
        const rows = logRowsOf(
          await readUntil(
            () => judge.read('items_log'),
            (r) => r.length >= 7,
            60_000,
            `items_log in ${project} holding 7 rows`,
          ),
          rule,
        );
        expect(
          rows.map((r) => [r.flag, r.before, r.after, r.key, r.name, r.ts]),
          `rows of the ${rule} rule`,
        ).toEqual(expected);
        // Record ids: one per change, increasing; both rows of an UPDATE share theirs.
        const ids = rows.map((r) => r.id);
        expect(ids[0]! < ids[1]! && ids[1]! < ids[2]! && ids[2] === ids[3] && ids[3]! < ids[4]! && ids[4]! < ids[5]! && ids[5] === ids[6], `record ids ${ids.join(', ')}`).toBe(true);
        const p = rule === 'new' ? 'new_dts_sync_modifytime_' : 'modifytime_';
        const partition = (y: string, mo: string, d: string, h: string, mi: string) =>
          rule === 'new' ? `${p}year=${y},${p}month=${mo},${p}day=${d},${p}hour=${h}` : `${p}year=${y},${p}month=${mo},${p}day=${d},${p}hour=${h},${p}minute=${mi}`;
        expect(rows.map((r) => r.partition)).toEqual([
          partition('2026', '01', '09', '05', '07'),
          partition('2026', '01', '09', '05', '07'),
          partition('2026', '01', '09', '05', '59'),
          partition('2026', '01', '09', '05', '59'),
          partition('2026', '01', '09', '06', '00'),
          partition('2026', '10', '31', '23', '01'),
          partition('2026', '10', '31', '23', '01'),
        ]);
        expect(new Set(rows.map((r) => r.partition)).size).toBe(rule === 'new' ? 3 : 4);

        const schema = await judge.schema('items_log');
        const m = metadataNames(rule);
        expect(schema.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
          `${m.recordId} BIGINT`,
          `${m.flag} STRING`,
          `${m.timestamp} BIGINT`,
          `${m.before} STRING`,
          `${m.after} STRING`,
          'id INT',
          'name STRING',
        ]);
        expect(schema.partitionKeys.map((c) => `${c.name} ${c.type}`)).toEqual(
          (rule === 'new' ? ['year', 'month', 'day', 'hour'] : ['year', 'month', 'day', 'hour', 'minute']).map((l) => `${p}${l} STRING`),
        );
        expect((await judge.schema('items_base')).columns.map((c) => `${c.name} ${c.type} ${c.comment}`)).toEqual(['id INT int(11)', 'name STRING varchar(20)']);
      }
    } finally {
      await task.stop();
    }
  });
});
