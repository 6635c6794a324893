/**
 * The FC Records event: the four examples of the DTS document (dts-docs 004) reproduced byte for
 * byte (after normalizing the document's whitespace), INIT rows, NULLs, the value rendering shared
 * with Canal Json, and the HashMap key order DTS writes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeFcRecord, EVENT_OVERHEAD_BYTES, fcEvent, javaHashMapOrder } from '../../../../shared/encode/fc-records/index.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import type { ChangeRecord, DdlRecord, RowRecord, SourceInfo } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const fixture = (name: string) => JSON.stringify(JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')));
const NOW = 1690000000000;

function source(serverId: number, timestampMs = NOW): SourceInfo {
  return { serverId, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs, txId: '1' };
}

// The document's table: INSERT INTO demoTable VALUES("xiaoming", 10, "man").
const demo = table([column('name', 'varchar(20)', { key: true, nullable: false }), column('age', 'int(11)'), column('sex', 'varchar(10)')], {
  database: 'demoDatabase',
  table: 'demoTable',
});

function rowRecord(op: RowRecord['op'], id: number, serverId: number, images: Pick<RowRecord, 'before' | 'after'>): RowRecord {
  return { op, id, seq: 0, source: source(serverId), schema: demo, ...images };
}

const event = (record: ChangeRecord, nowMs = NOW) => fcEvent([encodeFcRecord(record, { nowMs })]).toString('utf8');

describe('the examples of the DTS document', () => {
  it('INSERT', () => {
    expect(event(rowRecord('INSERT', 62051, 27142678, { before: null, after: ['xiaoming', 10, 'man'] }))).toBe(fixture('dts-doc-004-insert.json'));
  });

  it('UPDATE carries the whole before image in old', () => {
    const record = rowRecord('UPDATE', 62373, 27142679, { before: ['xiaoming', 10, 'man'], after: ['xiaoming', 11, 'man'] });
    expect(event(record)).toBe(fixture('dts-doc-004-update.json'));
  });

  it('DELETE carries the before image in data', () => {
    expect(event(rowRecord('DELETE', 62635, 27142679, { before: ['xiaoming', 11, 'man'], after: null }))).toBe(fixture('dts-doc-004-delete.json'));
  });

  it('DDL carries the statement and none of the row fields', () => {
    const sql = '/* Query from DMS-WEBSQL-0-Eid_15682857722282385K by user 14xxxxxxxx */ ALTER TABLE `demoDatabase`.`DDL` \n\tADD COLUMN `address` varchar(20) NULL AFTER `sex`';
    const record: DdlRecord = { op: 'DDL', kind: 'ALTER_TABLE', id: 63151, seq: 0, source: source(27142679), database: 'demoDatabase', table: 'demoTable', sql };
    expect(event(record)).toBe(fixture('dts-doc-004-ddl.json'));
  });
});

describe('rows', () => {
  it('writes full-sync rows as type INIT with the row in data and no old', () => {
    const parsed = JSON.parse(event(rowRecord('INIT', 5, 1, { before: null, after: ['a', 1, 'f'] }), NOW + 7)) as { Records: Record<string, unknown>[] };
    expect(parsed.Records).toEqual([
      {
        data: [{ sex: 'f', name: 'a', age: '1' }],
        pkNames: ['name'],
        type: 'INIT',
        serverId: '1',
        es: NOW,
        sql: '',
        database: 'demoDatabase',
        sqlType: { sex: 253, name: 253, age: 3 },
        mysqlType: { sex: 'varchar', name: 'varchar', age: 'int' },
        id: 5,
        isDdl: false,
        table: 'demoTable',
        ts: NOW + 7,
      },
    ]);
  });

  it('renders values as DTS Canal Json does and keeps SQL NULL as null', () => {
    const schema = table(
      [
        column('id', 'bigint(20) unsigned', { key: true }),
        column('price', 'decimal(10,2)'),
        column('ratio', 'double'),
        column('small', 'float'),
        column('flags', 'bit(3)'),
        column('y', 'year(4)'),
        column('at', 'datetime(6)'),
        column('bin', 'varbinary(4)'),
        column('note', 'text'),
        column('gone', 'varchar(5)'),
      ],
      { database: 'd', table: 'types' },
    );
    const record: RowRecord = {
      op: 'INSERT',
      id: 1,
      seq: 0,
      source: source(3),
      schema,
      before: null,
      after: ['18446744073709551615', '12.50', 1e21, 0.1, Uint8Array.of(5), 0, '2026-01-02 03:04:05.000123', Uint8Array.of(0, 255), 'ü "q"', null],
    };
    const { Records } = JSON.parse(event(record)) as { Records: { data: Record<string, string | null>[]; sqlType: Record<string, number>; mysqlType: Record<string, string> }[] };
    expect(Records[0]!.data[0]).toEqual({
      id: '18446744073709551615',
      price: '12.50',
      ratio: '1.0E21',
      small: '0.1',
      flags: '5',
      y: '0000',
      at: '2026-01-02 03:04:05.000123',
      bin: '\u0000ÿ',
      note: 'ü "q"',
      gone: null,
    });
    expect(Records[0]!.sqlType).toEqual({ id: 8, price: 246, ratio: 5, small: 4, flags: 16, y: 13, at: 12, bin: 253, note: 252, gone: 253 });
    expect(Records[0]!.mysqlType).toEqual({
      id: 'bigint',
      price: 'decimal',
      ratio: 'double',
      small: 'float',
      flags: 'bit',
      y: 'year',
      at: 'datetime',
      bin: 'varbinary',
      note: 'text',
      gone: 'varchar',
    });
    // Row keys in HashMap order, not table order.
    expect(Object.keys(Records[0]!.data[0]!)).toEqual(javaHashMapOrder(schema.columns.map((c) => c.name)));
  });

  it('leaves pkNames out for a table without a key', () => {
    const keyless = table([column('v', 'int')], { database: 'd', table: 'k' });
    const record: RowRecord = { op: 'INSERT', id: 1, seq: 0, source: source(1), schema: keyless, before: null, after: [1] };
    expect(Object.keys(JSON.parse(encodeFcRecord(record, { nowMs: 0 })) as object)).not.toContain('pkNames');
  });

  it('refuses a row image that does not match the table', () => {
    expect(() => encodeFcRecord(rowRecord('UPDATE', 9, 1, { before: null, after: ['a', 1, 'f'] }), { nowMs: 0 })).toThrow(InvariantError);
    expect(() => encodeFcRecord(rowRecord('INSERT', 9, 1, { before: null, after: ['a', 1] }), { nowMs: 0 })).toThrow(/2-value row image for 3 columns/);
  });
});

describe('java.util.HashMap order', () => {
  it('is the order of the documented top-level fields (a 14-key map: 32 buckets)', () => {
    // `data` and `pkNames` share a bucket, so DTS puts `data` in first; the rest is insertion-independent.
    const fields = ['type', 'isDdl', 'database', 'table', 'data', 'pkNames', 'es', 'ts', 'old', 'sql', 'id', 'serverId', 'sqlType', 'mysqlType'];
    expect(javaHashMapOrder(fields)).toEqual(['data', 'pkNames', 'old', 'type', 'serverId', 'es', 'sql', 'database', 'sqlType', 'mysqlType', 'id', 'isDdl', 'table', 'ts']);
  });

  it('keeps insertion order inside a bucket and grows past 12 and 24 keys', () => {
    // "Aa" and "BB" share a String.hashCode (2112): one bucket, insertion order.
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashMapOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
    const many = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const ordered = javaHashMapOrder(many);
    expect([...ordered].sort()).toEqual([...many].sort());
    // 30 keys → 64 buckets: "c0" (hashCode 3117) lands in bucket 45, "c9" (3126) in 54, "c10" (96706) in 3.
    expect(ordered.indexOf('c10')).toBeLessThan(ordered.indexOf('c0'));
    expect(ordered.indexOf('c0')).toBeLessThan(ordered.indexOf('c9'));
    // 10 vs 13 keys of one set differ in order once the table doubles (16 → 32 buckets).
    const keys = ['sex', 'name', 'age', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'b1'];
    expect(javaHashMapOrder(keys.slice(0, 12))).not.toEqual(javaHashMapOrder(keys).filter((k) => k !== 'b1'));
  });
});

describe('the event', () => {
  /** How the FC sink predicts an event's size (sink/fc/invocations.ts): the overhead, the records, a comma between two. */
  const eventBytes = (recordBytes: readonly number[]) => recordBytes.reduce((sum, bytes) => sum + bytes, EVENT_OVERHEAD_BYTES + Math.max(0, recordBytes.length - 1));

  it('wraps records in binlog order and its size is predicted exactly', () => {
    const records = [rowRecord('INSERT', 1, 1, { before: null, after: ['ü', 1, 'm'] }), rowRecord('DELETE', 2, 1, { before: ['ü', 1, 'm'], after: null })];
    const texts = records.map((r) => encodeFcRecord(r, { nowMs: 0 }));
    const bytes = fcEvent(texts);
    expect((JSON.parse(bytes.toString('utf8')) as { Records: { id: number }[] }).Records.map((r) => r.id)).toEqual([1, 2]);
    expect(eventBytes(texts.map((t) => Buffer.byteLength(t)))).toBe(bytes.length);
    expect(eventBytes([])).toBe(fcEvent([]).length);
  });
});
