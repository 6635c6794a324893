/**
 * The stream side: a row event's images through a table's condition become runs for the
 * assembler (UPDATEs crossing the condition become INSERT/DELETE, in row order); conditions
 * compile once per table shape and again after an ALTER; a dropped column stops the stream with
 * the table, condition, path and position; and errors name the config path of the table entry.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../shared/record/index.ts';
import { FilterConditionError } from '../../../../shared/source/snapshot/errors.ts';
import { filterImages } from '../../../../shared/source/filter-condition/filter-images.ts';
import { StreamConditions } from '../../../../shared/source/filter-condition/stream-conditions.ts';
import { compileTableCondition, tableConditionsOf, type TableCondition } from '../../../../shared/source/filter-condition/table-condition.ts';
import { column, table } from '../../../helpers/columns.ts';

const orders = table([column('id', 'int(11)', { key: true }), column('region', 'varchar(8)', { collation: 'utf8mb4_general_ci' }), column('amount', 'decimal(10,2)')], {
  database: 'shop',
  table: 'orders',
});
const filter: TableCondition = { database: 'shop', table: 'orders', condition: "region = 'cn' AND amount >= 100", path: 'objects[1].tables[0].filter' };
const cn = (id: number, amount: string): Row => [id, 'cn', amount];
const us = (id: number, amount: string): Row => [id, 'us', amount];
const update = (before: Row, after: Row) => ({ before, after, bytes: 10 });
const matches = compileTableCondition(filter, orders);

/** Runs as [op, ids] pairs: the op and the key of each image in it. */
function summary(runs: { op: string; images: { before: Row | null; after: Row | null }[] }[]): [string, number[]][] {
  return runs.map((r) => [r.op, r.images.map((i) => (i.after ?? i.before)![0] as number)]);
}

describe('filterImages', () => {
  it('keeps inserted and deleted rows that match, in order, and drops the others', () => {
    const inserts = [cn(1, '100.00'), cn(2, '99.99'), us(3, '500.00'), cn(4, '150.00')].map((after) => ({ before: null, after, bytes: 5 }));
    expect(summary(filterImages('INSERT', inserts, matches))).toEqual([['INSERT', [1, 4]]]);
    const deletes = inserts.map((i) => ({ before: i.after, after: null, bytes: 5 }));
    expect(summary(filterImages('DELETE', deletes, matches))).toEqual([['DELETE', [1, 4]]]);
  });

  it('turns UPDATEs that cross the condition into INSERTs and DELETEs, in row order', () => {
    const images = [
      update(cn(1, '100.00'), cn(1, '200.00')), // both match: UPDATE
      update(cn(2, '200.00'), cn(3, '300.00')), // key change, both match: UPDATE
      update(cn(4, '50.00'), cn(4, '120.00')), // enters: INSERT of the after image
      update(cn(5, '150.00'), us(5, '150.00')), // leaves: DELETE of the before image
      update(us(6, '1.00'), us(6, '2.00')), // neither: dropped
      update(cn(7, '101.00'), cn(7, '99.00')), // leaves
      update(cn(8, '100.00'), cn(8, '100.01')), // both
    ];
    const runs = filterImages('UPDATE', images, matches);
    expect(summary(runs)).toEqual([
      ['UPDATE', [1, 3]],
      ['INSERT', [4]],
      ['DELETE', [5, 7]],
      ['UPDATE', [8]],
    ]);
    expect(runs[1]!.images[0]).toEqual({ before: null, after: cn(4, '120.00'), bytes: 10 });
    expect(runs[2]!.images[0]).toEqual({ before: cn(5, '150.00'), after: null, bytes: 10 });
    expect(runs[0]!.images[1]).toEqual(images[1]);
  });

  it('drops an event whose rows all fall outside', () => {
    expect(filterImages('UPDATE', [update(us(1, '1'), us(1, '2'))], matches)).toEqual([]);
  });
});

describe('StreamConditions', () => {
  const filters = new StreamConditions(new Map([['shop.orders', filter]]));
  const position = () => 'mysql-bin.000007:4242';

  it('passes tables without a condition whole, as one run', () => {
    const other = table([column('id', 'int(11)', { key: true })], { database: 'shop', table: 'items' });
    const images = [
      { before: null, after: [1], bytes: 1 },
      { before: null, after: [2], bytes: 1 },
    ];
    expect(filters.apply('INSERT', other, images, position)).toEqual([{ op: 'INSERT', images }]);
  });

  it('recompiles for a new shape of the table (ALTER moved the columns)', () => {
    const altered = table(
      [
        column('region', 'varchar(8)', { collation: 'utf8mb4_general_ci' }),
        column('id', 'int(11)', { key: true }),
        column('note', 'text', { collation: 'utf8mb4_general_ci' }),
        column('amount', 'decimal(10,2)'),
      ],
      { database: 'shop', table: 'orders' },
    );
    const before = [{ before: null, after: cn(1, '100.00'), bytes: 1 }];
    expect(summary(filters.apply('INSERT', orders, before, position))).toEqual([['INSERT', [1]]]);
    // In the new shape, position 0 is region: a predicate compiled for the old shape would read 'cn' as the id.
    const after = [
      { before: null, after: ['cn', 9, 'x', '100.00'], bytes: 1 },
      { before: null, after: ['us', 10, 'x', '100.00'], bytes: 1 },
    ];
    const runs = filters.apply('INSERT', altered, after, position);
    expect(runs.map((r) => r.images.map((i) => i.after![1]))).toEqual([[9]]);
  });

  it('stops with the table, condition, path and binlog position when a column the condition names is gone', () => {
    const dropped = table([column('id', 'int(11)', { key: true }), column('region', 'varchar(8)', { collation: 'utf8mb4_general_ci' })], { database: 'shop', table: 'orders' });
    let error: unknown;
    try {
      filters.apply('INSERT', dropped, [{ before: null, after: [1, 'cn'], bytes: 1 }], position);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FilterConditionError);
    const e = error as FilterConditionError;
    expect(e.retriable).toBe(false);
    expect(e.code).toBe('DTS_FILTER_CONDITION');
    expect(e.message).toContain('shop.orders');
    expect(e.message).toContain('condition: "region = \'cn\' AND amount >= 100"');
    expect(e.message).toContain('unknown column `amount` (shop.orders has id, region)');
    expect(e.message).toContain('at binlog position mysql-bin.000007:4242');
    expect(e.message).toContain('(objects[1].tables[0].filter)');
    expect(e.context).toEqual({ database: 'shop', table: 'orders', path: 'objects[1].tables[0].filter', position: 'mysql-bin.000007:4242' });
  });
});

describe('tableConditionsOf', () => {
  it('pairs each condition with the path of its table entry', () => {
    const objects = [
      { database: 'a', tables: ['t1', { name: 't2', filter: 'x = 1' }] },
      { database: 'b' },
      {
        database: 'c',
        tables: [
          { name: 't3', operations: ['INSERT' as const] },
          { name: 't4', filter: 'y > 2' },
        ],
      },
    ];
    expect([...tableConditionsOf(objects).entries()]).toEqual([
      ['a.t2', { database: 'a', table: 't2', condition: 'x = 1', path: 'objects[0].tables[1].filter' }],
      ['c.t4', { database: 'c', table: 't4', condition: 'y > 2', path: 'objects[2].tables[1].filter' }],
    ]);
  });
});

describe('compileTableCondition', () => {
  it('names the table, the unsupported part, the condition and the path', () => {
    const bad = { ...filter, condition: "region = 'cn' AND created_at > NOW()" };
    expect(() => compileTableCondition(bad, orders)).toThrow(FilterConditionError);
    expect(() => compileTableCondition(bad, orders)).toThrow(
      `the filter condition of shop.orders cannot be evaluated on the stream: functions (NOW(…)) are not supported: the stream evaluates conditions without the source, so only columns, literals and operators are allowed at "NOW()"; condition: "region = 'cn' AND created_at > NOW()" (objects[1].tables[0].filter)`,
    );
  });
});
