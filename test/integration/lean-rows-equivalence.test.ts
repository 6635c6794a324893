/**
 * The lean row decoder (shared/source/binlog/rows/) against zongji + row-values.ts on the same live
 * binlog: every column type of the type tests (test/helpers/type-rows.ts: edge values, the charset
 * and ENUM defects, the value cases, text after a GEOMETRY) and the bench table, inserted, updated
 * (full before and after images) and deleted, read twice from the same position by a real
 * BinlogStream, once per decoder. Each record's images must be the same value for value: type
 * (number, string, bytes), number including -0, and every byte. Runs on MariaDB and MySQL 8, with
 * a table of what only MySQL 8 has there and, on MariaDB, a table the lean decoder leaves to zongji.
 */
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { decoded } from '../helpers/encoded-batch.ts';
import type { Logger, LogFields } from '../../shared/log.ts';
import { isRowRecord, type RowRecord, type Value } from '../../shared/record/index.ts';
import { BinlogStream } from '../../shared/source/binlog/binlog-stream.ts';
import { connectionOptions, type SourceEndpoint } from '../../shared/source/binlog/connection-options.ts';
import { TransactionAssembler } from '../../shared/source/binlog/transaction-assembler.ts';
import { createObjectSelection } from '../../shared/source/object-selection.ts';
import { TableSchemas } from '../../shared/source/schema/table-schemas.ts';
import { Secret } from '../../shared/task/secret.ts';
import type { Task } from '../../shared/task/index.ts';
import { masterStatus } from '../helpers/kafka-read.ts';
import { stack, useDatabase, waitFor } from '../helpers/stack.ts';
import { benchTable, charsetColumns, charsetEdgeRow, charsetOtherRow, edgeRow, insertRowSql, otherRow, showValue, typesTable, valueRows, valuesTable } from '../helpers/type-rows.ts';

/** MariaDB's COMPRESSED columns (binlog types 140, 141): not read by the lean decoder, so this table stays with zongji. */
const COMPRESSED_TABLE = 'CREATE TABLE ${db}.zc (id INT PRIMARY KEY, c VARCHAR(100) COMPRESSED, b BLOB COMPRESSED) CHARACTER SET utf8mb4';
/**
 * What only MySQL 8 has (test/mysql8/mysql8-types.test.ts): INVISIBLE columns, a functional index's
 * hidden column, the 0900 collations and multi-byte charsets zongji decodes by iconv, opaque values
 * in binary JSON and the empty JSON value.
 */
const MYSQL8_TABLE = `CREATE TABLE \${db}.m8 (
  id INT PRIMARY KEY, hid INT INVISIBLE,
  ascs VARCHAR(20) COLLATE utf8mb4_0900_as_cs, ja VARCHAR(20) COLLATE utf8mb4_ja_0900_as_cs, mb3 VARCHAR(20) CHARACTER SET utf8mb3,
  gb VARCHAR(20) CHARACTER SET gb18030, u16 VARCHAR(20) CHARACTER SET utf16, u32 VARCHAR(20) CHARACTER SET utf32, sj VARCHAR(20) CHARACTER SET sjis,
  kr VARCHAR(20) CHARACTER SET euckr, b5 VARCHAR(20) CHARACTER SET big5, uj VARCHAR(20) CHARACTER SET ujis, t16 TEXT CHARACTER SET utf16,
  j JSON, jn JSON NOT NULL, fx VARCHAR(10), INDEX fi ((UPPER(fx)))
)`;
const MYSQL8_INSERT = (db: string) =>
  `INSERT INTO ${db}.m8 (id, hid, ascs, ja, mb3, gb, u16, u32, sj, kr, b5, uj, t16, j, jn, fx) VALUES ` +
  `(1, 7, 'Ää😀', 'カタカナ漢字', '中文é', '中文😀é', '😀é', '😀é', 'カタカナ漢字', '한국어', '中文', '日本語', '😀 text', ` +
  "JSON_OBJECT('d', DATE'2026-01-02', 't', TIME'-12:34:56.5', 'dt', TIMESTAMP'2026-01-02 03:04:05.123456', 'dec', CAST(1.50 AS DECIMAL(5,2)), 'b', x'00ff', 'y', CAST(2026 AS YEAR)), '[]', 'abc')";
const isMariaDb = stack.source === 'mariadb';
const source = useDatabase('leanrows', typesTable('${db}', charsetColumns), valuesTable('${db}'), benchTable('${db}'), isMariaDb ? COMPRESSED_TABLE : MYSQL8_TABLE);

const endpoint: SourceEndpoint = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: new Secret(''), connectTimeoutMs: 10_000 };
let serverIds = 0;

/** A logger that keeps the debug lines (which tables the lean decoder read, which it left to zongji). */
function recordingLogger(lines: { message: string; fields?: LogFields }[]): Logger {
  const log: Logger = {
    debug: (message, fields) => void lines.push({ message, fields }),
    info() {},
    warn() {},
    error() {},
    child: () => log,
  };
  return log;
}

/** Every row record between two positions, read by a BinlogStream with the given decoder. */
async function readRecords(db: string, from: { file: string; position: number }, to: { file: string; position: number }, rowDecoder: 'lean' | 'zongji', log: Logger): Promise<RowRecord[]> {
  const control = await mysql.createConnection(connectionOptions(endpoint));
  await control.query("SET SESSION time_zone = '+00:00'");
  const records: RowRecord[] = [];
  const assembler = new TransactionAssembler({
    serverId: 1,
    start: { ...from, gtidSet: null, nextRecordId: 1 },
    skipThrough: 0,
    batchMaxRecords: 500,
    batchMaxBytes: 64 << 20,
    emit: (batch) => records.push(...decoded(batch).records.filter(isRowRecord)),
  });
  serverIds += 1;
  const stream = new BinlogStream({
    endpoint,
    // Above the ids other tests take (test/helpers/kafka-read.ts: 20,000-69,999): a replica id in use drops the other connection.
    replicaServerId: 100_000 + (process.pid % 100_000) * 4 + serverIds,
    objects: createObjectSelection([{ database: db } as Task['objects'][number]]),
    start: { ...from, gtidSet: null },
    assembler,
    schemas: new TableSchemas(async <T>(sql: string, params: unknown[]) => (await control.query(sql, params))[0] as T[]),
    rowDecoder,
    log,
  });
  try {
    await stream.start();
    const failed = stream.done.then(() => {
      throw new Error(`the ${rowDecoder} stream ended early`);
    });
    await Promise.race([failed, waitFor(() => assembler.boundary.file === to.file && assembler.boundary.position >= to.position, 60_000, `the ${rowDecoder} stream at ${to.file}:${to.position}`)]);
    assembler.flush();
  } finally {
    stream.stop();
    await stream.done.catch(() => {});
    await control.end();
  }
  return records;
}

/** Same value: same JS type, Object.is for numbers and strings, same bytes for bytes. */
function sameValue(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.constructor === b.constructor && Buffer.compare(a, b) === 0;
  }
  return Object.is(a, b);
}

function differences(lean: RowRecord[], zongji: RowRecord[]): string[] {
  const out: string[] = [];
  if (lean.length !== zongji.length) out.push(`${lean.length} records lean, ${zongji.length} zongji`);
  for (let r = 0; r < Math.min(lean.length, zongji.length); r++) {
    const l = lean[r]!;
    const z = zongji[r]!;
    const where = `record ${z.id} (${z.op} ${z.schema.table})`;
    if (l.id !== z.id || l.op !== z.op || l.schema.table !== z.schema.table) out.push(`${where}: lean has ${l.id} ${l.op} ${l.schema.table}`);
    for (const image of ['before', 'after'] as const) {
      const lr = l[image];
      const zr = z[image];
      if ((lr === null) !== (zr === null) || lr?.length !== zr?.length) {
        out.push(`${where} ${image}: lean ${lr === null ? 'null' : lr.length} zongji ${zr === null ? 'null' : zr.length}`);
        continue;
      }
      zr?.forEach((zv, i) => {
        const lv = lr![i]!;
        if (!sameValue(lv, zv)) out.push(`${where} ${image}.${z.schema.columns[i]!.name}: lean ${showValue(lv)} zongji ${showValue(zv)}`);
      });
    }
  }
  return out;
}

function benchRow(id: number): string {
  const ts = `2026-01-${String((id % 28) + 1).padStart(2, '0')} 12:34:56`;
  return `(${id},${(id % 100000) - 50000},${id * 7 - 1e6},${id % 65535},${(id % 10000) / 100 - 50},${id / 3},${id % 1000},'name-${id}','c${id % 1000}','text value ${id}','${ts}.123456','${ts}.123','2026-02-03',${(id % 255) - 127},x'${(id % 65536).toString(16).padStart(4, '0')}','${'xyz'[id % 3]}')`;
}

describe('lean row decoder', () => {
  it('decodes every type of the type tests into the rows zongji + row-values.ts give', { timeout: 180_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const from = await masterStatus(conn);
    await conn.query(insertRowSql(db, 't', { ...edgeRow, ...charsetEdgeRow }));
    await conn.query(insertRowSql(db, 't', { ...otherRow, ...charsetOtherRow }));
    for (const row of valueRows) await conn.query(insertRowSql(db, 'v', row));
    await conn.query(`INSERT INTO ${db}.bench VALUES ${Array.from({ length: 300 }, (_, i) => benchRow(i + 1)).join(',')}`);
    // Full before and after images of every row, then the deletes' images.
    await conn.query(`UPDATE ${db}.t SET id = id + 10, ti = 0`);
    await conn.query(`UPDATE ${db}.v SET id = id + 100, y = 1999`);
    await conn.query(`UPDATE ${db}.bench SET a = -a, f = NULL WHERE id % 2 = 0`);
    await conn.query(`DELETE FROM ${db}.t`);
    await conn.query(`DELETE FROM ${db}.v`);
    await conn.query(`DELETE FROM ${db}.bench WHERE id > 100`);
    // Partial images: MINIMAL (the key before, the changed columns after) and NOBLOB (no TEXT when unchanged).
    await conn.query("SET SESSION binlog_row_image = 'MINIMAL'");
    await conn.query(`UPDATE ${db}.bench SET g = CONCAT(g, '!'), k = NULL WHERE id <= 20`);
    await conn.query(`DELETE FROM ${db}.bench WHERE id <= 10`);
    await conn.query("SET SESSION binlog_row_image = 'NOBLOB'");
    await conn.query(`UPDATE ${db}.bench SET b = -b WHERE id > 10 AND id <= 30`);
    await conn.query("SET SESSION binlog_row_image = 'FULL'");
    if (isMariaDb) {
      await conn.query(`INSERT INTO ${db}.zc VALUES (1, REPEAT('abc', 30), REPEAT(x'00ff', 40)), (2, '', NULL)`);
      await conn.query(`UPDATE ${db}.zc SET c = 'short'`);
    } else {
      await conn.query(MYSQL8_INSERT(db));
      await conn.query(`INSERT INTO ${db}.m8 (id) VALUES (2)`); // jn NOT NULL without a value: the empty JSON value
      await conn.query(`UPDATE ${db}.m8 SET hid = 8, fx = 'xyz'`);
      await conn.query(`DELETE FROM ${db}.m8`);
    }
    const to = await masterStatus(conn);

    const leanLines: { message: string; fields?: LogFields }[] = [];
    const lean = await readRecords(db, from, to, 'lean', recordingLogger(leanLines));
    const zongjiLines: { message: string; fields?: LogFields }[] = [];
    const zongji = await readRecords(db, from, to, 'zongji', recordingLogger(zongjiLines));

    // Every table of the type tests was read by the lean decoder; the COMPRESSED one was left to zongji, said once. The other stream used none.
    expect(leanLines.filter((l) => l.message === 'rows left to zongji to decode')).toEqual(
      isMariaDb ? [{ message: 'rows left to zongji to decode', fields: { table: `${db}.zc`, reason: 'column c: binlog column type 141' } }] : [],
    );
    expect(
      leanLines
        .filter((l) => l.message === 'rows decoded by the lean decoder')
        .map((l) => l.fields?.table)
        .sort(),
    ).toEqual([`${db}.bench`, ...(isMariaDb ? [] : [`${db}.m8`]), `${db}.t`, `${db}.v`]);
    expect(zongjiLines).toEqual([]);

    const count = (table: string, op: string) => zongji.filter((r) => r.schema.table === table && r.op === op).length;
    expect([count('t', 'INSERT'), count('t', 'UPDATE'), count('t', 'DELETE')]).toEqual([2, 2, 2]);
    expect([count('v', 'INSERT'), count('v', 'UPDATE'), count('v', 'DELETE')]).toEqual([valueRows.length, valueRows.length, valueRows.length]);
    expect([count('bench', 'INSERT'), count('bench', 'UPDATE'), count('bench', 'DELETE')]).toEqual([300, 150 + 20 + 20, 200 + 10]);
    // The MINIMAL delete's before image holds the key alone.
    const minimalDelete = zongji.find((r) => r.schema.table === 'bench' && r.op === 'DELETE' && r.before?.[0] === 1)!;
    expect(minimalDelete.before!.filter((v) => v !== null)).toEqual([1]);
    expect([count('zc', 'INSERT'), count('zc', 'UPDATE')]).toEqual(isMariaDb ? [2, 2] : [0, 0]);
    expect([count('m8', 'INSERT'), count('m8', 'UPDATE'), count('m8', 'DELETE')]).toEqual(isMariaDb ? [0, 0, 0] : [2, 2, 2]);
    expect(differences(lean, zongji)).toEqual([]);
    // The ids run on in binlog order on both sides.
    expect(lean.map((r) => r.id)).toEqual(zongji.map((r) => r.id));
    expect(zongji.map((r) => r.id)).toEqual(Array.from({ length: zongji.length }, (_, i) => i + 1));
  });
});
