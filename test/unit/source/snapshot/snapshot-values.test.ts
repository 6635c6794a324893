/**
 * SELECT values → the binlog's lossless shapes: FLOAT as its float32, BIGINT as a number only when
 * exact, YEAR as a number, everything else untouched; the lean decoder (text-rows.ts) gives the same values itself.
 */
import { describe, expect, it } from 'vitest';
import { MysqlTypeCode, type TableSchema, type Value } from '../../../../shared/record/index.ts';
import { rowNormalizer, snapshotTypeCast } from '../../../../shared/source/snapshot/snapshot-values.ts';

const col = (name: string, typeCode: number) => ({ name, type: name, typeCode, unsigned: false, charset: null, nullable: true, key: false });
const S: TableSchema = {
  database: 'd',
  table: 't',
  columns: [
    col('f', MysqlTypeCode.FLOAT),
    col('big', MysqlTypeCode.LONGLONG),
    col('y', MysqlTypeCode.YEAR),
    col('dec', MysqlTypeCode.NEWDECIMAL),
    col('b', MysqlTypeCode.BLOB),
    col('d', MysqlTypeCode.DOUBLE),
  ],
  pkNames: [],
};

describe('rowNormalizer', () => {
  it('turns FLOAT text into its float32, BIGINT into a number when exact, YEAR into a number; leaves the rest', () => {
    const blob = Buffer.from([1, 2, 3]);
    const normalize = rowNormalizer(S.columns);
    const rows: Value[][] = [
      [0.1, '9007199254740991', '2026', '12.50', blob, 0.1],
      [null, '9007199254740993', null, null, null, null],
      [3.5, '-42', '0', '0.00', Buffer.alloc(0), 1e300],
    ];
    const out = rows.map((row) => normalize(row));
    expect(out[0]).toBe(rows[0]);
    expect(out[0]).toEqual([Math.fround(0.1), 9007199254740991, 2026, '12.50', blob, 0.1]);
    expect(out[0]![0]).not.toBe(0.1);
    expect(out[1]).toEqual([null, '9007199254740993', null, null, null, null]);
    expect(out[2]).toEqual([3.5, -42, 0, '0.00', Buffer.alloc(0), 1e300]);
  });
});

describe('snapshotTypeCast', () => {
  const field = (type: string) => ({ type, buffer: () => Buffer.from([0xab]), string: () => 'text' }) as unknown as Parameters<typeof snapshotTypeCast>[0];
  it('reads BIT and GEOMETRY as raw bytes and leaves other types to the driver', () => {
    const next = () => 'from next';
    expect(snapshotTypeCast(field('BIT'), next)).toEqual(Buffer.from([0xab]));
    expect(snapshotTypeCast(field('GEOMETRY'), next)).toEqual(Buffer.from([0xab]));
    expect(snapshotTypeCast(field('VAR_STRING'), next)).toBe('from next');
    expect(snapshotTypeCast(field('LONGLONG'), next)).toBe('from next');
  });
});
