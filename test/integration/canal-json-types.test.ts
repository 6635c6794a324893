/**
 * Every supported column type, with edge values, from a real binlog (MariaDB or MySQL 8, see
 * vitest.config.ts) to a real Kafka topic, checked value by value in the Canal JSON a consumer
 * reads back. Where the two servers differ, the record carries what the source itself says: its
 * information_schema's COLUMN_TYPE, its text for a value; each difference is commented below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { charsetColumns, charsetEdgeRow, charsetOtherRow, edgeRow as typesEdgeRow, expectedOn, otherRow as typesOtherRow, singleByteCharsets, typesTable, valueRows, valuesTable } from '../helpers/type-rows.ts';
import { consumeMessages, createTopic, sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const db = uniqueName('types');
const topic = uniqueName('types');

const TABLE = typesTable(db, charsetColumns);
const edgeRow = { ...typesEdgeRow, ...charsetEdgeRow };
const otherRow = { ...typesOtherRow, ...charsetOtherRow };

const expectedTypes: Record<string, [string, number]> = {
  id: ['int(11)', 4], ti: ['tinyint(4)', -6], tiu: ['tinyint(3) unsigned', 5], si: ['smallint(6)', 5], siu: ['smallint(5) unsigned', 4],
  mi: ['mediumint(9)', 4], miu: ['mediumint(8) unsigned', 4], i: ['int(11)', 4], iu: ['int(10) unsigned', -5], bi: ['bigint(20)', -5],
  biu: ['bigint(20) unsigned', 3], d: ['decimal(65,30)', 3], f: ['float', 7], db: ['double', 8], dt: ['datetime', 93], dt6: ['datetime(6)', 93],
  ts3: ['timestamp(3)', 93], tm6: ['time(6)', 92], tm: ['time', 92], y: ['year(4)', 12], dd: ['date', 91], bt: ['bit(64)', -7], b1: ['bit(1)', -7],
  e: ["enum('a','b','ç')", 4], s: ["set('x','y','z')", -7], vc: ['varchar(20)', 12], ch: ['char(10)', 1], lat: ['varchar(10)', 12],
  bn: ['binary(4)', 2004], vb: ['varbinary(10)', 2004], bl: ['blob', 2004], tx: ['text', 2005], g: ['geometry', 2004],
  e0: ["enum('a','b')", 4], el: ["enum('a','\u0081\u009d€')", 4], sl: ["set('x','\u008f')", -7], l1: ['varchar(10)', 12], lt: ['text', 2005],
  sb_latin1: ['varchar(256)', 12], sb_swe7: ['varchar(256)', 12], j: ['longtext', 2005],
};

/**
 * MySQL 8.0.19+ drops the display width of integer types and YEAR from COLUMN_TYPE (deprecated,
 * WL#13127), and its JSON is a type of its own where MariaDB's is LONGTEXT with a JSON check.
 */
const mysql8Types: Record<string, string> = {
  id: 'int', ti: 'tinyint', tiu: 'tinyint unsigned', si: 'smallint', siu: 'smallint unsigned', mi: 'mediumint', miu: 'mediumint unsigned',
  i: 'int', iu: 'int unsigned', bi: 'bigint', biu: 'bigint unsigned', y: 'year', j: 'json',
};
if (stack.source === 'mysql8') {
  for (const [column, type] of Object.entries(mysql8Types)) expectedTypes[column] = [type, expectedTypes[column]![1]];
  expectedTypes.j = ['json', 12];
}

/**
 * MySQL 8 checks an ascii value byte by byte and, outside strict mode, stores it up to the first
 * byte above 0x7F (warning 1366); MariaDB stores all 256 bytes and reads 0x80-0xFF back as `?`.
 */
const storedBytes = (charset: string): number => (stack.source === 'mysql8' && charset === 'ascii' ? 128 : 256);

function insertSql(row: Record<string, [string, string]>): string {
  const cols = Object.keys(row);
  return `INSERT INTO ${db}.t (${cols.join(',')}) VALUES (${cols.map((c) => row[c]![0]).join(',')})`;
}

function expected(row: Record<string, [string, string]>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([c, [, v]]) => [c, v]));
}

describe('Canal JSON from the real binlog: every type, every DML', () => {
  let conn: mysql.Connection;
  let task: RunningTask;
  let geometryLatin1 = '';
  /** Each single-byte charset column as the server returns it to a query: the binlog must carry the same. */
  let serverText: Record<string, string> = {};

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    await conn.query(TABLE);
    await conn.query(`CREATE TABLE ${db}.other (id INT PRIMARY KEY)`); // not selected: must not appear
    await createTopic(topic);
    task = startTask(taskFor({ database: db, tables: ['t'], topic, dir: await tempDir('types') }));
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  it('delivers inserts, updates, deletes, multi-row statements and transactions in order, and nothing of a rollback', async () => {
    await conn.query(insertSql(edgeRow));
    const [[geo]] = (await conn.query(`SELECT HEX(g) AS hex FROM ${db}.t WHERE id = 1`)) as unknown as [[{ hex: string }]];
    geometryLatin1 = Buffer.from(geo.hex, 'hex').toString('latin1');
    const [[texts]] = (await conn.query(`SELECT ${singleByteCharsets.map((c) => `sb_${c}`).join(', ')} FROM ${db}.t WHERE id = 1`)) as unknown as [[Record<string, string>]];
    serverText = texts;
    const [[lengths]] = (await conn.query(`SELECT ${singleByteCharsets.map((c) => `LENGTH(sb_${c}) AS sb_${c}`).join(', ')} FROM ${db}.t WHERE id = 1`)) as unknown as [[Record<string, number>]];
    for (const c of singleByteCharsets) expect([c, Number(lengths[`sb_${c}`])]).toEqual([c, storedBytes(c)]);
    await conn.query(insertSql(otherRow));
    // Rolled back: never reaches Kafka.
    await conn.query('BEGIN');
    await conn.query(`INSERT INTO ${db}.t (id, vc) VALUES (99, 'rolled back')`);
    await conn.query(`UPDATE ${db}.t SET vc = 'rolled back' WHERE id = 1`);
    await conn.query('ROLLBACK');
    await conn.query(`INSERT INTO ${db}.other VALUES (1)`);
    // One transaction, three statements, interleaved with a multi-row statement.
    await conn.query('BEGIN');
    await conn.query(`INSERT INTO ${db}.t (id, vc) VALUES (10, 'a'), (11, 'b'), (12, 'c')`);
    await conn.query(`UPDATE ${db}.t SET vc = CONCAT(vc, '!'), ti = NULL WHERE id IN (10, 11)`);
    await conn.query(`DELETE FROM ${db}.t WHERE id = 12`);
    await conn.query('COMMIT');
    await conn.query(`UPDATE ${db}.t SET vc = NULL, tiu = 0 WHERE id = 1`);
    await conn.query(`DELETE FROM ${db}.t WHERE id = 2`);

    const messages = (await consumeMessages(topic, 10)).map((m) => m.json);
    expect(messages.map((m) => [m.type, (m.data as Record<string, unknown>[])[0]!.id])).toEqual([
      ['INSERT', '1'],
      ['INSERT', '2'],
      ['INSERT', '10'],
      ['INSERT', '11'],
      ['INSERT', '12'],
      ['UPDATE', '10'],
      ['UPDATE', '11'],
      ['DELETE', '12'],
      ['UPDATE', '1'],
      ['DELETE', '2'],
    ]);
    // Ids increase by one per record: nothing skipped, nothing from the rollback.
    expect(messages.map((m) => m.id)).toEqual(messages.map((_, i) => (messages[0]!.id as number) + i));
    for (const m of messages) {
      expect(m).toMatchObject({ database: db, table: 't', isDdl: false, pkNames: ['id'], sql: '' });
      expect(Object.keys(m)).toEqual(['data', 'database', 'es', 'id', 'isDdl', 'mysqlType', 'old', 'pkNames', 'sql', 'sqlType', 'table', 'ts', 'type']);
      expect(m.es as number).toBeGreaterThan(Date.now() - 600_000);
      expect(m.ts as number).toBeGreaterThanOrEqual(m.es as number);
    }

    const [first, second] = messages;
    const firstData = (first!.data as Record<string, unknown>[])[0]!;
    expect(firstData).toEqual({ ...expected(edgeRow), g: geometryLatin1, ...serverText });
    expect(geometryLatin1.length).toBe(25); // SRID (4) + WKB point (21)
    // The server's text for all its stored bytes: a character each, latin1's C1 controls kept.
    expect(Object.keys(serverText).length).toBe(25);
    for (const c of singleByteCharsets) expect([c, [...serverText[`sb_${c}`]!].length]).toEqual([c, storedBytes(c)]);
    expect(serverText.sb_latin1!.slice(0x80, 0xa0)).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(firstData.e0).toBe('');
    expect((second!.data as Record<string, unknown>[])[0]!.e0).toBeNull();
    expect((second!.data as Record<string, unknown>[])[0]).toEqual(expected(otherRow));
    expect(first!.old).toBeNull();

    const mysqlType = first!.mysqlType as Record<string, string>;
    const sqlType = first!.sqlType as Record<string, number>;
    for (const [column, [type, code]] of Object.entries(expectedTypes)) {
      expect([column, mysqlType[column]]).toEqual([column, type]);
      expect([column, sqlType[column]]).toEqual([column, code]);
    }
    // Every column's type is the source's own COLUMN_TYPE, in table order.
    const [catalog] = (await conn.query('SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [db, 't'])) as unknown as [{ c: string; t: string }[]];
    expect(Object.entries(mysqlType)).toEqual(catalog.map((r) => [r.c, r.t]));
    expect(Object.keys(sqlType)).toEqual(catalog.map((r) => r.c));

    // UPDATE: `old` carries only the changed columns with their before values.
    expect(messages[5]!.old).toEqual([{ vc: 'a' }]); // ti was already NULL: unchanged, not listed
    expect((messages[5]!.data as Record<string, unknown>[])[0]).toMatchObject({ id: '10', vc: 'a!' });
    expect(messages[8]!.old).toEqual([{ vc: '😀中文é', tiu: '255' }]);
    expect((messages[8]!.data as Record<string, unknown>[])[0]).toMatchObject({ vc: null, tiu: '0', biu: '18446744073709551615' });
    // DELETE: the before image in `data`, no `old`.
    expect(messages[9]!.old).toBeNull();
    expect((messages[9]!.data as Record<string, unknown>[])[0]).toEqual(expected(otherRow));
  });
});

describe('Canal JSON from the real binlog: more edge values per type', () => {
  const vdb = uniqueName('values');
  const vtopic = uniqueName('values');
  let conn: mysql.Connection;
  let task: RunningTask;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${vdb} CHARACTER SET utf8mb4`);
    await conn.query(valuesTable(vdb));
    await createTopic(vtopic);
    task = startTask(taskFor({ database: vdb, tables: ['v'], topic: vtopic, dir: await tempDir('values') }));
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${vdb}`);
    await conn?.end();
  });

  it('delivers each value as the source stores it and returns it to a query', async () => {
    for (const row of valueRows) {
      const cols = Object.keys(row);
      await conn.query(`INSERT INTO ${vdb}.v (${cols.join(',')}) VALUES (${cols.map((c) => row[c]![0]).join(',')})`);
    }
    const messages = (await consumeMessages(vtopic, valueRows.length)).map((m) => m.json);
    expect(messages.map((m) => m.type)).toEqual(valueRows.map(() => 'INSERT'));
    const data = messages.map((m) => (m.data as Record<string, string | null>[])[0]!);
    const columns = Object.keys(valueRows[0]!);
    const [server] = (await conn.query(`SELECT ${columns.map((c) => (c === 'j' ? 'CAST(j AS CHAR) AS j' : c.startsWith('b') ? `CAST(${c} AS UNSIGNED) AS ${c}` : c)).join(', ')} FROM ${vdb}.v ORDER BY id`)) as unknown as [Record<string, unknown>[]];
    valueRows.forEach((row, i) => {
      const expected = { ...Object.fromEntries(columns.map((c) => [c, null])), ...expectedOn(stack.source, row) };
      expect(data[i]).toEqual(expected);
      // The same text the server returns for each value (YEAR as a number over the protocol: padded).
      const asServer = Object.fromEntries(columns.map((c) => [c, server[i]![c] === null ? null : c === 'y' ? String(server[i]![c]).padStart(4, '0') : String(server[i]![c])]));
      expect(data[i]).toEqual(asServer);
    });
  });
});
