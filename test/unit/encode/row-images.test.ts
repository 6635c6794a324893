/** The row images every row format reads (shared/encode/row-images.ts), and the invariant on them. */
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../shared/errors.ts';
import { checkedImage, dataImageOf, hasAfterImage, hasBeforeImage } from '../../../shared/encode/row-images.ts';
import { column, row, table } from './canal-json/build.ts';

const t = table([column('id', 'int(11)', { key: true }), column('note', 'varchar(20)')], { database: 'shop', table: 'orders', pkNames: ['id'] });
const before = [1, 'old'];
const after = [1, 'new'];

describe('row images', () => {
  it.each([
    { op: 'INSERT', images: { after }, hasBefore: false, hasAfter: true, data: after },
    { op: 'INIT', images: { after }, hasBefore: false, hasAfter: true, data: after },
    { op: 'UPDATE', images: { before, after }, hasBefore: true, hasAfter: true, data: after },
    { op: 'DELETE', images: { before }, hasBefore: true, hasAfter: false, data: before },
  ] as const)('$op carries before: $hasBefore, after: $hasAfter', ({ op, images, hasBefore, hasAfter, data }) => {
    const record = row(op, t, images);
    expect([hasBeforeImage(record), hasAfterImage(record)]).toEqual([hasBefore, hasAfter]);
    expect(dataImageOf(record)).toBe(data);
  });

  it('refuses a missing image or one of the wrong length, naming op, id, lengths and table', () => {
    const record = row('UPDATE', t, { after: [1] }, { id: 42 });
    const errorOf = (image: readonly unknown[] | null) => {
      try {
        checkedImage(record, image as never);
      } catch (err) {
        return err as InvariantError;
      }
      return null;
    };
    const missing = errorOf(record.before);
    expect(missing).toBeInstanceOf(InvariantError);
    expect([missing?.message, missing?.context]).toEqual(['UPDATE record 42 has no row image for 2 columns (this is a bug, please report it)', { database: 'shop', table: 'orders' }]);
    expect(errorOf(record.after)?.message).toBe('UPDATE record 42 has a 1-value row image for 2 columns (this is a bug, please report it)');
    expect(checkedImage(record, after)).toBe(after);
  });
});
