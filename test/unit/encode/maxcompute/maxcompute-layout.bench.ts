/**
 * Throughput of the MaxCompute row encoder on 100,000 changes of a 16-column table (run with
 * `npx vitest bench --run test/unit/encode/maxcompute/maxcompute-layout.bench.ts`): INSERT
 * (one `_log` row), UPDATE (two rows) and INIT (one `_base` row). One iteration encodes all
 * records, so records/s = 100,000 × the reported hz.
 */
import { bench, describe } from 'vitest';
import { createMaxComputeLayout } from '../../../../shared/encode/maxcompute/index.ts';
import type { Row, RowRecord } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const schema = table(
  [
    column('id', 'bigint(20)', { key: true }),
    column('user_id', 'int(11)'),
    column('name', 'varchar(64)'),
    column('email', 'varchar(128)'),
    column('amount', 'decimal(12,2)'),
    column('created_at', 'datetime(6)'),
    column('updated_at', 'timestamp(3)'),
    column('score', 'double'),
    column('note', 'text'),
    column('flag', 'tinyint(1)'),
    column('birthday', 'date'),
    column('code', 'char(8)'),
    column('big', 'bigint(20) unsigned'),
    column('raw', 'varbinary(16)'),
    column('status', "enum('new','paid')"),
    column('city', 'varchar(32)'),
  ],
  { database: 'shop', table: 'orders' },
);

const ROWS = 100_000;
const T0 = Date.UTC(2026, 0, 9, 5, 7, 3);

function image(i: number): Row {
  return [
    i,
    i * 7,
    `name ${i}`,
    `user${i}@example.com`,
    `${i}.25`,
    '2026-01-02 03:04:05.123456',
    '2026-01-02 03:04:05.120',
    i / 3,
    'a note a little longer than the other values, with ünïcödé',
    i % 2,
    '1990-05-17',
    'ABCDEFGH',
    '18446744073709551615',
    Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
    'paid',
    'Hangzhou',
  ];
}

function records(op: RowRecord['op']): RowRecord[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const source = { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs: T0 + i * 10, txId: String(i) };
    const row = image(i);
    return { op, id: i + 1, seq: 0, source, schema, before: op === 'UPDATE' ? row : null, after: row };
  });
}

const layout = createMaxComputeLayout({ namingRule: 'new', partitionKeys: ['year', 'month', 'day', 'hour'] });
const inserts = records('INSERT');
const updates = records('UPDATE');
const inits = records('INIT');

describe('MaxCompute rows, 100,000 records of 16 columns', () => {
  bench('INSERT → _log', () => {
    for (const r of inserts) layout.rowsOf(r);
  });
  bench('UPDATE → two _log rows', () => {
    for (const r of updates) layout.rowsOf(r);
  });
  bench('INIT → _base', () => {
    for (const r of inits) layout.rowsOf(r);
  });
});
