/**
 * The full sync's lean row decoder (shared/source/snapshot/text-rows.ts, through row-query.ts)
 * against mysql2's decode + snapshot-values.ts on the same SELECTs: every column type of the type
 * tests (edge values, every charset column, the value cases, a GEOMETRY), the bench table, and on
 * MySQL 8 what only it has. Each row must be the same value for value: type (number, string,
 * bytes), number including -0, and every byte. DOUBLE must be the double its text names, exactly:
 * mysql2's own digit loop rounds the last bit of some 16–17 digit values (it reads
 * 90.33333333333333 as 90.33333333333331, where the binlog has ...33), so the reference reads DOUBLE
 * text with Number(). Runs on MariaDB and MySQL 8.
 */
import type { FieldPacket } from 'mysql2';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../shared/record/index.ts';
import { connectionOptions, type SourceEndpoint } from '../../shared/source/binlog/connection-options.ts';
import { catalogSchema, type SqlQuery } from '../../shared/source/schema/table-schemas.ts';
import { ChunkRowsWriter } from '../../shared/source/snapshot/chunk-rows.ts';
import { selectList } from '../../shared/source/snapshot/key-sql.ts';
import { queryRows } from '../../shared/source/snapshot/row-query.ts';
import { rowNormalizer, typeCastFor } from '../../shared/source/snapshot/snapshot-values.ts';
import { compileTextRows } from '../../shared/source/snapshot/text-rows.ts';
import { Secret } from '../../shared/task/secret.ts';
import { stack, useDatabase } from '../helpers/stack.ts';
import { benchTable, charsetColumns, charsetEdgeRow, charsetOtherRow, edgeRow, insertRowSql, otherRow, showValue, typesTable, valueRows, valuesTable } from '../helpers/type-rows.ts';

/** Doubles from random bit patterns, and FLOATs: the text the server prints must come back as the exact value. */
const NUMBERS_TABLE = 'CREATE TABLE ${db}.num (id INT PRIMARY KEY, d DOUBLE, f FLOAT, big BIGINT, ubig BIGINT UNSIGNED)';
/** What only MySQL 8 has: INVISIBLE columns, the 0900 collations, multi-byte charsets, binary JSON. */
const MYSQL8_TABLE = `CREATE TABLE \${db}.m8 (
  id INT PRIMARY KEY, hid INT INVISIBLE, ascs VARCHAR(20) COLLATE utf8mb4_0900_as_cs, gb VARCHAR(20) CHARACTER SET gb18030,
  u16 VARCHAR(20) CHARACTER SET utf16, sj VARCHAR(20) CHARACTER SET sjis, j JSON, jn JSON NOT NULL
)`;
/** A latin1 column next to others: read with character_set_results NULL, it is one the lean decoder leaves to mysql2. */
const LATIN1_TABLE = 'CREATE TABLE ${db}.lat (id INT PRIMARY KEY, l VARCHAR(10) CHARACTER SET latin1, u VARCHAR(10), d DOUBLE, b BLOB, y YEAR) CHARACTER SET utf8mb4';
const isMariaDb = stack.source === 'mariadb';
const source = useDatabase('textrows', typesTable('${db}', charsetColumns), valuesTable('${db}'), benchTable('${db}'), NUMBERS_TABLE, LATIN1_TABLE, ...(isMariaDb ? [] : [MYSQL8_TABLE]));
const endpoint: SourceEndpoint = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: new Secret(''), connectTimeoutMs: 10_000 };

function benchRow(id: number): string {
  const ts = `2026-01-${String((id % 28) + 1).padStart(2, '0')} 12:34:56`;
  return `(${id},${(id % 100000) - 50000},${id * 7 - 1e6},${id % 65535},${(id % 10000) / 100 - 50},${id / 3},${id % 1000},'name-${id} é ${'😀'.repeat(id % 3)}','c${id % 1000}','text value ${id} ${'long '.repeat(id % 40)}','${ts}.123456','${ts}.123','2026-02-03',${(id % 255) - 127},x'${(id % 65536).toString(16).padStart(4, '0')}','${'xyz'[id % 3]}')`;
}

/** A finite double from random bits (no NaN or infinity: a DOUBLE column refuses them). */
function randomDouble(next: () => number): number {
  const view = new DataView(new ArrayBuffer(8));
  for (;;) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const v = view.getFloat64(0);
    if (Number.isFinite(v)) return v;
  }
}

describe('lean full-sync row decoder', () => {
  it('reads every type of the type tests as mysql2 + snapshot-values.ts do', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(insertRowSql(db, 't', { ...edgeRow, ...charsetEdgeRow }));
    await conn.query(insertRowSql(db, 't', { ...otherRow, ...charsetOtherRow }));
    for (const row of valueRows) await conn.query(insertRowSql(db, 'v', row));
    await conn.query(`INSERT INTO ${db}.bench VALUES ${Array.from({ length: 300 }, (_, i) => benchRow(i + 1)).join(',')}`);
    await conn.query(`UPDATE ${db}.bench SET f = NULL, k = NULL, i = NULL WHERE id % 7 = 0`);
    if (!isMariaDb) {
      await conn.query(`INSERT INTO ${db}.m8 (id, hid, ascs, gb, u16, sj, j, jn) VALUES (1, 7, 'Ää😀', '中文😀é', '😀é', 'カタカナ', JSON_OBJECT('d', DATE'2026-01-02', 'b', x'00ff'), '[]')`);
      await conn.query(`INSERT INTO ${db}.m8 (id) VALUES (2)`);
    }
    const tables = isMariaDb ? ['t', 'v', 'bench'] : ['t', 'v', 'bench', 'm8'];
    const reader = await openReader();
    try {
      let compared = 0;
      for (const table of tables) {
        const { expected, lean, fields, columns } = await bothWays(reader, db, table);
        expect(lean.length, table).toBe(expected.length);
        expect(lean.length, table).toBeGreaterThan(0);
        // Every table here is one the lean decoder reads itself (none falls back to mysql2).
        expect(compileTextRows(fields, columns), table).not.toBeNull();
        for (let r = 0; r < expected.length; r++) {
          for (let c = 0; c < columns.length; c++) {
            const where = `${table} row ${r + 1} column ${columns[c]!.name}`;
            expect(showValue(lean[r]![c]!), where).toBe(showValue(expected[r]![c]!));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(300 * 16);
    } finally {
      await reader.end();
    }
  });

  it('reads DOUBLE as the exact double its text names, FLOAT as its float32, BIGINT exactly', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    let seed = 0x2545f491;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const rows: string[] = [];
    for (let id = 1; id <= 2000; id++) {
      const d = id <= 4 ? [0, -0, Number.MAX_VALUE, Number.MIN_VALUE][id - 1]! : randomDouble(next);
      const f = Math.fround((next() / 2 ** 32 - 0.5) * 10 ** ((next() % 60) - 30));
      const big = id % 2 === 0 ? `${next() % 2 ? '-' : ''}${next()}${next()}`.slice(0, 19) : String(next() - 2 ** 31);
      const ubig = `${next()}${next()}${next()}`.slice(0, 19);
      rows.push(`(${id}, ${d === 0 && Object.is(d, -0) ? '-0e0' : d.toExponential(17).replace('e+', 'e')}, ${f.toExponential(9)}, ${big}, ${ubig})`);
    }
    await conn.query(`INSERT INTO ${db}.num VALUES ${rows.join(',')}`);
    const reader = await openReader();
    try {
      const { lean } = await bothWays(reader, db, 'num');
      const [texts] = (await reader.query({ sql: `SELECT CAST(d AS CHAR), CAST(f AS DOUBLE), big, ubig FROM ${db}.num ORDER BY id`, rowsAsArray: true })) as unknown as [string[][]];
      expect(lean).toHaveLength(2000);
      for (let r = 0; r < lean.length; r++) {
        const [dText, fText, bigText, ubigText] = texts[r]!.map(String);
        expect(showValue(lean[r]![1]!), `row ${r + 1} DOUBLE ${dText}`).toBe(showValue(Number(dText)));
        expect(showValue(lean[r]![2]!), `row ${r + 1} FLOAT ${fText}`).toBe(showValue(Math.fround(Number(fText))));
        for (const [v, text] of [
          [lean[r]![3]!, bigText!],
          [lean[r]![4]!, ubigText!],
        ] as const) {
          const exact = Number.isSafeInteger(Number(text)) ? Number(text) : text;
          expect(showValue(v), `row ${r + 1} BIGINT ${text}`).toBe(showValue(exact));
        }
      }
      // The extremes survive as they are.
      expect(lean[2]![1]).toBe(Number.MAX_VALUE);
      expect(lean[3]![1]).toBe(Number.MIN_VALUE);
    } finally {
      await reader.end();
    }
  });

  it("leaves a result with a column it does not read to mysql2's decode, and loses no row", { timeout: 60_000 }, async () => {
    const { db } = source;
    const reader = await openReader();
    try {
      // Without conversion to utf8mb4 the latin1 column arrives in latin1: not one the lean decoder reads.
      await source.conn().query(`INSERT INTO ${db}.lat VALUES (1, 'é', 'é😀', 0.1, x'00ff', 2026), (2, NULL, NULL, NULL, NULL, NULL), (3, 'abc', '', -2.5, '', 1901)`);
      await reader.query('SET character_set_results = NULL');
      const { expected, lean, fields, columns } = await bothWays(reader, db, 'lat');
      expect(fields.find((f) => f.name === 'l')?.encoding).toBe('latin1');
      expect(compileTextRows(fields, columns)).toBeNull();
      expect(lean).toEqual([
        [1, 'é', 'é😀', 0.1, Buffer.from([0, 255]), 2026],
        [2, null, null, null, null, null],
        [3, 'abc', '', -2.5, Buffer.alloc(0), 1901],
      ]);
      expect(lean.map((row) => row.map(showValue))).toEqual(expected.map((row) => row.map(showValue)));
    } finally {
      await reader.end();
    }
  });
});

async function openReader(): Promise<mysql.Connection> {
  const reader = await mysql.createConnection({ ...connectionOptions(endpoint), rowsAsArray: true });
  await reader.query("SET SESSION time_zone = '+00:00'");
  return reader;
}

/** The chunk reader's type cast, and DOUBLE text read by Number() (see the header). */
function exactDoubles(typeCast: ReturnType<typeof typeCastFor>): NonNullable<ReturnType<typeof typeCastFor>> {
  return (field, next) => {
    if (field.type !== 'DOUBLE') return typeCast ? typeCast(field, next) : next();
    const text = field.string();
    return text === null ? null : Number(text);
  };
}

/** The table's rows, in key order, through mysql2 + snapshot-values.ts and through the lean decoder. */
async function bothWays(reader: mysql.Connection, db: string, table: string) {
  const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await reader.query({ sql, values: params, rowsAsArray: false }))[0] as T[];
  const schema = await catalogSchema(query, db, table);
  const typeCast = typeCastFor(schema.columns);
  const sql = `SELECT ${selectList(schema.columns)} FROM ${db}.${table} ORDER BY 1`;
  const [raw] = (await reader.query({ sql, typeCast: exactDoubles(typeCast) })) as unknown as [Value[][]];
  const normalize = rowNormalizer(schema.columns);
  const expected = raw.map((row) => normalize(row));
  const out = new ChunkRowsWriter(1024);
  const core = (reader as unknown as { connection: Parameters<typeof queryRows>[0] }).connection;
  const fields: FieldPacket[] = await queryRows(core, { sql, ...(typeCast ? { typeCast } : {}) }, schema.columns, { rows: out, rowEnded() {} });
  return { expected, lean: out.finish().toArray(), fields, columns: schema.columns };
}
