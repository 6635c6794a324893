/**
 * A row copied by the full sync and the same row streamed from the binlog carry identical values
 * (the lossless Value model), for every column type with edge values, and so encode identically.
 * Checked on the queue itself: INIT record of id N against the INSERT record of id N + 100.
 * Two tables, because the chunk reader reads them two ways: `t` has a GEOMETRY column (its SELECT
 * goes through a type cast), `plain` has none (mysql2 reads every value directly, BIT included).
 */
import { describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { isRowRecord, type RowRecord } from '../../shared/record/index.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { startTask, taskFor, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';
import { charsetColumns, charsetEdgeRow, charsetOtherRow, edgeRow as typesEdgeRow, otherRow as typesOtherRow, typesTable } from '../helpers/type-rows.ts';
import { charsetEncodingOf } from '../../shared/encode/dts-avro/charset-bytes.ts';

/** Of those, the charsets in which the server gives every byte a character of its own: their text gives all 256 bytes back. */
const losslessCharsets = ['koi8r', 'latin1'];
const ALL_BYTES_HEX = Buffer.from(Array.from({ length: 256 }, (_, b) => b)).toString('hex');

// The charset columns but only five of the 25 all-bytes columns (the Canal JSON test has them all):
// latin1, one that keeps every byte, one with unmapped bytes, and two iconv-lite has no codec for.
const charsets = ['latin1', 'koi8r', 'cp1250', 'dec8', 'swe7'] as const;
const keep = (name: string) => !name.startsWith('sb_') || (charsets as readonly string[]).includes(name.slice(3));
const source = useDatabase(
  'fsvalues',
  typesTable(
    '${db}',
    charsetColumns.filter((c) => keep(c.split(' ')[0]!)),
  ),
  `CREATE TABLE \${db}.plain (id INT PRIMARY KEY, b1 BIT(1), b8 BIT(8), b17 BIT(17), b64 BIT(64), f FLOAT, u BIGINT UNSIGNED, i BIGINT,
    d DECIMAL(20,6), dt DATETIME(6), ts TIMESTAMP(3) NULL, j JSON, bl BLOB, y YEAR, e ENUM('a','b'), l1 VARCHAR(10) CHARACTER SET latin1)`,
);
/** Edge values of `plain` (row 1), and a row of NULLs but a zero BIT(64) (row 2). */
const plainEdge =
  "b'1', b'10101011', b'10000000000000001', 0xFFFFFFFFFFFFFFFF, 3.4028235e38, 18446744073709551615, -9007199254740993, -12345678901234.123456, '2026-01-02 03:04:05.123456', '2038-01-19 03:14:07.999', '{\"a\": [1, 2.5, \"x\"]}', 0x00FF10, 2155, 'b', 'é'";
const plainNulls = 'NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL';
const edgeRow = { ...typesEdgeRow, ...Object.fromEntries(Object.entries(charsetEdgeRow).filter(([c]) => keep(c))) };
const otherRow = { ...typesOtherRow, ...Object.fromEntries(Object.entries(charsetOtherRow).filter(([c]) => keep(c))) };

function insertSql(db: string, row: Record<string, [string, string]>, id: number): string {
  const cols = Object.keys(row);
  return `INSERT INTO ${db}.t (${cols.join(',')}) VALUES (${cols.map((c) => (c === 'id' ? String(id) : row[c]![0])).join(',')})`;
}

describe('full sync values', () => {
  it('copies every type exactly as the binlog carries it', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(insertSql(db, edgeRow, 1));
    await conn.query(insertSql(db, otherRow, 2));
    await conn.query("SET time_zone = '+00:00'");
    await conn.query(`INSERT INTO ${db}.plain VALUES (1, ${plainEdge}), (2, ${plainNulls})`);
    const dir = await tempDir('fsvalues');
    const task = startTask(taskFor({ database: db, tables: ['t', 'plain'], topic: uniqueName('fsvalues'), dir }, { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'] }));
    await task.ready;
    await conn.query(insertSql(db, edgeRow, 101));
    await conn.query(insertSql(db, otherRow, 102));
    await conn.query(`INSERT INTO ${db}.plain VALUES (101, ${plainEdge}), (102, ${plainNulls})`);
    const queue = await createFileQueue(dir, { consumers: [], writer: false });
    try {
      // Read on from the last batch seen: a read-only queue looks for new appends only once the
      // reader has caught up with what it knows (read(0) again and again never sees more).
      const rows: RowRecord[] = [];
      let after = 0;
      const records = await waitFor(
        async () => {
          for (const e of await queue.read(after, { maxBatches: 1000 })) {
            rows.push(...e.batch.records.filter(isRowRecord));
            after = e.seq;
          }
          return rows.length >= 8 ? rows : undefined;
        },
        30_000,
        'two copied and two streamed rows of each table in the queue',
      );
      await task.stop();
      // Each row exactly once: the copy leaves out a row the stream already delivered, whichever came first.
      const ofTable = (table: string) => records.filter((r) => r.schema.table === table);
      for (const table of ['t', 'plain']) {
        expect([
          table,
          ofTable(table)
            .map((r) => `${r.op} ${Number(r.after![0])}`)
            .sort(),
        ]).toEqual([table, ['INIT 1', 'INIT 2', 'INSERT 101', 'INSERT 102']]);
      }
      const byId = new Map<number, RowRecord>(ofTable('t').map((r) => [Number(r.after![0]), r]));
      const plainById = new Map<number, RowRecord>(ofTable('plain').map((r) => [Number(r.after![0]), r]));
      for (const rowsById of [byId, plainById]) {
        for (const [copied, streamed] of [
          [1, 101],
          [2, 102],
        ] as const) {
          const init = rowsById.get(copied)!;
          const insert = rowsById.get(streamed)!;
          expect(init.op).toBe('INIT');
          expect(insert.op).toBe('INSERT');
          expect(init.schema.columns).toEqual(insert.schema.columns);
          expect(init.schema.pkNames).toEqual(insert.schema.pkNames);
          // Every value but the id, one by one so a failure names the table and column.
          init.schema.columns.forEach((column, i) => {
            if (column.name === 'id') return;
            expect(init.after![i], `${init.schema.table}.${column.name} (${column.type})`).toEqual(insert.after![i]);
          });
        }
      }
      // `plain`, read without a type cast: exact values, not only equal ones.
      const plain = (id: number) => {
        const r = plainById.get(id)!;
        return Object.fromEntries(r.schema.columns.map((c, i) => [c.name, r.after![i] instanceof Uint8Array ? `0x${Buffer.from(r.after![i] as Uint8Array).toString('hex')}` : r.after![i]]));
      };
      for (const id of [1, 101]) {
        expect(plain(id)).toEqual({
          id,
          b1: '0x01',
          b8: '0xab',
          b17: '0x010001',
          b64: '0xffffffffffffffff',
          f: Math.fround(3.4028235e38),
          u: '18446744073709551615',
          i: '-9007199254740993',
          d: '-12345678901234.123456',
          dt: '2026-01-02 03:04:05.123456',
          ts: '2038-01-19 03:14:07.999',
          j: plain(id).j,
          bl: '0x00ff10',
          y: 2155,
          e: 'b',
          l1: 'é',
        });
        expect(JSON.parse(plain(id).j as string)).toEqual({ a: [1, 2.5, 'x'] });
      }
      for (const id of [2, 102])
        expect(plain(id)).toEqual({
          id,
          b1: null,
          b8: null,
          b17: null,
          b64: '0x0000000000000000',
          f: null,
          u: null,
          i: null,
          d: null,
          dt: null,
          ts: null,
          j: null,
          bl: null,
          y: null,
          e: null,
          l1: null,
        });
      // The two value defects of issue 10, on both paths: exact values, not only equal ones.
      const value = (r: RowRecord, name: string) => r.after![r.schema.columns.findIndex((c) => c.name === name)];
      const [[server]] = (await conn.query(`SELECT ${charsets.map((c) => `sb_${c}`).join(', ')} FROM ${db}.t WHERE id = 101`)) as unknown as [[Record<string, string>]];
      for (const id of [1, 101]) {
        const r = byId.get(id)!;
        expect([id, value(r, 'e0')]).toEqual([id, '']);
        expect([id, value(r, 'l1')]).toEqual([id, '\u0081\u008d\u008f\u0090\u009d€']);
        expect([id, value(r, 'el'), value(r, 'sl')]).toEqual([id, '\u0081\u009d€', 'x,\u008f']);
        for (const c of charsets) expect([id, c, value(r, `sb_${c}`)]).toEqual([id, c, server[`sb_${c}`]]);
        // DTS Avro Character.value: the stored bytes.
        expect(
          charsetEncodingOf('latin1')
            .encode(value(r, 'l1') as string)
            .toString('hex'),
        ).toBe('818d8f909d80');
        for (const c of losslessCharsets)
          expect([
            c,
            charsetEncodingOf(c)
              .encode(value(r, `sb_${c}`) as string)
              .toString('hex'),
          ]).toEqual([c, ALL_BYTES_HEX]);
      }
      for (const id of [2, 102]) expect([id, value(byId.get(id)!, 'e0')]).toEqual([id, null]);
    } finally {
      await queue.close();
      await task.stop();
    }
  });
});
