/**
 * What only MySQL 8 has, value by value from its binlog to Canal JSON and DTS Avro: INVISIBLE
 * columns (8.0.23), the hidden column of a functional index (8.0.13), the 0900 collations and
 * gb18030, binary JSON with opaque SQL values and the empty value, and the JSON double forms
 * MySQL prints. The types both servers have are in test/integration/canal-json-types.test.ts.
 * (VECTOR is MySQL 9: 8.0.31 has no such type.)
 */
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlJsonDouble } from '../../shared/source/binlog/mysql-json-double.ts';
import { singleByteTables } from '../../shared/source/charset/single-byte-tables.ts';
import { consumeTopics } from '../helpers/kafka-read.ts';
import { createTopic, sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const NS = 'com.alibaba.dts.formats.avro';
type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];
const recordType = (() => {
  const registry: Record<string, avsc.Type> = {};
  avsc.Type.forSchema(JSON.parse(readFileSync(new URL('../../shared/encode/dts-avro/record.avsc.json', import.meta.url), 'utf8')) as AvscSchema, { registry, wrapUnions: true });
  return registry[`${NS}.Record`]!;
})();

/** Text columns: name → [charset / collation clause, value]. Each value fits its charset. */
const texts: Record<string, [string, string]> = {
  ai: ['', 'Ää😀'], // the table's default: utf8mb4_0900_ai_ci, MySQL 8's server default
  ascs: ['COLLATE utf8mb4_0900_as_cs', 'Ää😀'],
  ja: ['COLLATE utf8mb4_ja_0900_as_cs', 'カタカナ漢字'],
  bin: ['COLLATE utf8mb4_0900_bin', 'é😀'],
  mb3: ['CHARACTER SET utf8mb3', '中文é'],
  gb: ['CHARACTER SET gb18030', '中文😀é'], // MariaDB has no gb18030
  u16: ['CHARACTER SET utf16', '😀é'],
  u32: ['CHARACTER SET utf32', '😀é'],
  sj: ['CHARACTER SET sjis', 'カタカナ漢字'],
  kr: ['CHARACTER SET euckr', '한국어'],
  b5: ['CHARACTER SET big5', '中文'],
  uj: ['CHARACTER SET ujis', '日本語'],
};
const textColumns = Object.keys(texts);

const TABLE = (db: string) => `CREATE TABLE ${db}.t (
  id INT PRIMARY KEY,
  hid INT INVISIBLE,
  ${textColumns.map((c) => `${c} VARCHAR(20) ${texts[c]![0]}`).join(',\n  ')},
  e ENUM('ä','b'),
  j JSON, jn JSON NOT NULL,
  fx VARCHAR(10), INDEX fi ((UPPER(fx)))
)`;

/** JSON with opaque SQL values: MySQL prints DATE/TIME/DATETIME/DECIMAL as their SQL text, other types as base64. */
const OPAQUE_JSON = "JSON_OBJECT('d', DATE'2026-01-02', 't', TIME'-12:34:56.5', 'dt', TIMESTAMP'2026-01-02 03:04:05.123456', 'dec', CAST(1.50 AS DECIMAL(5,2)), 'b', x'00ff', 'y', CAST(2026 AS YEAR))";
const OPAQUE_TEXT = '{"b": "base64:type15:AP8=", "d": "2026-01-02", "t": "-12:34:56.500000", "y": 2026, "dt": "2026-01-02 03:04:05.123456", "dec": 1.50}';

describe.skipIf(stack.source !== 'mysql8')('MySQL 8 only: invisible and hidden columns, 0900 collations, binary JSON', () => {
  const db = uniqueName('m8types');
  const canalTopic = uniqueName('m8types_canal');
  const avroTopic = uniqueName('m8types_avro');
  let conn: mysql.Connection;
  let task: RunningTask;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    await conn.query(TABLE(db));
    await createTopic(canalTopic);
    await createTopic(avroTopic);
    task = startTask(
      taskFor(
        { database: db, tables: ['t'], topic: canalTopic, dir: await tempDir('m8types') },
        {
          destinations: [
            { type: 'kafka', name: 'canal', brokers: [stack.kafkaBroker], topic: canalTopic, format: 'canal-json' },
            { type: 'kafka', name: 'avro', brokers: [stack.kafkaBroker], topic: avroTopic, format: 'dts-avro' },
          ],
        },
      ),
    );
    await task.ready;
  });

  afterAll(async () => {
    await task?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  it('delivers every column the binlog row holds, invisible ones with their values, in the server text', async () => {
    const [[defaults]] = (await conn.query('SELECT @@collation_server AS server, DEFAULT_COLLATION_NAME AS db FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db])) as unknown as [
      [{ server: string; db: string }],
    ];
    expect(defaults).toEqual({ server: 'utf8mb4_0900_ai_ci', db: 'utf8mb4_0900_ai_ci' });
    const literal = (v: string) => conn.escape(v);
    await conn.query(
      `INSERT INTO ${db}.t (id, hid, ${textColumns.join(', ')}, e, j, jn, fx) VALUES (1, 7, ${textColumns.map((c) => literal(texts[c]![1])).join(', ')}, 'ä', ${OPAQUE_JSON}, '[]', 'abc')`,
    );
    // jn NOT NULL without a value, outside strict mode: MySQL stores an empty value and reads it as JSON null.
    await conn.query(`INSERT INTO ${db}.t (id, e) VALUES (2, 'nope')`);
    await conn.query(`UPDATE ${db}.t SET hid = 8, fx = 'xyz' WHERE id = 1`);

    const got = await consumeTopics({ [canalTopic]: 3, [avroTopic]: 3 });
    const canal = got[canalTopic]!.map((m) => JSON.parse(m.value.toString('utf8')) as Record<string, unknown>);
    expect(canal.map((m) => m.type)).toEqual(['INSERT', 'INSERT', 'UPDATE']);

    // The columns are the catalog's, hidden functional-index column excluded, invisible one included.
    const [catalog] = (await conn.query('SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, EXTRA AS x FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [
      db,
      't',
    ])) as unknown as [{ c: string; t: string; x: string }[]];
    const names = ['id', 'hid', ...textColumns, 'e', 'j', 'jn', 'fx'];
    expect(catalog.map((r) => r.c)).toEqual(names);
    expect(catalog.find((r) => r.c === 'hid')!.x).toBe('INVISIBLE');
    expect(Object.entries(canal[0]!.mysqlType as Record<string, string>)).toEqual(catalog.map((r) => [r.c, r.t]));
    expect((canal[0]!.mysqlType as Record<string, string>).id).toBe('int');

    const first = { id: '1', hid: '7', ...Object.fromEntries(textColumns.map((c) => [c, texts[c]![1]])), e: 'ä', j: OPAQUE_TEXT, jn: '[]', fx: 'abc' };
    const second = { id: '2', hid: null, ...Object.fromEntries(textColumns.map((c) => [c, null])), e: '', j: null, jn: 'null', fx: null };
    expect((canal[0]!.data as unknown[])[0]).toEqual(first);
    expect((canal[1]!.data as unknown[])[0]).toEqual(second);
    expect((canal[2]!.data as unknown[])[0]).toEqual({ ...first, hid: '8', fx: 'xyz' });
    expect(canal[2]!.old).toEqual([{ hid: '7', fx: 'abc' }]);

    // The same as the server returns it to a query.
    const [server] = (await conn.query(`SELECT id, hid, ${textColumns.join(', ')}, e, CAST(j AS CHAR) AS j, CAST(jn AS CHAR) AS jn, fx FROM ${db}.t ORDER BY id`)) as unknown as [
      Record<string, unknown>[],
    ];
    const asText = (r: Record<string, unknown>) => Object.fromEntries(names.map((c) => [c, r[c] === null ? null : String(r[c])]));
    expect([(canal[2]!.data as unknown[])[0], (canal[1]!.data as unknown[])[0]]).toEqual(server.map(asText));

    // DTS Avro: Character carries the bytes the column stores, in its charset; ENUM and JSON their text.
    const avro = got[avroTopic]!.map(
      (m) => recordType.fromBuffer(m.value) as { operation: string; fields: { array: { name: string }[] }; afterImages: { array: Record<string, Record<string, unknown>>[] } },
    );
    expect(avro.map((r) => r.operation)).toEqual(['INSERT', 'INSERT', 'UPDATE']);
    expect(avro[0]!.fields.array.map((f) => f.name)).toEqual(names);
    const [[hex]] = (await conn.query(`SELECT ${textColumns.map((c) => `HEX(${c}) AS ${c}`).join(', ')} FROM ${db}.t WHERE id = 1`)) as unknown as [[Record<string, string>]];
    const [charsets] = (await conn.query('SELECT COLUMN_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db, 't'])) as unknown as [
      { c: string; cs: string | null }[],
    ];
    const charsetOf = Object.fromEntries(charsets.map((r) => [r.c, r.cs]));
    const image = avro[0]!.afterImages.array;
    textColumns.forEach((c) => {
      const character = image[names.indexOf(c)]![`${NS}.Character`] as { charset: string; value: Buffer };
      expect([c, character.charset, character.value.toString('hex').toUpperCase()]).toEqual([c, charsetOf[c], hex[c]]);
    });
    expect(image[names.indexOf('hid')]).toEqual({ [`${NS}.Integer`]: { precision: 4, value: '7' } });
    expect(image[names.indexOf('e')]).toEqual({ [`${NS}.TextObject`]: { type: 'ENUM', value: 'ä' } });
    expect(image[names.indexOf('j')]).toEqual({ [`${NS}.TextObject`]: { type: 'JSON', value: OPAQUE_TEXT } });
    expect(avro[1]!.afterImages.array[names.indexOf('e')]).toEqual({ [`${NS}.TextObject`]: { type: 'ENUM', value: '' } });
    expect(avro[1]!.afterImages.array[names.indexOf('jn')]).toEqual({ [`${NS}.TextObject`]: { type: 'JSON', value: 'null' } });
  });

  it('converts each byte of each single-byte charset as the tables say (built from MariaDB: the same on MySQL 8)', async () => {
    const [charsets] = (await conn.query("SHOW CHARACTER SET WHERE Maxlen = 1 AND Charset <> 'binary'")) as unknown as [{ Charset: string }[]];
    expect(charsets.map((c) => c.Charset).sort()).toEqual(Object.keys(singleByteTables).sort());
    for (const { Charset: charset } of charsets) {
      const columns = Array.from({ length: 256 }, (_, b) => `CONVERT(_${charset} x'${b.toString(16).padStart(2, '0')}' USING utf8mb4) AS c${b}`);
      const [[row]] = (await conn.query(`SELECT ${columns.join(', ')}`)) as unknown as [[Record<string, string>]];
      const server = Array.from({ length: 256 }, (_, b) => row[`c${b}`]!);
      const table = Array.from(singleByteTables[charset]!);
      const differing = server.flatMap((c, b) => (c === table[b] ? [] : [b]));
      expect([charset, differing]).toEqual([charset, []]);
    }
  });

  it('prints a JSON double as MySQL 8 does, over every exponent and a spread of bit patterns', async () => {
    const xs: number[] = [
      0,
      -0,
      1,
      -1,
      0.1,
      5e-324,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      2.2250738585072014e-308,
      1234567890123456,
      12345678901234568,
      1234567890123456.8,
      123456789012345.6,
      1e-15,
      9e-16,
      999999999999999,
      1e15,
      4.35,
    ];
    for (let e = -30; e <= 30; e++) for (const m of [1, 1.5, 9.99, 1.2345678901234567]) xs.push(m * 10 ** e, -m * 10 ** e);
    const view = new DataView(new ArrayBuffer(8));
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    while (xs.length < 1200) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      const x = view.getFloat64(0);
      if (Number.isFinite(x)) xs.push(x);
    }
    let differences = 0;
    for (let i = 0; i < xs.length; i += 200) {
      const chunk = xs.slice(i, i + 200);
      // CAST(... AS DOUBLE) reads the shortest text back exactly; the JSON parser may not (1.0E+30).
      const [[row]] = (await conn.query(`SELECT ${chunk.map((x, k) => `CAST(CAST(CAST('${Object.is(x, -0) ? '-0' : String(x)}' AS DOUBLE) AS JSON) AS CHAR) AS c${k}`).join(', ')}`)) as unknown as [
        [Record<string, string>],
      ];
      chunk.forEach((x, k) => {
        if (mysqlJsonDouble(x) !== row[`c${k}`]) {
          differences += 1;
          expect([x, mysqlJsonDouble(x)]).toEqual([x, row[`c${k}`]]);
        }
      });
    }
    expect(differences).toBe(0);
    expect([mysqlJsonDouble(100), mysqlJsonDouble(-0), mysqlJsonDouble(1e15), mysqlJsonDouble(1e-7), mysqlJsonDouble(1e-16)]).toEqual(['100.0', '-0.0', '1e15', '0.0000001', '1e-16']);
  });
});
