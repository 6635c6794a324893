import { describe, expect, it } from 'vitest';
import { createRecordMapping, MappingError, type MappingConfig } from '../../../shared/mapping/index.ts';
import type { DdlRecord, RowRecord, SourceInfo, TableSchema } from '../../../shared/record/index.ts';
import { silentLogger, type Logger } from '../../../shared/log.ts';
import { column, table } from '../../helpers/columns.ts';

const source: SourceInfo = { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs: 1_700_000_000_000, txId: '7' };
const orders: TableSchema = table([column('Id', 'int(11)', { key: true, nullable: false }), column('Cust_Id', 'int(11)'), column('Payload', 'longblob'), column('Note', 'varchar(20)')], {
  database: 'Shop',
  table: 'Orders',
});

function row(op: RowRecord['op'], id: number, schema = orders, after: RowRecord['after'] = [1, 2, new Uint8Array([9]), 'n'], before: RowRecord['before'] = null): RowRecord {
  return { id, seq: 0, source, op, schema, before, after };
}

function config(objects: MappingConfig['objects'], objectNameCase: MappingConfig['objectNameCase'] = 'source'): MappingConfig {
  return { objects, objectNameCase };
}

describe('createRecordMapping', () => {
  it('is null when nothing is mapped, so records pass without a call', () => {
    expect(createRecordMapping(config([{ database: 'Shop', tables: ['Orders', { name: 'x', as: 'x' }] }]), silentLogger)).toBeNull();
  });

  it('renames the database, the table and columns, drops columns, and keeps ids, positions and source order', () => {
    const map = createRecordMapping(
      config([{ database: 'Shop', as: 'dw', tables: [{ name: 'Orders', as: 'orders_v2', columns: { drop: ['payload'], rename: { cust_id: 'customer_id' } } }] }]),
      silentLogger,
    )!;
    const before = [1, 2, new Uint8Array([8]), 'old'];
    const out = map(row('UPDATE', 41, orders, [1, 3, new Uint8Array([9]), 'new'], before)) as RowRecord;
    expect(out.id).toBe(41);
    expect(out.source).toBe(source);
    expect(out.op).toBe('UPDATE');
    expect([out.schema.database, out.schema.table]).toEqual(['dw', 'orders_v2']);
    expect(out.schema.columns.map((c) => c.name)).toEqual(['Id', 'customer_id', 'Note']);
    expect(out.schema.columns.map((c) => c.type)).toEqual(['int(11)', 'int(11)', 'varchar(20)']);
    expect(out.schema.pkNames).toEqual(['Id']);
    expect(out.after).toEqual([1, 3, 'new']);
    expect(out.before).toEqual([1, 2, 'old']);
  });

  it('computes the mapped shape once per source shape: records of one table share it', () => {
    const map = createRecordMapping(config([{ database: 'Shop', tables: [{ name: 'Orders', columns: { keep: ['id', 'note'] } }] }]), silentLogger)!;
    const a = map(row('INSERT', 1)) as RowRecord;
    const b = map(row('INIT', 2)) as RowRecord;
    expect(a.schema).toBe(b.schema);
    expect(a.schema.columns.map((c) => c.name)).toEqual(['Id', 'Note']);
    expect([a.after, b.after]).toEqual([
      [1, 'n'],
      [1, 'n'],
    ]);
    expect(b.op).toBe('INIT');
  });

  it('passes rows unchanged (the same array) when only names change', () => {
    const map = createRecordMapping(config([{ database: 'Shop', tables: [{ name: 'Orders', columns: { rename: { note: 'remark' } } }] }]), silentLogger)!;
    const input = row('DELETE', 3, orders, null, [1, 2, null, 'x']);
    const out = map(input) as RowRecord;
    expect(out.before).toBe(input.before);
    expect(out.after).toBeNull();
    expect(out.schema.columns.map((c) => c.name)).toEqual(['Id', 'Cust_Id', 'Payload', 'remark']);
  });

  it.each([
    ['lower', ['shop', 'orders', ['id', 'cust_id', 'payload', 'note'], ['id']]],
    ['upper', ['SHOP', 'ORDERS', ['ID', 'CUST_ID', 'PAYLOAD', 'NOTE'], ['ID']]],
  ] as const)('objectNameCase %s applies to every name the task file does not spell out', (policy, [database, tableName, columns, pk]) => {
    const map = createRecordMapping(config([{ database: 'Shop' }], policy), silentLogger)!;
    const input = row('INSERT', 1);
    const out = map(input) as RowRecord;
    expect([out.schema.database, out.schema.table, out.schema.columns.map((c) => c.name), out.schema.pkNames]).toEqual([database, tableName, columns, pk]);
    expect(out.after).toBe(input.after); // values untouched, not copied
  });

  it('writes as and rename names as given, whatever objectNameCase says', () => {
    const map = createRecordMapping(config([{ database: 'Shop', as: 'DW_Shop', tables: [{ name: 'Orders', as: 'OrdersV2', columns: { rename: { note: 'NoteText' } } }] }], 'lower'), silentLogger)!;
    const out = map(row('INSERT', 1)) as RowRecord;
    expect([out.schema.database, out.schema.table, out.schema.columns.map((c) => c.name)]).toEqual(['DW_Shop', 'OrdersV2', ['id', 'cust_id', 'payload', 'NoteText']]);
  });

  it('maps the database and table of DDL and delivers the statement as the source ran it', () => {
    const map = createRecordMapping(config([{ database: 'Shop', as: 'dw', tables: [{ name: 'Orders', as: 'orders_v2' }] }]), silentLogger)!;
    const ddl: DdlRecord = { id: 9, seq: 0, source, op: 'DDL', kind: 'ALTER_TABLE', database: 'Shop', table: 'Orders', sql: 'ALTER TABLE Orders ADD COLUMN x INT' };
    expect(map(ddl)).toEqual({ ...ddl, database: 'dw', table: 'orders_v2' });
    const dbLevel: DdlRecord = { ...ddl, kind: 'ALTER_DATABASE', table: '', sql: 'ALTER DATABASE Shop CHARACTER SET utf8mb4' };
    expect(map(dbLevel)).toEqual({ ...dbLevel, database: 'dw' });
    const other: DdlRecord = { ...ddl, database: 'Other', table: 'T' };
    expect(map(other)).toBe(other);
  });

  it('refuses to leave out a key column, naming table, column and path', () => {
    const dropKey = createRecordMapping(config([{ database: 'Shop', tables: ['x', { name: 'Orders', columns: { drop: ['ID'] } }] }]), silentLogger)!;
    expect(() => dropKey(row('INSERT', 1))).toThrow(MappingError);
    expect(() => dropKey(row('INSERT', 1))).toThrow(
      'column Id of Shop.Orders is part of its key (Id) and is in objects[0].tables[1].columns.drop: destinations identify rows by the key, so every key column must be delivered; keep it (it may be renamed) and restart the task',
    );
    const notKept = createRecordMapping(config([{ database: 'Shop', tables: [{ name: 'Orders', columns: { keep: ['note'] } }] }]), silentLogger)!;
    expect(() => notKept(row('INSERT', 1))).toThrow('is not in objects[0].tables[0].columns.keep');
  });

  it('warns once per table shape about mapped columns the table no longer has', () => {
    const warnings: unknown[] = [];
    const log: Logger = { ...silentLogger, warn: (message, fields) => warnings.push({ message, fields }) };
    const map = createRecordMapping(config([{ database: 'Shop', tables: [{ name: 'Orders', columns: { drop: ['gone'], rename: { missing: 'm' } } }] }]), log)!;
    map(row('INSERT', 1));
    map(row('INSERT', 2));
    expect(warnings).toEqual([{ message: 'the column mapping names columns the table does not have; they are ignored', fields: { table: 'Shop.Orders', columns: 'gone,missing' } }]);
  });
});
