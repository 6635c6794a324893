/** The MaxCompute precheck findings: naming-rule conflicts, unmapped types, names MaxCompute refuses, collisions. */
import { describe, expect, it } from 'vitest';
import { destinationNameFindings, MaxComputePrecheckError, namingConflicts, precheckMaxComputeTables } from '../../../../shared/encode/maxcompute/index.ts';
import { MysqlTypeCode, type Column } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const NEW = { namingRule: 'new' as const, partitionKeys: ['year', 'month'] as const };
const OLD = { namingRule: 'old' as const, partitionKeys: ['day'] as const };

describe('namingConflicts', () => {
  const t = table(
    [
      column('id', 'int(11)'),
      column('Record_ID', 'bigint(20)'), // old metadata, any case
      column('new_dts_sync_after_flag', 'char(1)'), // new metadata
      column('modifytime_day', 'varchar(2)'), // old partition key, chosen in OLD
      column('modifytime_year', 'varchar(4)'), // old partition key, not chosen in OLD
      column('NEW_DTS_SYNC_MODIFYTIME_MONTH', 'varchar(2)'), // new partition key, chosen in NEW
      column('new_dts_sync_modifytime_hour', 'varchar(2)'), // new partition key, not chosen in NEW
    ],
    { database: 'shop', table: 'orders' },
  );

  it('new rule: metadata and chosen partition key names, case-insensitively, each with the fix', () => {
    expect(namingConflicts(t, NEW)).toEqual([
      {
        code: 'COLUMN_NAME_CONFLICT',
        database: 'shop',
        table: 'orders',
        column: 'new_dts_sync_after_flag',
        message:
          'column new_dts_sync_after_flag of shop.orders has the name of a column that the "new" naming rule adds to orders_log; set namingRule: old on the destination (or rename the source column) and restart the task',
      },
      {
        code: 'COLUMN_NAME_CONFLICT',
        database: 'shop',
        table: 'orders',
        column: 'NEW_DTS_SYNC_MODIFYTIME_MONTH',
        message:
          'column NEW_DTS_SYNC_MODIFYTIME_MONTH of shop.orders has the name of a column that the "new" naming rule adds to orders_log; set namingRule: old on the destination (or rename the source column) and restart the task',
      },
    ]);
  });

  it('old rule: record_id (any case) and the chosen modifytime_day', () => {
    expect(namingConflicts(t, OLD).map((f) => [f.column, f.message.endsWith('set namingRule: new on the destination (or rename the source column) and restart the task')])).toEqual([
      ['Record_ID', true],
      ['modifytime_day', true],
    ]);
  });

  it('a table without such names has none', () => {
    expect(namingConflicts(table([column('id', 'int(11)'), column('record', 'int(11)')]), OLD)).toEqual([]);
  });
});

describe('destinationNameFindings', () => {
  it('names MaxCompute refuses, and two tables with one destination name (databases differ, or only case)', () => {
    const findings = destinationNameFindings([
      { database: 'a', table: 'orders' },
      { database: 'b', table: 'orders' },
      { database: 'a', table: 'Orders' },
      { database: 'a', table: 'order-items' },
      { database: 'a', table: '价格' },
      { database: 'a', table: 'x'.repeat(124) },
      { database: 'a', table: 'x'.repeat(123) },
      { database: 'a', table: 'items_2' },
    ]);
    expect(findings.map((f) => [f.code, f.database, f.table])).toEqual([
      ['DESTINATION_NAME_COLLISION', 'b', 'orders'],
      ['DESTINATION_NAME_COLLISION', 'a', 'Orders'],
      ['INVALID_TABLE_NAME', 'a', 'order-items'],
      ['INVALID_TABLE_NAME', 'a', '价格'],
      ['INVALID_TABLE_NAME', 'a', 'x'.repeat(124)],
    ]);
    expect(findings[0]!.message).toBe(
      'tables a.orders and b.orders would both be written to orders_base and orders_log (MaxCompute names are case-insensitive and carry no database); give one of them its own name with objects[].tables[].as, or select only one of them in this task',
    );
    expect(findings[2]!.message).toBe(
      "table a.order-items cannot be written to MaxCompute: order-items_base is not a valid MaxCompute table name (letters, digits and _, at most 128 characters); rename the source table or remove it from the task's objects",
    );
  });
});

describe('precheckMaxComputeTables', () => {
  const uuid: Column = { name: 'u', type: 'uuid', typeCode: MysqlTypeCode.VAR_STRING, unsigned: false, charset: null, nullable: true, key: false };

  it('collects every finding of every table, table names first', () => {
    const schemas = [
      table([column('id', 'int(11)'), uuid, column('a b', 'int(11)'), column('价格', 'decimal(10,2)'), column('utc_timestamp', 'int(11)')], { database: 'd1', table: 't' }),
      table([column('id', 'int(11)')], { database: 'd2', table: 'T' }),
    ];
    const findings = precheckMaxComputeTables(schemas, OLD);
    expect(findings.map((f) => [f.code, `${f.database}.${f.table}`, f.column])).toEqual([
      ['DESTINATION_NAME_COLLISION', 'd2.T', undefined],
      ['UNSUPPORTED_COLUMN_TYPE', 'd1.t', 'u'],
      ['INVALID_COLUMN_NAME', 'd1.t', 'a b'],
      ['COLUMN_NAME_CONFLICT', 'd1.t', 'utc_timestamp'],
    ]);
    expect(findings[1]!.message).toBe("column u of d1.t has type uuid, which the MaxCompute destination does not map; remove the table from the task's objects or change the column's type");
    expect(findings[2]!.message).toBe(
      `column "a b" of d1.t is not a valid MaxCompute column name (letters, digits, _ and Chinese characters, at most 128 bytes); rename the column or remove the table from the task's objects`,
    );
    expect(precheckMaxComputeTables([schemas[1]!], NEW)).toEqual([]);
  });

  it('a table too wide for MaxCompute once the five metadata columns are added', () => {
    const wide = (n: number) =>
      table(
        Array.from({ length: n }, (_, i) => column(`c${i}`, 'int(11)')),
        { database: 'd', table: 'wide' },
      );
    expect(precheckMaxComputeTables([wide(1195)], NEW)).toEqual([]);
    expect(precheckMaxComputeTables([wide(1196)], NEW)).toEqual([
      {
        code: 'TOO_MANY_COLUMNS',
        database: 'd',
        table: 'wide',
        message: "d.wide has 1196 columns; wide_log would have 1201, above MaxCompute's 1200 per table; remove the table from the task's objects",
      },
    ]);
  });

  it('MaxComputePrecheckError lists every finding, with a code and no retry', () => {
    const findings = precheckMaxComputeTables([table([column('record_id', 'int(11)')], { database: 'd', table: 't' })], OLD);
    const error = new MaxComputePrecheckError(findings);
    expect(error.message).toBe(`the MaxCompute precheck failed:\n  - ${findings[0]!.message}`);
    expect(error).toMatchObject({ name: 'MaxComputePrecheckError', code: 'DTS_MAXCOMPUTE_PRECHECK', retriable: false, findings, context: { findings: 1, database: 'd', table: 't' } });
  });
});
