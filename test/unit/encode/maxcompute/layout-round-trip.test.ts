/**
 * The rows the layout produces go through the tunnel record writer (with its range checks on) and
 * read back value for value: every column type, NULLs, and both rows of an UPDATE.
 */
import { describe, expect, it } from 'vitest';
import { createMaxComputeLayout, createRecordStreamWriter, readRecordStream, type OdpsValue } from '../../../../shared/encode/maxcompute/index.ts';
import type { Row, RowRecord } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const types = table(
  [
    column('id', 'int(11)', { key: true }),
    column('ti', 'tinyint(4)'),
    column('tiu', 'tinyint(3) unsigned'),
    column('si', 'smallint(6)'),
    column('siu', 'smallint(5) unsigned'),
    column('mi', 'mediumint(9)'),
    column('iu', 'int(10) unsigned'),
    column('bi', 'bigint(20)'),
    column('biu', 'bigint(20) unsigned'),
    column('d', 'decimal(65,30)'),
    column('d38', 'decimal(38,18)'),
    column('f', 'float'),
    column('db', 'double'),
    column('dt', 'datetime'),
    column('dt6', 'datetime(6)'),
    column('ts3', 'timestamp(3)'),
    column('tm6', 'time(6)'),
    column('y', 'year(4)'),
    column('dd', 'date'),
    column('bt', 'bit(64)'),
    column('b7', 'bit(63)'),
    column('e', "enum('a','b','ç')"),
    column('j', 'json'),
    column('vc', 'varchar(20)'),
    column('bn', 'binary(4)'),
    column('g', 'geometry'),
  ],
  { database: 'types', table: 't' },
);

const edge: Row = [
  1,
  -128,
  255,
  -32768,
  65535,
  -8388608,
  4294967295,
  '-9223372036854775807',
  '18446744073709551615',
  '-12345678901234567890123456789012345.123456789012345678901234567890',
  '-99999999999999999999.999999999999999999',
  Math.fround(3.4028235e38),
  -1.7976931348623157e308,
  '0000-00-00 00:00:00',
  '9999-12-31 23:59:59.999999',
  '2038-01-19 03:14:07.999',
  '-838:59:59.000000',
  0,
  '1000-01-01',
  Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255]),
  Uint8Array.from([0x7f, 255, 255, 255, 255, 255, 255, 255]),
  'ç',
  '{"k": [1, 2.5, "x", null]}',
  '😀中文é',
  Uint8Array.from([0, 255, 0, 1]),
  Uint8Array.from([0xe6, 0x10, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40]),
];
const other: Row = types.columns.map((_, i) => (i === 0 ? 2 : i === 23 ? '' : null));

function record(op: RowRecord['op'], before: Row | null, after: Row | null): RowRecord {
  return { op, id: 9_000_000_001, seq: 0, source: { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs: 1_767_935_223_500, txId: '1' }, schema: types, before, after };
}

/** The reader hands back every integer family as bigint and bytes as Uint8Array views. */
function normal(values: readonly OdpsValue[], columns: readonly { type: string }[]): unknown[] {
  return values.map((v, i) => {
    if (typeof v === 'number' && /^(TINYINT|SMALLINT|INT|BIGINT)$/.test(columns[i]!.type)) return BigInt(v);
    if (v instanceof Uint8Array) return [...v];
    return v;
  });
}

describe('layout rows through the tunnel record stream', () => {
  const layout = createMaxComputeLayout({ namingRule: 'new', partitionKeys: ['year', 'month'] });

  it.each([
    ['INIT', null, edge],
    ['INSERT', null, edge],
    ['UPDATE', edge, other],
    ['DELETE', other, null],
  ] as const)('%s', (op, before, after) => {
    const out = layout.rowsOf(record(op, before, after));
    expect(out.rejected).toBeNull();
    const writer = createRecordStreamWriter(out.columns);
    for (const row of out.rows) writer.append(row);
    const back = readRecordStream(out.columns, writer.finish());
    expect(back.rows.map((r) => normal(r, out.columns))).toEqual(out.rows.map((r) => normal(r, out.columns)));
    expect(back.rows).toHaveLength(op === 'UPDATE' ? 2 : 1);
    if (op !== 'INIT') expect(back.rows[0]!.slice(0, 5)).toEqual([9_000_000_001n, op[0], 1_767_935_223n, op === 'INSERT' ? 'N' : 'Y', op === 'INSERT' ? 'Y' : 'N']);
  });
});
