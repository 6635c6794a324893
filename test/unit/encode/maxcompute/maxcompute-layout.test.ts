/**
 * Records → the `_base` and `_log` rows DTS writes (specs/maxcompute.md §7): flags, record ids,
 * epoch-second timestamps, zero-padded UTC partitions, both naming rules, every subset of
 * partition levels, and every column type in one row.
 */
import { describe, expect, it } from 'vitest';
import { createMaxComputeLayout, PARTITION_LEVELS, type LogLayoutOptions, type PartitionLevel } from '../../../../shared/encode/maxcompute/index.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import type { Row, RowRecord, SourceInfo, TableSchema } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const T0 = Date.UTC(2026, 0, 9, 5, 7, 3, 999); // 2026-01-09 05:07:03.999 UTC

function source(timestampMs = T0): SourceInfo {
  return { serverId: 1, file: 'mysql-bin.000003', position: 1234, gtid: null, timestampMs, txId: '88' };
}

function record(op: RowRecord['op'], schema: TableSchema, images: { before?: Row; after?: Row }, id = 41, timestampMs = T0): RowRecord {
  return { op, id, seq: 0, source: source(timestampMs), schema, before: images.before ?? null, after: images.after ?? null };
}

const orders = table([column('id', 'int(11)', { key: true }), column('name', 'varchar(20)'), column('price', 'decimal(10,2)')], { database: 'shop', table: 'Orders' });
const NEW_DAY: LogLayoutOptions = { namingRule: 'new', partitionKeys: ['year', 'month', 'day'] };

describe('tables', () => {
  it('new rule: _base has the source columns; _log has the five metadata columns first, then the source columns, partitioned year → minute', () => {
    const tables = createMaxComputeLayout({ namingRule: 'new', partitionKeys: ['minute', 'year', 'hour', 'day', 'month'] }).tablesOf(orders);
    const source = [
      { name: 'id', type: 'INT', comment: 'int(11)' },
      { name: 'name', type: 'STRING', comment: 'varchar(20)' },
      { name: 'price', type: 'DECIMAL(10,2)', comment: 'decimal(10,2)' },
    ];
    expect(tables.base).toEqual({ name: 'orders_base', shape: { columns: source, partitionKeys: [] } });
    expect(tables.log).toEqual({
      name: 'orders_log',
      shape: {
        columns: [
          { name: 'new_dts_sync_record_id', type: 'BIGINT' },
          { name: 'new_dts_sync_operation_flag', type: 'STRING' },
          { name: 'new_dts_sync_utc_timestamp', type: 'BIGINT' },
          { name: 'new_dts_sync_before_flag', type: 'STRING' },
          { name: 'new_dts_sync_after_flag', type: 'STRING' },
          ...source,
        ],
        partitionKeys: ['year', 'month', 'day', 'hour', 'minute'].map((l) => ({ name: `new_dts_sync_modifytime_${l}`, type: 'STRING' })),
      },
    });
  });

  it('old rule: record_id, operation_flag, utc_timestamp, before_flag, after_flag and modifytime_* keys', () => {
    const { log } = createMaxComputeLayout({ namingRule: 'old', partitionKeys: ['year', 'hour'] }).tablesOf(orders);
    expect(log.shape.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'record_id BIGINT',
      'operation_flag STRING',
      'utc_timestamp BIGINT',
      'before_flag STRING',
      'after_flag STRING',
      'id INT',
      'name STRING',
      'price DECIMAL(10,2)',
    ]);
    expect(log.shape.partitionKeys).toEqual([
      { name: 'modifytime_year', type: 'STRING' },
      { name: 'modifytime_hour', type: 'STRING' },
    ]);
  });

  it('are built once per table shape; an ADD COLUMN (a new shape) appends to both tables', () => {
    const layout = createMaxComputeLayout(NEW_DAY);
    expect(layout.tablesOf(orders)).toBe(layout.tablesOf(orders));
    const added = table([...orders.columns, column('note', 'text')], { database: 'shop', table: 'Orders' });
    const before = layout.tablesOf(orders);
    const after = layout.tablesOf(added);
    expect(after.base.shape.columns).toEqual([...before.base.shape.columns, { name: 'note', type: 'STRING', comment: 'text' }]);
    expect(after.log.shape.columns).toEqual([...before.log.shape.columns, { name: 'note', type: 'STRING', comment: 'text' }]);
  });
});

describe('rows', () => {
  const layout = createMaxComputeLayout(NEW_DAY);
  const day = [
    ['new_dts_sync_modifytime_year', '2026'],
    ['new_dts_sync_modifytime_month', '01'],
    ['new_dts_sync_modifytime_day', '09'],
  ];
  const seconds = 1_767_935_223; // floor(T0 / 1000)

  it('INIT → one _base row, no metadata, not partitioned', () => {
    const out = layout.rowsOf(record('INIT', orders, { after: [1, 'pen', '1.50'] }));
    expect(out).toEqual({ table: 'orders_base', columns: layout.tablesOf(orders).base.shape.columns, partition: [], rows: [[1, 'pen', '1.50']], rejected: null });
    expect(out.columns).toBe(layout.tablesOf(orders).base.shape.columns);
  });

  it('INSERT → one _log row: flag I, before N, after Y, the new values', () => {
    const out = layout.rowsOf(record('INSERT', orders, { after: [1, 'pen', '1.50'] }));
    expect(out).toEqual({ table: 'orders_log', columns: layout.tablesOf(orders).log.shape.columns, partition: day, rows: [[41, 'I', seconds, 'N', 'Y', 1, 'pen', '1.50']], rejected: null });
    expect(out.columns).toBe(layout.tablesOf(orders).log.shape.columns);
  });

  it('UPDATE → two _log rows with the same id, flag and timestamp: the old values (Y, N) first, then the new (N, Y)', () => {
    const out = layout.rowsOf(record('UPDATE', orders, { before: [1, 'pen', '1.50'], after: [1, null, '2.00'] }, 42));
    expect(out.table).toBe('orders_log');
    expect(out.partition).toEqual(day);
    expect(out.rows).toEqual([
      [42, 'U', seconds, 'Y', 'N', 1, 'pen', '1.50'],
      [42, 'U', seconds, 'N', 'Y', 1, null, '2.00'],
    ]);
  });

  it('DELETE → one _log row: flag D, before Y, after N, the deleted values', () => {
    const out = layout.rowsOf(record('DELETE', orders, { before: [1, 'pen', '1.50'] }, 43));
    expect(out.rows).toEqual([[43, 'D', seconds, 'Y', 'N', 1, 'pen', '1.50']]);
    expect(out.rejected).toBeNull();
  });

  it('the old naming rule changes names, not rows', () => {
    const old = createMaxComputeLayout({ namingRule: 'old', partitionKeys: ['year', 'month', 'day'] });
    const out = old.rowsOf(record('INSERT', orders, { after: [1, 'pen', '1.50'] }));
    expect(out.rows).toEqual([[41, 'I', seconds, 'N', 'Y', 1, 'pen', '1.50']]);
    expect(out.partition).toEqual([
      ['modifytime_year', '2026'],
      ['modifytime_month', '01'],
      ['modifytime_day', '09'],
    ]);
  });

  it('a missing row image is a bug', () => {
    expect(() => layout.rowsOf(record('INSERT', orders, {}))).toThrow(InvariantError);
    expect(() => layout.rowsOf(record('UPDATE', orders, { after: [1, 'a', '1.00'] }))).toThrow(
      "UPDATE record 41 of shop.Orders lacks the row image it needs (or its length differs from the table's columns) (this is a bug, please report it)",
    );
    expect(() => layout.rowsOf(record('DELETE', orders, { before: [1, 'a'] }))).toThrow(InvariantError);
  });
});

describe('partitions', () => {
  const all: LogLayoutOptions = { namingRule: 'old', partitionKeys: [...PARTITION_LEVELS] };
  const valuesOf = (layout: ReturnType<typeof createMaxComputeLayout>, ms: number): string[] => layout.rowsOf(record('INSERT', orders, { after: [1, 'a', '1.00'] }, 1, ms)).partition.map(([, v]) => v);

  it.each([
    [Date.UTC(2026, 0, 9, 5, 7, 3, 999), ['2026', '01', '09', '05', '07']],
    [Date.UTC(2026, 9, 10, 10, 10), ['2026', '10', '10', '10', '10']],
    [Date.UTC(2025, 11, 31, 23, 59, 59, 999), ['2025', '12', '31', '23', '59']],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 0), ['2026', '01', '01', '00', '00']],
    [Date.UTC(2024, 1, 29, 0, 0), ['2024', '02', '29', '00', '00']],
    [0, ['1970', '01', '01', '00', '00']],
  ])('%i → %j (UTC, zero-padded)', (ms, expected) => expect(valuesOf(createMaxComputeLayout(all), ms)).toEqual(expected));

  it('utc_timestamp is the epoch second the change happened in (floor)', () => {
    const layout = createMaxComputeLayout(all);
    const ts = (ms: number): unknown => layout.rowsOf(record('INSERT', orders, { after: [1, 'a', '1.00'] }, 1, ms)).rows[0]![2];
    expect(ts(1_767_935_223_000)).toBe(1_767_935_223);
    expect(ts(1_767_935_223_999)).toBe(1_767_935_223);
    expect(ts(1_767_935_224_000)).toBe(1_767_935_224);
  });

  it('changes in one minute share one spec object; the next minute gets its own', () => {
    const layout = createMaxComputeLayout(all);
    const spec = (ms: number): unknown => layout.rowsOf(record('INSERT', orders, { after: [1, 'a', '1.00'] }, 1, ms)).partition;
    const a = spec(Date.UTC(2026, 0, 9, 5, 7, 0));
    expect(spec(Date.UTC(2026, 0, 9, 5, 7, 59, 999))).toBe(a);
    const b = spec(Date.UTC(2026, 0, 9, 5, 8, 0));
    expect(b).not.toBe(a);
    expect(b).toEqual([
      ['modifytime_year', '2026'],
      ['modifytime_month', '01'],
      ['modifytime_day', '09'],
      ['modifytime_hour', '05'],
      ['modifytime_minute', '08'],
    ]);
    expect(spec(Date.UTC(2026, 0, 9, 5, 7, 30))).toEqual(a); // back to an earlier minute: same values again
  });

  // Every subset of the five levels, listed in reverse: keys and values always come year → minute.
  const subsets: PartitionLevel[][] = [];
  for (let mask = 0; mask < 32; mask++) subsets.push(PARTITION_LEVELS.filter((_, i) => mask & (1 << i)));
  const full: Record<PartitionLevel, string> = { year: '2026', month: '01', day: '09', hour: '05', minute: '07' };

  it.each(subsets.map((s) => [s.join(',') || '(none)', s] as const))('levels %s', (_, levels) => {
    for (const namingRule of ['new', 'old'] as const) {
      const layout = createMaxComputeLayout({ namingRule, partitionKeys: [...levels].reverse() });
      const prefix = namingRule === 'new' ? 'new_dts_sync_' : '';
      const names = levels.map((l) => `${prefix}modifytime_${l}`);
      expect(layout.tablesOf(orders).log.shape.partitionKeys).toEqual(names.map((name) => ({ name, type: 'STRING' })));
      const out = layout.rowsOf(record('DELETE', orders, { before: [1, 'a', '1.00'] }));
      expect(out.partition).toEqual(levels.map((l, i) => [names[i], full[l]]));
    }
  });
});

describe('every column type in one row (the edge values of test/helpers/type-rows.ts)', () => {
  const types = table(
    [
      column('id', 'int(11)', { key: true }),
      column('ti', 'tinyint(4)'),
      column('tiu', 'tinyint(3) unsigned'),
      column('si', 'smallint(6)'),
      column('siu', 'smallint(5) unsigned'),
      column('mi', 'mediumint(9)'),
      column('miu', 'mediumint(8) unsigned'),
      column('i', 'int(11)'),
      column('iu', 'int(10) unsigned'),
      column('bi', 'bigint(20)'),
      column('biu', 'bigint(20) unsigned'),
      column('d', 'decimal(65,30)'),
      column('f', 'float'),
      column('db', 'double'),
      column('dt', 'datetime'),
      column('dt6', 'datetime(6)'),
      column('ts3', 'timestamp(3)'),
      column('tm6', 'time(6)'),
      column('tm', 'time'),
      column('y', 'year(4)'),
      column('dd', 'date'),
      column('bt', 'bit(64)'),
      column('b1', 'bit(1)'),
      column('e', "enum('a','b','ç')"),
      column('s', "set('x','y','z')"),
      column('j', 'longtext'),
      column('vc', 'varchar(20)'),
      column('ch', 'char(10)'),
      column('lat', 'varchar(10)', { charset: 'latin1' }),
      column('bn', 'binary(4)'),
      column('vb', 'varbinary(10)'),
      column('bl', 'blob'),
      column('tx', 'text'),
      column('g', 'geometry'),
    ],
    { database: 'types', table: 't' },
  );
  const point = Uint8Array.from([0xe6, 0x10, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40]);
  const edge: Row = [
    1,
    -128,
    255,
    -32768,
    65535,
    -8388608,
    16777215,
    -2147483648,
    4294967295,
    '9223372036854775807',
    '18446744073709551615',
    '-12345678901234567890123456789012345.123456789012345678901234567890',
    Math.fround(3.4028235e38),
    -1.7976931348623157e308,
    '0000-00-00 00:00:00',
    '9999-12-31 23:59:59.999999',
    '2038-01-19 03:14:07.999',
    '-838:59:59.000000',
    '838:59:59',
    0,
    '0000-00-00',
    Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255]),
    Uint8Array.from([1]),
    'ç',
    'x,z',
    '{"k": [1, 2.5, "x", null]}',
    '😀中文é',
    'ab',
    'é',
    Uint8Array.from([0, 255, 0, 1]),
    Uint8Array.from([0, 255]),
    Uint8Array.from([0, 255, 0]),
    '多字节 text',
    point,
  ];
  const odps = [
    1,
    -128,
    255,
    -32768,
    65535,
    -8388608,
    16777215,
    -2147483648,
    4294967295,
    9223372036854775807n,
    '18446744073709551615',
    '-12345678901234567890123456789012345.123456789012345678901234567890',
    Math.fround(3.4028235e38),
    -1.7976931348623157e308,
    null,
    { seconds: 253_402_300_799n, nanos: 999_999_000 },
    2_147_483_647_999,
    '-838:59:59.000000',
    '838:59:59',
    0,
    null,
    '18446744073709551615',
    1,
    'ç',
    'x,z',
    '{"k": [1, 2.5, "x", null]}',
    '😀中文é',
    'ab',
    'é',
    Uint8Array.from([0, 255, 0, 1]),
    Uint8Array.from([0, 255]),
    Uint8Array.from([0, 255, 0]),
    '多字节 text',
    point,
  ];

  it('declares each column with its mapped type and the MySQL type as comment', () => {
    const { base } = createMaxComputeLayout(NEW_DAY).tablesOf(types);
    expect(base.shape.columns.map((c) => `${c.name} ${c.type} '${c.comment}'`)).toEqual([
      "id INT 'int(11)'",
      "ti TINYINT 'tinyint(4)'",
      "tiu SMALLINT 'tinyint(3) unsigned'",
      "si SMALLINT 'smallint(6)'",
      "siu INT 'smallint(5) unsigned'",
      "mi INT 'mediumint(9)'",
      "miu INT 'mediumint(8) unsigned'",
      "i INT 'int(11)'",
      "iu BIGINT 'int(10) unsigned'",
      "bi BIGINT 'bigint(20)'",
      "biu DECIMAL(20,0) 'bigint(20) unsigned'",
      "d STRING 'decimal(65,30)'",
      "f FLOAT 'float'",
      "db DOUBLE 'double'",
      "dt DATETIME 'datetime'",
      "dt6 TIMESTAMP 'datetime(6)'",
      "ts3 DATETIME 'timestamp(3)'",
      "tm6 STRING 'time(6)'",
      "tm STRING 'time'",
      "y INT 'year(4)'",
      "dd DATE 'date'",
      "bt DECIMAL(20,0) 'bit(64)'",
      "b1 BIGINT 'bit(1)'",
      "e STRING 'enum('a','b','ç')'",
      "s STRING 'set('x','y','z')'",
      "j STRING 'longtext'",
      "vc STRING 'varchar(20)'",
      "ch STRING 'char(10)'",
      "lat STRING 'varchar(10)'",
      "bn BINARY 'binary(4)'",
      "vb BINARY 'varbinary(10)'",
      "bl BINARY 'blob'",
      "tx STRING 'text'",
      "g BINARY 'geometry'",
    ]);
  });

  it('INIT and INSERT carry the same converted values; an all-NULL row stays all NULL', () => {
    const layout = createMaxComputeLayout(NEW_DAY);
    expect(layout.rowsOf(record('INIT', types, { after: edge })).rows).toStrictEqual([odps]);
    expect(layout.rowsOf(record('INSERT', types, { after: edge })).rows).toStrictEqual([[41, 'I', 1_767_935_223, 'N', 'Y', ...odps]]);
    const nulls = types.columns.map(() => null);
    expect(layout.rowsOf(record('DELETE', types, { before: nulls })).rows).toStrictEqual([[41, 'D', 1_767_935_223, 'Y', 'N', ...nulls]]);
  });

  it('a cell MaxCompute refuses returns the record with no rows and the reason, for the sink to report', () => {
    const layout = createMaxComputeLayout(NEW_DAY);
    const before = [...edge];
    const after = [...edge];
    after[26] = 'x'.repeat(8 * 1024 * 1024 + 1); // vc
    const big = layout.rowsOf(record('UPDATE', types, { before, after }));
    expect(big).toEqual({
      table: 't_log',
      columns: layout.tablesOf(types).log.shape.columns,
      partition: [],
      rows: [],
      rejected: { reason: 'too-large', column: 'vc', bytes: 8 * 1024 * 1024 + 1, limit: 8 * 1024 * 1024 },
    });
    const init = [...edge];
    init[9] = '-9223372036854775808'; // bi
    expect(layout.rowsOf(record('INIT', types, { after: init }))).toMatchObject({ table: 't_base', rows: [], rejected: { reason: 'out-of-range', column: 'bi' } });
  });
});
