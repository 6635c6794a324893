/**
 * Column values in a row image, on a MySQL 9.7.4 table with 24 columns of most types: every column is
 * read at its right size (a wrong size would shift every later value), and the values equal the
 * mysqlbinlog -vv reference where both print them the same way.
 */
import { describe, expect, it } from 'vitest';
import { EventType } from '../../../../../shared/source/binlog/events/event-header.ts';
import { parseTableMap, type TableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { fixtureEvents, reference, referenceText, rowsV2Images } from './fixture-binlog.ts';

const FILE = '01-types-full-metadata-invisible-col';

describe('row image column values', () => {
  it('reads a row of 24 column types at the right sizes', () => {
    const events = fixtureEvents(`${FILE}.binlog`);
    const table: TableMap = parseTableMap(events.find((e) => e.header.type === EventType.TABLE_MAP)!.body);
    expect(table.columnTypes).toEqual([3, 1, 2, 9, 8, 246, 4, 5, 15, 254, 15, 252, 252, 245, 254, 254, 16, 10, 18, 17, 19, 13, 255, 15]);
    const rows = rowsV2Images(events.find((e) => e.header.type === EventType.WRITE_ROWS_V2)!.body, table, false);
    expect(rows).toHaveLength(2);
    const printed = [...rows[0]!.values()].map((v) => (v.kind === 'bytes' ? v.value.toString('hex') : referenceText(v)));
    expect(printed).toEqual([
      '1',
      '-1',
      '-1',
      '-8388608',
      '-1',
      "'-12345678901234.123456'",
      '1.5',
      '-2.25',
      Buffer.from('héllo ✓ 😀').toString('hex'),
      '61626364',
      '00ff10',
      Buffer.from('some text').toString('hex'),
      'deadbeef',
      `'{"a": 1, "b": [1, 2, 3], "c": {"d": "x"}}'`,
      '2',
      '5',
      '02aa',
      "'2024-02-29'",
      "'2024-02-29 23:59:59.123456'",
      "'1709208000.125'",
      '4b910500',
      '2024',
      '000000000101000000000000000000f03f0000000000000040',
      Buffer.from('hidden').toString('hex'),
    ]);
    const ref = reference(FILE);
    for (const line of [
      '@6=-12345678901234.123456 ',
      '@8=-2.25 ',
      `@14='{"a": 1, "b": [1, 2, 3], "c": {"d": "x"}}' `,
      '@15=2 ',
      "@19='2024-02-29 23:59:59.123456' ",
      '@20=1709208000.125 ',
      '@22=2024 ',
    ]) {
      expect(ref).toContain(`###   ${line}/* `);
    }
    // The all-NULL row: only the id and the invisible column's default.
    expect([...rows[1]!.values()].map((v) => (v.kind === 'bytes' ? v.value.toString() : v.kind))).toEqual(['int', ...Array<string>(22).fill('null'), 'hidden']);
  });
});
