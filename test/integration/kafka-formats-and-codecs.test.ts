/**
 * One task, seven Kafka destinations over the same binlog: Canal JSON with each compression (lz4,
 * gzip, snappy, none), DTS Avro with lz4, and the acks settings none and leader (the others use
 * all). Inserts (one row above 32 KiB), updates, deletes and a DDL go through; then:
 * - kafkajs (with the kit's codecs) reads every topic: the Canal JSON is what was written, and
 *   identical in every topic but for `ts`;
 * - the Java client from the stack's Kafka jars reads the lz4, snappy and gzip topics with its own
 *   codecs: its values are byte for byte the same;
 * - kafka.tools.DumpLogSegments shows each topic's batches stored with the configured codec;
 * - the DTS Avro values decode with avsc and `record.avsc.json` (strictly, every byte), and with
 *   the 14-field schema of the official Java SDK.
 */
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { javaReadTopics, storedBatches } from '../helpers/java-kafka.ts';
import { consumeTopics, messageCount, waitForTopics } from '../helpers/kafka-read.ts';
import { sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const db = uniqueName('formats');
const destinations = {
  lz4: { compression: 'lz4', acks: 'all' },
  gzip: { compression: 'gzip' },
  snappy: { compression: 'snappy' },
  none: { compression: 'none' },
  avro: { compression: 'lz4', format: 'dts-avro' },
  acks_none: { acks: 'none' },
  acks_leader: { acks: 'leader' },
} as const;
type Destination = keyof typeof destinations;
const topicOf = Object.fromEntries(Object.keys(destinations).map((d) => [d, uniqueName(`formats_${d}`)])) as Record<Destination, string>;
const codecOf = (d: Destination): string => ('compression' in destinations[d] ? (destinations[d] as { compression: string }).compression : 'lz4');

type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];
const NS = 'com.alibaba.dts.formats.avro';
/** The DTS Avro Record type, built here from the schema file (wrapped unions, as DTS readers see them). */
const recordType = (() => {
  const registry: Record<string, avsc.Type> = {};
  const schema = JSON.parse(readFileSync(new URL('../../shared/encode/dts-avro/record.avsc.json', import.meta.url), 'utf8')) as AvscSchema;
  avsc.Type.forSchema(schema, { registry, wrapUnions: true });
  return registry[`${NS}.Record`]!;
})();
/** The 14-field schema embedded in aliyun-dts-subscribe-sdk-java (no bornTimestamp). */
const sdkType = avsc.Type.forSchema(JSON.parse(readFileSync(new URL('../unit/encode/dts-avro/fixtures/Record.sdk-embedded.avsc', import.meta.url), 'utf8')) as AvscSchema, { wrapUnions: true });

/** A text above 32 KiB that compresses poorly (pseudo-random letters). */
const BIG_NOTE = (() => {
  let seed = 7;
  let text = '';
  while (text.length < 40_000) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    text += 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 é'[seed % 47];
  }
  return text;
})();

interface Row {
  id: number;
  name: string;
  amount: string | null;
  note: string | null;
  at: string;
  extra?: number | null;
}

/** Canal JSON `data` of a row: every value as a string, NULL as null. */
function canalData(r: Row): Record<string, string | null> {
  return {
    id: String(r.id),
    name: r.name,
    amount: r.amount,
    note: r.note,
    at: r.at,
    ...(r.extra === undefined ? {} : { extra: r.extra === null ? null : String(r.extra) }),
  };
}

interface Change {
  type: 'INSERT' | 'UPDATE' | 'DELETE' | 'DDL';
  row?: Row;
  before?: Row;
  sql?: string;
}

describe('Kafka formats, codecs and acknowledgements', () => {
  let conn: mysql.Connection;
  let task: RunningTask;
  let serverVersion: string;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    await conn.query(`CREATE TABLE ${db}.t (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, amount DECIMAL(10,2), note TEXT, at DATETIME NOT NULL) CHARACTER SET utf8mb4`);
    const [[version]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    serverVersion = version.v;
    task = startTask(
      taskFor(
        { database: db, topic: '', dir: await tempDir('formats') },
        {
          destinations: Object.entries(destinations).map(([name, options]) => ({
            type: 'kafka' as const,
            name,
            brokers: [stack.kafkaBroker],
            topic: topicOf[name as Destination],
            format: 'canal-json' as const,
            ...options,
          })),
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

  it('delivers the same changes through every format, codec and acks setting, readable by the Java client', { timeout: 60_000 }, async () => {
    const changes: Change[] = [];
    const rows = new Map<number, Row>();
    const at = '2026-01-02 03:04:05';
    const names = ['plain', 'é accent', '\u{1F600} emoji', '中文', 'tab\there', 'quote "q"', "apos ' x", 'back\\slash', 'nl\nline', ''];
    const literal = (v: string | number | null | undefined) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : conn.escape(v));
    const insertSql = (r: Row) =>
      `INSERT INTO ${db}.t (id, name, amount, note, at${r.extra === undefined ? '' : ', extra'}) VALUES (${r.id}, ${literal(r.name)}, ${literal(r.amount)}, ${literal(r.note)}, '${r.at}'${r.extra === undefined ? '' : `, ${literal(r.extra)}`})`;
    const insert = (r: Row) => {
      rows.set(r.id, r);
      changes.push({ type: 'INSERT', row: r });
      return insertSql(r);
    };

    // One multi-row statement, then a transaction of single-row statements.
    const first = Array.from({ length: 10 }, (_, i): Row => ({ id: i + 1, name: names[i]!, amount: `${i}.50`, note: i % 2 ? `note ${i}` : null, at }));
    first.forEach((r) => {
      rows.set(r.id, r);
      changes.push({ type: 'INSERT', row: r });
    });
    await conn.query(`INSERT INTO ${db}.t (id, name, amount, note, at) VALUES ${first.map((r) => `(${r.id}, ${literal(r.name)}, ${literal(r.amount)}, ${literal(r.note)}, '${r.at}')`).join(', ')}`);
    await conn.query(`BEGIN; ${Array.from({ length: 10 }, (_, i) => insert({ id: 11 + i, name: `row ${11 + i}`, amount: i === 3 ? null : `-${i}.05`, note: null, at })).join('; ')}; COMMIT`);
    await conn.query(insert({ id: 21, name: 'big', amount: '99999999.99', note: BIG_NOTE, at }));
    for (let id = 1; id <= 5; id++) {
      const before = rows.get(id)!;
      const after = { ...before, amount: `${id}00.00` };
      rows.set(id, after);
      changes.push({ type: 'UPDATE', row: after, before });
      await conn.query(`UPDATE ${db}.t SET amount = ${after.amount} WHERE id = ${id}`);
    }
    await conn.query(`BEGIN; DELETE FROM ${db}.t WHERE id IN (18, 19); DELETE FROM ${db}.t WHERE id = 20; COMMIT`);
    for (const id of [18, 19, 20]) changes.push({ type: 'DELETE', before: rows.get(id)! });
    const ddl = `ALTER TABLE ${db}.t ADD COLUMN extra INT NULL`;
    await conn.query(ddl);
    changes.push({ type: 'DDL', sql: ddl });
    await conn.query(insert({ id: 22, name: 'after alter', amount: '1.00', note: 'x', at, extra: 7 }));
    await conn.query(insert({ id: 23, name: 'after alter', amount: null, note: null, at, extra: null }));
    const n = changes.length;
    expect(n).toBe(32);

    const topics = Object.values(topicOf);
    await waitForTopics(topics);
    const got = await consumeTopics(Object.fromEntries(topics.map((t) => [t, n])));
    expect(await Promise.all(topics.map(messageCount))).toEqual(topics.map(() => n));

    // Canal JSON: exactly what was written, in order, in every topic.
    const canal = (Object.keys(destinations) as Destination[]).filter((d) => d !== 'avro');
    const parsed = Object.fromEntries(canal.map((d) => [d, got[topicOf[d]]!.map((m) => JSON.parse(m.value.toString('utf8')) as Record<string, unknown>)])) as Record<string, Record<string, unknown>[]>;
    const lz4 = parsed.lz4!;
    expect(lz4.map((m) => m.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    lz4.forEach((m, i) => {
      const c = changes[i]!;
      if (c.type === 'DDL') {
        expect(m).toMatchObject({ isDdl: true, type: 'ALTER', database: db, table: 't', data: null });
        expect(m.sql).toContain('ADD COLUMN extra');
        return;
      }
      const image = c.type === 'DELETE' ? c.before! : c.row!;
      expect([i, m.type, m.data]).toEqual([i, c.type, [canalData(image)]]);
      expect(m).toMatchObject({ isDdl: false, database: db, table: 't', pkNames: ['id'], sql: '' });
      expect(m.old).toEqual(c.type === 'UPDATE' ? [{ amount: c.before!.amount }] : null);
    });
    expect((lz4[20]!.data as Record<string, string>[])[0]!.note).toBe(BIG_NOTE);
    const withoutTs = (list: Record<string, unknown>[]) => list.map(({ ts: _, ...rest }) => rest);
    for (const d of canal) expect([d, withoutTs(parsed[d]!)]).toEqual([d, withoutTs(lz4)]);

    // The Java client decompresses lz4, snappy and gzip itself and reads the same bytes.
    const javaTopics = { lz4: topicOf.lz4, snappy: topicOf.snappy, gzip: topicOf.gzip };
    const [java, stored] = await Promise.all([javaReadTopics(Object.fromEntries(Object.values(javaTopics).map((t) => [t, n]))), storedBatches(topics)]);
    for (const [d, topic] of Object.entries(javaTopics)) {
      expect([d, java[topic]!.length]).toEqual([d, n]);
      expect([d, java[topic]!.map((m) => m.value)]).toEqual([d, got[topic]!.map((m) => m.value.toString('utf8'))]);
      expect(java[topic]!.map((m) => m.offset)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(JSON.parse(java[topic]![20]!.value).data[0].note).toBe(BIG_NOTE);
    }
    // The broker stored every batch with the destination's codec, CRCs valid, all records counted.
    for (const d of Object.keys(destinations) as Destination[]) {
      const batches = stored[topicOf[d]]!;
      expect([d, batches.length > 0, [...new Set(batches.map((b) => b.codec))], batches.every((b) => b.valid)]).toEqual([d, true, [codecOf(d)], true]);
      expect([d, batches.reduce((sum, b) => sum + b.count, 0)]).toEqual([d, n]);
    }

    // DTS Avro: strict decoding with record.avsc.json, the same record ids as the Canal JSON.
    const avro = got[topicOf.avro]!.map((m) => {
      const record = recordType.fromBuffer(m.value) as Record<string, unknown>;
      const sdk = sdkType.decode(m.value, 0).value as Record<string, unknown>;
      expect([sdk.id, sdk.operation, sdk.objectName, sdk.sourcePosition]).toEqual([record.id, record.operation, record.objectName, record.sourcePosition]);
      return record;
    });
    expect(avro.map((r) => r.id)).toEqual(lz4.map((m) => m.id));
    const fields = [
      { name: 'id', dataTypeNumber: 3 },
      { name: 'name', dataTypeNumber: 253 },
      { name: 'amount', dataTypeNumber: 246 },
      { name: 'note', dataTypeNumber: 252 },
      { name: 'at', dataTypeNumber: 12 },
    ];
    const image = (r: Row) => {
      const digits = (r.amount ?? '')
        .replace(/^-/, '')
        .replace('.', '')
        .replace(/^0+(?=\d)/, '');
      return [
        { [`${NS}.Integer`]: { precision: 4, value: String(r.id) } },
        { [`${NS}.Character`]: { charset: 'utf8mb4', value: Buffer.from(r.name, 'utf8') } },
        r.amount === null ? null : { [`${NS}.Decimal`]: { value: r.amount, precision: digits.length, scale: 2 } },
        r.note === null ? null : { [`${NS}.TextObject`]: { type: 'TEXT', value: r.note } },
        { [`${NS}.DateTime`]: { year: { int: 2026 }, month: { int: 1 }, day: { int: 2 }, hour: { int: 3 }, minute: { int: 4 }, second: { int: 5 }, millis: { int: 0 } } },
        ...(r.extra === undefined ? [] : [r.extra === null ? null : { [`${NS}.Integer`]: { precision: 4, value: String(r.extra) } }]),
      ];
    };
    const plain = (v: unknown): unknown =>
      v === null || typeof v !== 'object' || Buffer.isBuffer(v) ? v : Array.isArray(v) ? v.map(plain) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    avro.forEach((record, i) => {
      const c = changes[i]!;
      expect(record).toMatchObject({ version: 0, source: { sourceType: 'MySQL', version: serverVersion }, operation: c.type });
      expect(record.sourcePosition).toMatch(/^\d+@\d+$/);
      if (c.type === 'DDL') {
        expect(plain({ objectName: record.objectName, fields: record.fields, beforeImages: record.beforeImages })).toEqual({ objectName: { string: db }, fields: null, beforeImages: null });
        expect((record.afterImages as { string: string }).string).toContain('ADD COLUMN extra');
        return;
      }
      const hasExtra = (c.row ?? c.before)!.extra !== undefined;
      expect([i, plain(record.objectName), plain(record.fields)]).toEqual([i, { string: `${db}.t` }, { array: hasExtra ? [...fields, { name: 'extra', dataTypeNumber: 3 }] : fields }]);
      expect([i, plain(record.beforeImages)]).toEqual([i, c.before ? { array: image(c.before) } : null]);
      expect([i, plain(record.afterImages)]).toEqual([i, c.type === 'DELETE' ? null : { array: image(c.row!) }]);
    });
  });
});
