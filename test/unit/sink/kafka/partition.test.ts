/**
 * DTS partition policies (specs/formats.md §3.1, hashing per §2.6): Java's String.hashCode over
 * UTF-16 code units, |h| mod n without the Integer.MIN_VALUE overflow, `<db>.<table>` for the
 * database-table policy and canal's `$pk$` rule (hash(db) ^ hash(value) per key column, NULL as
 * '') for the primary-key policy. Expected values come from Java itself (OpenJDK 17, noted below)
 * and from the independent BigInt reference in test/helpers/java-hash.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import type { ChangeRecord, RowRecord, TableSchema } from '../../../../shared/record/index.ts';
import { choosePartition, javaStringHashCode, type PartitionPolicy } from '../../../../shared/sink/kafka/partition.ts';
import { javaHashRef, keyPartitionRef, partitionRef, tablePartitionRef } from '../../../helpers/java-hash.ts';
import { column, ddl, row, table } from '../../encode/canal-json/build.ts';

const MIN_INT = -2147483648;

describe('javaStringHashCode', () => {
  // Printed by `System.out.println(s.hashCode())` on OpenJDK 17.0.15.
  it.each<[string, string, number]>([
    ['empty', '', 0],
    ['one char', 'a', 97],
    ['hello', 'hello', 99162322],
    ['Aa (collides with BB)', 'Aa', 2112],
    ['BB (collides with Aa)', 'BB', 2112],
    ['Integer.MIN_VALUE', 'polygenelubricants', MIN_INT],
    ['one emoji: a surrogate pair', '\u{1F600}', 1772899],
    ['emoji, CJK and ASCII', 'pk-\u{1F600}\u{1F389}-中文', 416253605],
    ['40 emoji (overflows many times)', '\u{1F600}'.repeat(40), 335724152],
    ['MIN_VALUE for <db>.<table>', 'shop.orders_3580_dcb', MIN_INT],
  ])('%s', (_, text, java) => {
    expect(javaStringHashCode(text)).toBe(java);
    expect(javaHashRef(text)).toBe(java);
  });

  it('hashes UTF-16 code units, not code points', () => {
    const emoji = '\u{1F600}'; // U+D83D U+DE00
    expect(javaStringHashCode(emoji)).toBe(0xd83d * 31 + 0xde00);
    expect(javaStringHashCode(emoji)).not.toBe(0x1f600);
  });

  it('agrees with the BigInt reference on random strings, lone surrogates included', () => {
    for (let n = 0; n < 500; n++) {
      const bytes = randomBytes(2 * (n % 40));
      const text = bytes.toString('utf16le'); // any code units, paired or not
      expect([text, javaStringHashCode(text)]).toEqual([text, javaHashRef(text)]);
    }
  });
});

const ORDERS = table([column('note', 'varchar(20)'), column('tenant', 'varchar(20)', { key: true }), column('id', 'int(11)', { key: true }), column('grp', 'varchar(10)')], {
  database: 'shop',
  table: 'orders',
  pkNames: ['tenant', 'id'],
});
const LOGS = table([column('line', 'varchar(200)'), column('at', 'datetime')], { database: 'shop', table: 'logs', pkNames: [] });

const insert = (schema: TableSchema, after: RowRecord['after']) => row('INSERT', schema, { after: after! });

describe('choosePartition', () => {
  const policies: PartitionPolicy[] = ['partition-zero', 'database-table', 'primary-key'];

  it('partition-zero puts rows and DDL on partition 0, and one partition is always 0', () => {
    const records: ChangeRecord[] = [insert(ORDERS, ['n', 'acme', 5, 'g']), ddl('ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' })];
    for (const r of records) {
      expect(choosePartition(r, 'partition-zero', 8)).toBe(0);
      for (const policy of policies) expect(choosePartition(r, policy, 1)).toBe(0);
    }
  });

  describe('database-table', () => {
    it('hashes `<db>.<table>`: every row of a table on one partition, and its DDL with them', () => {
      const expected = tablePartitionRef('shop', 'orders', 8);
      expect(expected).toBe(partitionRef(javaHashRef('shop.orders'), 8));
      expect(expected).not.toBe(0); // a policy returning 0 would fail below
      const records: ChangeRecord[] = [
        insert(ORDERS, ['n', 'acme', 5, 'g']),
        insert(ORDERS, ['m', 'other', 6, null]),
        row('UPDATE', ORDERS, { before: ['n', 'acme', 5, 'g'], after: ['x', 'zzz', 77, 'h'] }),
        row('DELETE', ORDERS, { before: ['n', 'acme', 5, 'g'] }),
        ddl('ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' }),
      ];
      for (const r of records) expect(choosePartition(r, 'database-table', 8)).toBe(expected);
      expect(choosePartition(insert(LOGS, ['l', null]), 'database-table', 8)).toBe(tablePartitionRef('shop', 'logs', 8));
      expect(tablePartitionRef('shop', 'logs', 8)).not.toBe(expected);
    });

    it('sends database-level DDL (no table) to partition 0', () => {
      expect(choosePartition(ddl('CREATE_DATABASE', 'CREATE DATABASE shop', { database: 'shop', table: '' }), 'database-table', 8)).toBe(0);
      expect(choosePartition(ddl('ALTER_DATABASE', 'ALTER DATABASE shop CHARACTER SET utf8mb4', { database: 'shop', table: '' }), 'database-table', 8)).toBe(0);
    });

    it('never goes negative when `<db>.<table>` hashes to Integer.MIN_VALUE', () => {
      const schema = table([column('id', 'int(11)', { key: true })], { database: 'shop', table: 'orders_3580_dcb' });
      expect(javaHashRef('shop.orders_3580_dcb')).toBe(MIN_INT);
      // 2^31 mod 7 = 2 and mod 3 = 2; Java's Math.abs(MIN_VALUE) % n would give -2.
      for (const [n, p] of [
        [7, 2],
        [3, 2],
        [8, 0],
        [5, 3],
      ] as const) {
        expect(choosePartition(insert(schema, [1]), 'database-table', n)).toBe(p);
        expect(choosePartition(ddl('ALTER_TABLE', 'ALTER TABLE x', { database: 'shop', table: 'orders_3580_dcb' }), 'database-table', n)).toBe(p);
      }
    });
  });

  describe('primary-key', () => {
    it('hashes the database, then XORs the hash of each key value string (composite key)', () => {
      const r = insert(ORDERS, ['note', 'acme', 5, 'g']);
      const expected = keyPartitionRef('shop', ['acme', '5'], 8);
      expect(choosePartition(r, 'primary-key', 8)).toBe(expected);
      // The same computation spelled out.
      const h = javaHashRef('shop') ^ javaHashRef('acme') ^ javaHashRef('5');
      expect(expected).toBe(Math.abs(h) % 8);
      // Keys spread: 200 keys over 8 partitions reach every partition, each as the reference says.
      const seen = new Set<number>();
      for (let id = 0; id < 200; id++) {
        const tenant = `t-${id % 7}-\u{1F600}`;
        const p = choosePartition(insert(ORDERS, ['x', tenant, id, null]), 'primary-key', 8);
        expect(p).toBe(keyPartitionRef('shop', [tenant, String(id)], 8));
        seen.add(p);
      }
      expect(seen.size).toBe(8);
    });

    it('takes the after image of an UPDATE and the before image of a DELETE', () => {
      const update = row('UPDATE', ORDERS, { before: ['n', 'acme', 5, null], after: ['n', 'acme', 6, null] });
      const before = keyPartitionRef('shop', ['acme', '5'], 64);
      const after = keyPartitionRef('shop', ['acme', '6'], 64);
      expect(before).not.toBe(after);
      expect(choosePartition(update, 'primary-key', 64)).toBe(after);
      expect(choosePartition(row('DELETE', ORDERS, { before: ['n', 'acme', 5, null] }), 'primary-key', 64)).toBe(before);
    });

    it('sends every DDL to partition 0, even one whose table hashes elsewhere', () => {
      const alter = ddl('ALTER_TABLE', 'ALTER TABLE orders ADD x INT', { database: 'shop', table: 'orders' });
      expect(choosePartition(alter, 'database-table', 8)).not.toBe(0);
      expect(choosePartition(alter, 'primary-key', 8)).toBe(0);
      expect(choosePartition(ddl('CREATE_DATABASE', 'CREATE DATABASE shop', { database: 'shop' }), 'primary-key', 8)).toBe(0);
    });

    it('sends every row of a table without a key to partition 0', () => {
      for (let i = 0; i < 50; i++) expect(choosePartition(insert(LOGS, [`line ${i}`, '2026-01-02 03:04:05']), 'primary-key', 8)).toBe(0);
      expect(choosePartition(row('DELETE', LOGS, { before: ['x', null] }), 'primary-key', 8)).toBe(0);
    });

    it('hashes the partition-key columns instead of the primary key when the task names them', () => {
      const r = insert(ORDERS, ['note', 'acme', 5, 'blue']);
      const byKey = keyPartitionRef('shop', ['acme', '5'], 16);
      const byGroup = keyPartitionRef('shop', ['blue'], 16);
      expect(byKey).not.toBe(byGroup);
      expect(choosePartition(r, 'primary-key', 16, ['grp'])).toBe(byGroup);
      // An empty list means the key (a fresh schema: nothing cached for it yet).
      const fresh = table([...ORDERS.columns], { database: 'shop', table: 'orders', pkNames: [...ORDERS.pkNames] });
      expect(choosePartition(insert(fresh, ['note', 'acme', 5, 'blue']), 'primary-key', 16, [])).toBe(byKey);
      expect(choosePartition(r, 'primary-key', 16)).toBe(byKey);
      // In the order given; a table without a primary key gets one this way.
      expect(choosePartition(insert(LOGS, ['l1', '2026-01-02 03:04:05']), 'primary-key', 16, ['at', 'line'])).toBe(keyPartitionRef('shop', ['2026-01-02 03:04:05', 'l1'], 16));
      // Rows with the same partition key share a partition whatever their primary key.
      const ps = new Set(Array.from({ length: 30 }, (_, id) => choosePartition(insert(ORDERS, ['n', `t${id}`, id, 'blue']), 'primary-key', 16, ['grp'])));
      expect([...ps]).toEqual([byGroup]);
    });

    it("hashes a NULL key part as ''", () => {
      const r = insert(ORDERS, ['note', 'acme', 7, null]);
      const expected = keyPartitionRef('shop', ['', '7'], 16);
      expect(choosePartition(r, 'primary-key', 16, ['grp', 'id'])).toBe(expected);
      // Not as the text "null".
      expect(expected).not.toBe(keyPartitionRef('shop', ['null', '7'], 16));
      expect(choosePartition(insert(ORDERS, ['note', 'acme', 7, '']), 'primary-key', 16, ['grp', 'id'])).toBe(expected);
    });

    it('never goes negative when the key hash is Integer.MIN_VALUE', () => {
      // hash('polygenelubricants') = MIN_VALUE and hash('') = 0, so h = MIN_VALUE.
      const schema = table([column('k', 'varchar(10)', { key: true })], { database: 'polygenelubricants', table: 't' });
      for (const [n, p] of [
        [7, 2],
        [3, 2],
        [8, 0],
        [5, 3],
      ] as const) {
        expect(choosePartition(insert(schema, ['']), 'primary-key', n)).toBe(p);
        expect(keyPartitionRef('polygenelubricants', [''], n)).toBe(p);
      }
    });

    it("hashes each key column's Canal JSON value string, for every kind of key column", () => {
      const schema = table(
        [
          column('u', 'bigint(20) unsigned', { key: true }),
          column('d', 'decimal(10,2)', { key: true }),
          column('dt', 'datetime(6)', { key: true }),
          column('b', 'varbinary(8)', { key: true }),
          column('bit', 'bit(16)', { key: true }),
          column('f', 'double', { key: true }),
          column('y', 'year(4)', { key: true }),
          column('s', 'char(8)', { key: true }),
          column('v', 'int(11)'),
        ],
        { database: 'types', table: 'keys' },
      );
      const rows: RowRecord['after'][] = [
        ['18446744073709551615', '10.50', '2026-01-02 03:04:05.000001', new Uint8Array([0x00, 0xff, 0x41]), new Uint8Array([0x01, 0x01]), 1e10, 0, '\u{1F600}é', 1],
        [1, '-0.01', '0000-00-00 00:00:00.000000', new Uint8Array([]), new Uint8Array([0, 0]), 0.1, 2155, '', 2],
      ];
      for (const after of rows) {
        const r = insert(schema, after);
        const message = JSON.parse(encodeCanalJson(r, { nowMs: 0 }).toString('utf8')) as { data: Record<string, string | null>[]; pkNames: string[] };
        const values = message.pkNames.map((name) => message.data[0]![name]);
        expect(message.pkNames).toEqual(['u', 'd', 'dt', 'b', 'bit', 'f', 'y', 's']);
        for (const n of [8, 13, 1000]) expect(choosePartition(r, 'primary-key', n)).toBe(keyPartitionRef('types', values, n));
      }
      // The strings are Canal's, not JavaScript's: 1e10 is "1.0E10", year 0 is "0000", BIT 0x0101 is 257.
      const first = JSON.parse(encodeCanalJson(insert(schema, rows[0]!), { nowMs: 0 }).toString('utf8')) as { data: Record<string, string>[] };
      expect(first.data[0]).toMatchObject({ f: '1.0E10', bit: '257', d: '10.50', b: '\u0000ÿA', y: '0000' });
    });
  });
});
