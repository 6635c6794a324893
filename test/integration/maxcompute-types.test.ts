/**
 * Every column type into MaxCompute, value by value, read back through the official Java SDK:
 * edge rows copied by the full sync into `t_base`, and the same rows inserted, updated and deleted
 * into `t_log`, each cell compared with what the source holds (in the SDK's rendering: integers and
 * DECIMAL as text, FLOAT/DOUBLE as Java prints them, BINARY as hex, DATETIME as epoch ms, DATE as
 * yyyy-MM-dd, TIMESTAMP as epochSeconds.nanos; TIMESTAMP and DATETIME read as UTC).
 */
import { describe, expect, it } from 'vitest';
import type { OdpsCell, OdpsRow } from '../helpers/java-odps.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase } from '../helpers/stack.ts';
import { edgeRow, otherRow, typesTable } from '../helpers/type-rows.ts';

const source = useDatabase('mctypes', typesTable('${db}'));
const mc = useLocalMaxCompute('mctypes');

type Spec = Record<string, [sql: string, expected: OdpsCell]>;

// The edge row of type-rows.ts, but BIGINT -2^63 + 1: MaxCompute's BIGINT has no -2^63 (tested in the sink's unit tests).
const edge: Spec = {
  ...Object.fromEntries(Object.entries(edgeRow).map(([c, [sql]]) => [c, [sql, null]])),
  id: ['1', '1'],
  ti: ['-128', '-128'],
  tiu: ['255', '255'],
  si: ['-32768', '-32768'],
  siu: ['65535', '65535'],
  mi: ['-8388608', '-8388608'],
  miu: ['16777215', '16777215'],
  i: ['-2147483648', '-2147483648'],
  iu: ['4294967295', '4294967295'],
  bi: ['-9223372036854775807', '-9223372036854775807'],
  biu: ['18446744073709551615', '18446744073709551615'],
  d: [edgeRow.d![0], '-12345678901234567890123456789012345.123456789012345678901234567890'],
  f: [edgeRow.f![0], '3.4028235E38'],
  db: [edgeRow.db![0], '-1.7976931348623157E308'],
  dt: ["'0000-00-00 00:00:00'", null], // zero dates have no MaxCompute value: NULL
  dt6: [edgeRow.dt6![0], '253402300799.999999000'],
  ts3: [edgeRow.ts3![0], '2147483647999'],
  tm6: [edgeRow.tm6![0], '-838:59:59.000000'],
  tm: [edgeRow.tm![0], '838:59:59'],
  y: ['0', '0'],
  dd: ["'0000-00-00'", null],
  bt: [edgeRow.bt![0], '18446744073709551615'],
  b1: [edgeRow.b1![0], '1'],
  e: [edgeRow.e![0], 'ç'],
  s: [edgeRow.s![0], 'x,z'],
  j: [edgeRow.j![0], '{"k": [1, 2.5, "x", null]}'],
  vc: [edgeRow.vc![0], '😀中文é'],
  ch: [edgeRow.ch![0], 'ab'],
  lat: [edgeRow.lat![0], 'é'],
  bn: [edgeRow.bn![0], '00ff0001'],
  vb: [edgeRow.vb![0], '00ff'],
  bl: [edgeRow.bl![0], '00ff00'],
  tx: [edgeRow.tx![0], '多字节 text'],
  g: [edgeRow.g![0], 'geometry'], // the source's own bytes, read below
};

const other: Spec = {
  ...Object.fromEntries(Object.keys(otherRow).map((c) => [c, ['NULL', null]])),
  id: ['2', '2'],
  ti: ['127', '127'],
  bi: ['9223372036854775807', '9223372036854775807'],
  d: [otherRow.d![0], '0.000000000000000000000000000001'],
  f: ['0.1', '0.1'],
  db: ['0.1', '0.1'],
  dt6: [otherRow.dt6![0], '1767323045.000001000'],
  tm6: [otherRow.tm6![0], '-00:00:00.000001'],
  y: ['2155', '2155'],
  b1: ["b'0'", '0'],
  vb: ["''", ''],
  vc: ["''", ''],
};

const ordinary: Spec = {
  id: ['3', '3'],
  ti: ['0', '0'],
  tiu: ['0', '0'],
  si: ['1', '1'],
  siu: ['2', '2'],
  mi: ['3', '3'],
  miu: ['4', '4'],
  i: ['5', '5'],
  iu: ['6', '6'],
  bi: ['-9223372036854775806', '-9223372036854775806'],
  biu: ['0', '0'],
  d: ['1.5', '1.500000000000000000000000000000'],
  f: ['1.5', '1.5'],
  db: ['2.25', '2.25'],
  dt: ["'2026-01-02 03:04:05'", '1767323045000'],
  dt6: ["'1969-12-31 23:59:59.999999'", '-1.999999000'],
  ts3: ["'1970-01-01 00:00:01.500'", '1500'],
  tm6: ["'12:00:00.5'", '12:00:00.500000'],
  tm: ["'00:00:00'", '00:00:00'],
  y: ['1901', '1901'],
  dd: ["'1969-12-31'", '1969-12-31'],
  bt: ["b'101'", '5'],
  b1: ["b'1'", '1'],
  e: ["'a'", 'a'],
  s: ["''", ''],
  j: ["'[]'", '[]'],
  vc: ["'x'", 'x'],
  ch: ["''", ''],
  lat: ["'a'", 'a'],
  bn: ["x'00000000'", '00000000'],
  vb: ["x'01'", '01'],
  bl: ["''", ''],
  tx: ["'text'", 'text'],
  g: ["ST_GeomFromText('LINESTRING(0 0,1 1)')", 'geometry'],
};

const columns = Object.keys(edgeRow);

function insertSql(db: string, row: Spec, id: number): string {
  return `INSERT INTO ${db}.t (${columns.join(',')}) VALUES (${columns.map((c) => (c === 'id' ? String(id) : row[c]![0])).join(',')})`;
}
function updateSql(db: string, row: Spec, id: number): string {
  return `UPDATE ${db}.t SET ${columns
    .filter((c) => c !== 'id')
    .map((c) => `${c} = ${row[c]![0]}`)
    .join(', ')} WHERE id = ${id}`;
}

describe('MaxCompute: every column type', () => {
  it('full sync into t_base and INSERT/UPDATE/DELETE into t_log carry every value exactly', { timeout: 90_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    for (const [row, id] of [
      [edge, 1],
      [other, 2],
      [ordinary, 3],
    ] as const)
      await conn.query(insertSql(db, row, id));
    const [geometry] = (await conn.query(`SELECT id, LOWER(HEX(g)) AS g FROM ${db}.t ORDER BY id`)) as unknown as [{ id: number; g: string | null }[]];
    const geometryOf = new Map(geometry.map((r) => [r.id, r.g]));
    /** The expected cells of a row spec, with its geometry as the source stores it. */
    const expected = (row: Spec, id: number): Record<string, OdpsCell> =>
      Object.fromEntries(columns.map((c) => [c, c === 'id' ? String(id) : c === 'g' && row.g![1] !== null ? geometryOf.get(Number(row.id![1]))! : row[c]![1]]));

    const dir = await tempDir('mctypes');
    const task = startTask(
      taskFor({ database: db, tables: ['t'], topic: 'unused', dir }, { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], destinations: [maxComputeDestination(mc.endpoint())] }),
    );
    try {
      await task.ready;
      const judge = mc.judge();
      // The full sync is over (its rows committed to t_base) before the changes, so a chunk read
      // late cannot copy the new rows too.
      await readUntil(
        () => judge.read('t_base'),
        (rows) => rows.length >= 3,
        60_000,
        't_base holding the 3 copied rows',
      );
      for (const [row, id] of [
        [edge, 11],
        [other, 12],
        [ordinary, 13],
      ] as const)
        await conn.query(insertSql(db, row, id));
      await conn.query(updateSql(db, ordinary, 11));
      await conn.query(`DELETE FROM ${db}.t WHERE id = 12`);

      const log = await readUntil(
        () => judge.read('t_log'),
        (rows) => rows.length >= 6,
        60_000,
        't_log holding 6 rows',
      );
      const base = await judge.read('t_base');

      const byId = (rows: OdpsRow[]) => [...rows].sort((a, b) => Number(a.values.id) - Number(b.values.id));
      const cells = (row: OdpsRow) => Object.fromEntries(columns.map((c) => [c, row.values[c] ?? null]));
      const baseRows = byId(base);
      expect(baseRows).toHaveLength(3);
      // One assertion per row, the whole row: a failure shows every differing column.
      expect(cells(baseRows[0]!)).toEqual(expected(edge, 1));
      expect(cells(baseRows[1]!)).toEqual(expected(other, 2));
      expect(cells(baseRows[2]!)).toEqual(expected(ordinary, 3));
      expect(baseRows.every((r) => r.partition === null)).toBe(true);

      const order = (r: OdpsRow) => [BigInt(r.values.new_dts_sync_record_id as string), r.values.new_dts_sync_before_flag === 'Y' ? 0 : 1] as const;
      const logRows = [...log].sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0] === y[0] ? x[1] - y[1] : x[0] < y[0] ? -1 : 1;
      });
      expect(logRows.map((r) => [r.values.new_dts_sync_operation_flag, r.values.new_dts_sync_before_flag, r.values.new_dts_sync_after_flag, r.values.id])).toEqual([
        ['I', 'N', 'Y', '11'],
        ['I', 'N', 'Y', '12'],
        ['I', 'N', 'Y', '13'],
        ['U', 'Y', 'N', '11'],
        ['U', 'N', 'Y', '11'],
        ['D', 'Y', 'N', '12'],
      ]);
      expect(cells(logRows[0]!)).toEqual(expected(edge, 11));
      expect(cells(logRows[1]!)).toEqual(expected(other, 12));
      expect(cells(logRows[2]!)).toEqual(expected(ordinary, 13));
      expect(cells(logRows[3]!)).toEqual(expected(edge, 11));
      expect(cells(logRows[4]!)).toEqual(expected(ordinary, 11));
      expect(cells(logRows[5]!)).toEqual(expected(other, 12));
    } finally {
      await task.stop();
    }
  });
});
