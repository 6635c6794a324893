/** The Canal Json message: golden samples from DTS's documentation, row shapes and DDL. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import type { DdlKind } from '../../../../shared/record/index.ts';
import { column, ddl, row, table } from './build.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
const keyOrder = ['data', 'database', 'es', 'id', 'isDdl', 'mysqlType', 'old', 'pkNames', 'sql', 'sqlType', 'table', 'ts', 'type'];

describe('golden samples', () => {
  it('reproduces the DTS UPDATE example (formats.md §2.7) byte for byte', () => {
    const schema = table([column('id', 'bigint(20)', { key: true, nullable: false }), column('shipping_type', 'varchar(50)')], { database: 'dbname', table: 'tablename' });
    const record = row('UPDATE', schema, { before: [500000287, 'aaa'], after: [500000287, null] }, { id: 58, timestampMs: 1600161894000 });
    const bytes = encodeCanalJson(record, { nowMs: 1600161894771 });
    expect(bytes.equals(Buffer.from(fixture('formats-2.7-update.json'), 'utf8'))).toBe(true);
  });

  it('reproduces the INSERT example of the DTS migration doc (dts-docs 001)', () => {
    const schema = table([column('id', 'int(11)', { key: true, nullable: false }), column('name', 'varchar(255)'), column('updated_at', 'datetime')], {
      database: 'example_db',
      table: 'example_table',
    });
    const record = row('INSERT', schema, { after: [1, 'example_value', '2026-01-01 00:00:00'] }, { id: 1, timestampMs: 1735689600000 });
    const text = encodeCanalJson(record, { nowMs: 1735689600123 }).toString('utf8');
    const doc = JSON.parse(fixture('dts-docs-001-insert.json')) as Record<string, unknown>;
    expect(JSON.parse(text)).toEqual(doc);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(doc));
    // Whitespace of the doc text normalized away, the bytes are the same (values and key order).
    expect(text).toBe(JSON.stringify(doc));
  });
});

describe('row messages', () => {
  const schema = table([column('id', 'int(11)', { key: true, nullable: false }), column('name', 'varchar(20)'), column('note', 'text'), column('raw', 'varbinary(4)')]);

  it('writes every key in the published order, null-valued ones included', () => {
    const message = parse(encodeCanalJson(row('INSERT', schema, { after: [1, 'a', null, null] }), { nowMs: 5 }));
    expect(Object.keys(message)).toEqual(keyOrder);
    expect(message).toMatchObject({ old: null, sql: '', isDdl: false, es: 1_700_000_000_000, id: 1, ts: 5, type: 'INSERT' });
    expect(message.data).toEqual([{ id: '1', name: 'a', note: null, raw: null }]);
  });

  it('writes INIT (full sync) rows as INSERT', () => {
    const message = parse(encodeCanalJson(row('INIT', schema, { after: [1, 'a', 'n', null] }), { nowMs: 5 }));
    expect(message.type).toBe('INSERT');
    expect(message.data).toEqual([{ id: '1', name: 'a', note: 'n', raw: null }]);
    expect(message.old).toBeNull();
  });

  it('writes the before image as data for DELETE, with old null', () => {
    const message = parse(encodeCanalJson(row('DELETE', schema, { before: [9, 'gone', null, new Uint8Array([1])] }), { nowMs: 5 }));
    expect(message.type).toBe('DELETE');
    expect(message.data).toEqual([{ id: '9', name: 'gone', note: null, raw: '\u0001' }]);
    expect(message.old).toBeNull();
  });

  it('lists in old only the changed columns, with their before values, NULL changes included', () => {
    const record = row('UPDATE', schema, {
      before: [1, null, 'same', new Uint8Array([1, 2])],
      after: [1, 'now set', null, new Uint8Array([1, 2])],
    });
    const message = parse(encodeCanalJson(record, { nowMs: 5 }));
    expect(message.data).toEqual([{ id: '1', name: 'now set', note: null, raw: '\u0001\u0002' }]);
    expect(message.old).toEqual([{ name: null, note: 'same' }]);
    expect(Object.keys((message.old as object[])[0]!)).toEqual(['name', 'note']);
  });

  it('treats the empty string and NULL as different', () => {
    const record = row('UPDATE', schema, { before: [1, '', null, null], after: [1, null, '', null] });
    expect(parse(encodeCanalJson(record, { nowMs: 5 })).old).toEqual([{ name: '', note: null }]);
  });

  it('writes old as [{}] for an UPDATE that changed nothing, as canal does', () => {
    const record = row('UPDATE', schema, { before: [1, 'a', null, null], after: [1, 'a', null, null] });
    expect(encodeCanalJson(record, { nowMs: 5 }).toString()).toContain('"old":[{}]');
  });

  it('writes pkNames null for a table without a key', () => {
    const keyless = table([column('a', 'int(11)')]);
    const message = parse(encodeCanalJson(row('INSERT', keyless, { after: [1] }), { nowMs: 5 }));
    expect(message.pkNames).toBeNull();
  });

  it('lists every key column in pkNames', () => {
    const twoKeys = table([column('a', 'int(11)', { key: true }), column('b', 'varchar(5)', { key: true }), column('c', 'int(11)')]);
    expect(parse(encodeCanalJson(row('INSERT', twoKeys, { after: [1, 'x', 2] }), { nowMs: 5 })).pkNames).toEqual(['a', 'b']);
  });

  it('escapes names and values and writes UTF-8', () => {
    const odd = table([column('we"ird\\name', 'varchar(10)'), column('列😀', 'varchar(10)')], { database: 'd"b', table: 't\n' });
    const bytes = encodeCanalJson(row('INSERT', odd, { after: ['a"b\\c\n', '中文😀'] }), { nowMs: 5 });
    const message = parse(bytes);
    expect(message.data).toEqual([{ 'we"ird\\name': 'a"b\\c\n', '列😀': '中文😀' }]);
    expect(message).toMatchObject({ database: 'd"b', table: 't\n' });
    expect(bytes.includes(Buffer.from('中文😀', 'utf8'))).toBe(true);
  });

  it('keeps tables apart even when their columns are named alike', () => {
    const a = table([column('x', 'int(11)')], { table: 'a' });
    const b = table([column('x', 'varchar(3)')], { table: 'b' });
    const ma = parse(encodeCanalJson(row('INSERT', a, { after: [1] }), { nowMs: 5 }));
    const mb = parse(encodeCanalJson(row('INSERT', b, { after: ['1'] }), { nowMs: 5 }));
    expect([ma.table, ma.sqlType, mb.table, mb.sqlType]).toEqual(['a', { x: 4 }, 'b', { x: 12 }]);
  });

  it('refuses a row image that is missing or does not match the columns', () => {
    expect(() => encodeCanalJson(row('INSERT', schema, {}), { nowMs: 5 })).toThrow(InvariantError);
    expect(() => encodeCanalJson(row('DELETE', schema, { before: [1] }), { nowMs: 5 })).toThrow(InvariantError);
    expect(() => encodeCanalJson(row('UPDATE', schema, { after: [1, null, null, null] }), { nowMs: 5 })).toThrow(InvariantError);
  });
});

describe('DDL messages', () => {
  it.each<[DdlKind, string]>([
    ['CREATE_TABLE', 'CREATE'],
    ['ALTER_TABLE', 'ALTER'],
    ['DROP_TABLE', 'ERASE'],
    ['RENAME_TABLE', 'RENAME'],
    ['TRUNCATE_TABLE', 'TRUNCATE'],
    ['CREATE_INDEX', 'CINDEX'],
    ['DROP_INDEX', 'DINDEX'],
    ['CREATE_VIEW', 'QUERY'],
    ['ALTER_VIEW', 'QUERY'],
    ['DROP_VIEW', 'QUERY'],
    ['CREATE_PROCEDURE', 'QUERY'],
    ['ALTER_PROCEDURE', 'QUERY'],
    ['DROP_PROCEDURE', 'QUERY'],
    ['CREATE_FUNCTION', 'QUERY'],
    ['ALTER_FUNCTION', 'QUERY'],
    ['DROP_FUNCTION', 'QUERY'],
    ['CREATE_TRIGGER', 'QUERY'],
    ['DROP_TRIGGER', 'QUERY'],
    ['CREATE_DATABASE', 'QUERY'],
    ['ALTER_DATABASE', 'QUERY'],
    ['DROP_DATABASE', 'QUERY'],
    ['OTHER', 'QUERY'],
  ])('%s → type %s', (kind, type) => {
    const message = parse(encodeCanalJson(ddl(kind, 'SQL TEXT', { table: 'orders' }), { nowMs: 99 }));
    expect(message.type).toBe(type);
  });

  it('writes the statement with the row fields null', () => {
    const sql = 'ALTER TABLE `orders` ADD COLUMN `note` varchar(10) DEFAULT "x"\n COMMENT \'注释\'';
    const text = encodeCanalJson(ddl('ALTER_TABLE', sql, { database: 'shop', table: 'orders' }), { nowMs: 99 }).toString('utf8');
    expect(text).toBe(
      `{"data":null,"database":"shop","es":1700000000000,"id":7,"isDdl":true,"mysqlType":null,"old":null,"pkNames":null,"sql":${JSON.stringify(sql)},"sqlType":null,"table":"orders","ts":99,"type":"ALTER"}`,
    );
    expect(Object.keys(JSON.parse(text) as object)).toEqual(keyOrder);
  });

  it('writes table "" for a statement without one', () => {
    const message = parse(encodeCanalJson(ddl('CREATE_DATABASE', 'CREATE DATABASE shop', { database: 'shop' }), { nowMs: 99 }));
    expect(message).toMatchObject({ database: 'shop', table: '', isDdl: true, type: 'QUERY', sql: 'CREATE DATABASE shop' });
  });
});
