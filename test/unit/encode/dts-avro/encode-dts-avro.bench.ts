/**
 * Throughput of DTS Avro writers on 100,000 rows of a 16-column table (run with
 * `npx vitest bench --run test/unit/encode/dts-avro`): `encodeDtsAvro` (the direct row writer),
 * and avsc's `Type.toBuffer` on the same record built as data. One iteration encodes all rows, so
 * rows/s = 100,000 × the reported hz. `npm run bench -- encode` compares with the encoder before
 * issue 12.
 */
import { bench, describe } from 'vitest';
import { dtsAvroRecordOf, encodeDtsAvro } from '../../../../shared/encode/dts-avro/index.ts';
import { encodeWithAvsc } from './avsc-value.ts';
import type { RowRecord } from '../../../../shared/record/index.ts';
import { column, row, table } from './build.ts';

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
const records: RowRecord[] = Array.from({ length: ROWS }, (_, i) =>
  row(
    'INSERT',
    schema,
    {
      after: [
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
      ],
    },
    { id: i + 1 },
  ),
);
const options = { sourceVersion: '8.0.28' };

describe(`${ROWS} rows × 16 columns`, () => {
  bench(
    'direct row writer (encodeDtsAvro)',
    () => {
      for (const record of records) encodeDtsAvro(record, options);
    },
    { iterations: 5, time: 0, warmupIterations: 1 },
  );

  bench(
    'avsc Type.toBuffer',
    () => {
      for (const record of records) encodeWithAvsc(dtsAvroRecordOf(record, options));
    },
    { iterations: 5, time: 0, warmupIterations: 1 },
  );
});
