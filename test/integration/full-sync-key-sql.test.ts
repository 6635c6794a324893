/**
 * Keyset SQL: the exact text and parameters for 1-, 2- and 3-column keys, and then the same
 * predicates executed by the real MariaDB over random composite keys, compared with a plain
 * lexicographic filter in JS, so a wrong expansion (a missing equality, a strict `<=`) fails.
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '../../shared/record/index.ts';
import { chunkQuery, keyAfter, keyAtMost, keyString, quoteId, selectList, tableRef } from '../../shared/source/snapshot/key-sql.ts';
import { useDatabase } from '../helpers/stack.ts';

describe('key SQL text', () => {
  it('quotes identifiers, doubling backquotes', () => {
    expect(quoteId('id')).toBe('`id`');
    expect(quoteId('we`ird')).toBe('`we``ird`');
    expect(quoteId('a.b')).toBe('`a.b`');
    expect(tableRef('my db', 't`1')).toBe('`my db`.`t``1`');
  });

  it('one column: key > ? and key <= ?', () => {
    expect(keyAfter(['id'], [5])).toEqual({ sql: '((`id` > ?))', params: [5] });
    expect(keyAtMost(['id'], ['9223372036854775808'])).toEqual({ sql: '((`id` <= ?))', params: ['9223372036854775808'] });
  });

  it('two columns: the first strictly, or equal and the second', () => {
    expect(keyAfter(['a', 'b'], [1, 'x'])).toEqual({ sql: '((`a` > ?) OR (`a` = ? AND `b` > ?))', params: [1, 1, 'x'] });
    expect(keyAtMost(['a', 'b'], [1, 'x'])).toEqual({ sql: '((`a` < ?) OR (`a` = ? AND `b` <= ?))', params: [1, 1, 'x'] });
  });

  it('three columns: every prefix equal, then the next column compared', () => {
    expect(keyAfter(['a', 'b', 'c'], [1, 2, 3])).toEqual({
      sql: '((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?))',
      params: [1, 1, 2, 1, 2, 3],
    });
    expect(keyAtMost(['a', 'b', 'c'], [1, 2, 3])).toEqual({
      sql: '((`a` < ?) OR (`a` = ? AND `b` < ?) OR (`a` = ? AND `b` = ? AND `c` <= ?))',
      params: [1, 1, 2, 1, 2, 3],
    });
  });

  it('chunkQuery: whole table, after, up to, both, with a filter', () => {
    const base = { database: 'db', table: 't', key: ['a', 'b'], after: null, upTo: null, filter: null, limit: 100 };
    expect(chunkQuery(base)).toEqual({ sql: 'SELECT * FROM `db`.`t` ORDER BY `a`, `b` LIMIT 100', params: [] });
    expect(chunkQuery({ ...base, after: [1, 'x'] })).toEqual({
      sql: 'SELECT * FROM `db`.`t` WHERE ((`a` > ?) OR (`a` = ? AND `b` > ?)) ORDER BY `a`, `b` LIMIT 100',
      params: [1, 1, 'x'],
    });
    expect(chunkQuery({ ...base, upTo: [9, 'z'] })).toEqual({
      sql: 'SELECT * FROM `db`.`t` WHERE ((`a` < ?) OR (`a` = ? AND `b` <= ?)) ORDER BY `a`, `b` LIMIT 100',
      params: [9, 9, 'z'],
    });
    expect(chunkQuery({ ...base, after: [1, 'x'], upTo: [9, 'z'], filter: "b <> 'q' OR a = 2", limit: 7 })).toEqual({
      sql: "SELECT * FROM `db`.`t` WHERE ((`a` > ?) OR (`a` = ? AND `b` > ?)) AND ((`a` < ?) OR (`a` = ? AND `b` <= ?)) AND (b <> 'q' OR a = 2) ORDER BY `a`, `b` LIMIT 7",
      params: [1, 1, 'x', 9, 9, 'z'],
    });
  });

  it('chunkQuery without a key (an opted-in keyless table) is one unordered scan, filter kept', () => {
    expect(chunkQuery({ database: 'db', table: 'heap', key: [], after: null, upTo: null, filter: 'v > 1', limit: 10 })).toEqual({ sql: 'SELECT * FROM `db`.`heap` WHERE (v > 1)', params: [] });
  });

  it('selectList names every column and reads FLOAT through DOUBLE (the text protocol prints 6 digits)', () => {
    expect(
      selectList([
        { name: 'id', typeCode: 3 },
        { name: 'f', typeCode: 4 },
        { name: 'd`x', typeCode: 5 },
      ]),
    ).toBe('`id`, CAST(`f` AS DOUBLE) AS `f`, `d``x`');
    expect(chunkQuery({ database: 'd', table: 't', key: ['id'], after: null, upTo: null, filter: null, limit: 5, select: '`id`' }).sql).toBe('SELECT `id` FROM `d`.`t` ORDER BY `id` LIMIT 5');
  });

  it('keyString tells numbers, strings and bytes apart, and reads bytes by their view', () => {
    expect(keyString([1])).not.toBe(keyString(['1']));
    expect(keyString([null])).not.toBe(keyString(['null']));
    expect(keyString([1, 'a'])).toBe(keyString([1, 'a']));
    expect(keyString([1, 'a'])).not.toBe(keyString([1, 'a', null]));
    // No separator collision: ('a','bc') and ('ab','c') differ.
    expect(keyString(['a', 'bc'])).not.toBe(keyString(['ab', 'c']));
    const bytes = Buffer.from([0x00, 0xff, 0x10]);
    expect(keyString([bytes])).toBe('x00ff10');
    expect(keyString([new Uint8Array([0x00, 0xff, 0x10])])).toBe(keyString([bytes]));
    // A view into a larger buffer is read at its own offset and length.
    const pool = Buffer.from([0xaa, 0x00, 0xff, 0x10, 0xbb]);
    expect(keyString([pool.subarray(1, 4)])).toBe('x00ff10');
    expect(keyString([Buffer.from('ab')])).not.toBe(keyString(['ab']));
    expect(keyString([Buffer.from('ab')])).not.toBe(keyString(['x6162']));
  });
});

// Against the real server: three key columns with many ties in the leading columns.
const source = useDatabase('keysql', 'CREATE TABLE ${db}.k3 (a INT NOT NULL, b VARCHAR(4) NOT NULL, c BIGINT NOT NULL, v INT, PRIMARY KEY (a, b, c)) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');

type Key = [number, string, bigint];

/** A deterministic generator, so a failure can be rerun. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function compareKeys(x: readonly (number | string | bigint)[], y: readonly (number | string | bigint)[]): number {
  for (let i = 0; i < x.length; i++) {
    if (x[i]! < y[i]!) return -1;
    if (x[i]! > y[i]!) return 1;
  }
  return 0;
}

/** Key values as the driver's parameters: the bigint column goes as its exact decimal string. */
const asParams = (k: readonly (number | string | bigint)[]): Value[] => k.map((v) => (typeof v === 'bigint' ? v.toString() : v));

describe('key SQL on the real MariaDB', () => {
  const random = prng(20260101);
  const letters = 'abc';
  const word = () => Array.from({ length: Math.floor(random() * 3) }, () => letters[Math.floor(random() * letters.length)]).join('');
  const big = () => (random() < 0.3 ? 9007199254740990n + BigInt(Math.floor(random() * 6)) : BigInt(Math.floor(random() * 7) - 3));
  const keys: Key[] = [];

  async function loadKeys(): Promise<void> {
    if (keys.length) return;
    const seen = new Set<string>();
    while (keys.length < 400) {
      const k: Key = [Math.floor(random() * 4), word(), big()];
      const s = `${k[0]}|${k[1]}|${k[2]}`;
      if (seen.has(s)) continue;
      seen.add(s);
      keys.push(k);
    }
    await source.conn().query(`INSERT INTO ${source.db}.k3 VALUES ${keys.map((k, i) => `(${k[0]}, '${k[1]}', ${k[2]}, ${i})`).join(',')}`);
    keys.sort(compareKeys);
  }

  async function selectKeys(where: { sql: string; params: unknown[] }): Promise<string[]> {
    const [rows] = await source.conn().query(`SELECT a, b, CAST(c AS CHAR) AS cs FROM ${source.db}.k3 WHERE ${where.sql} ORDER BY a, b, c`, where.params);
    return (rows as { a: number; b: string; cs: string }[]).map((r) => `${r.a}|${r.b}|${r.cs}`);
  }
  const show = (k: readonly (number | string | bigint)[]) => k.join('|');

  /** Bounds that hit existing keys, fall between them, and lie outside the data. */
  function bounds(): Key[] {
    const picks: Key[] = [keys[0]!, keys.at(-1)!, [-1, '', -10n], [9, 'zzz', 10n ** 18n]];
    for (let i = 0; i < 25; i++) picks.push(random() < 0.5 ? keys[Math.floor(random() * keys.length)]! : [Math.floor(random() * 4), word(), big()]);
    return picks;
  }

  it('keyAfter and keyAtMost select exactly the keys a lexicographic comparison does, for 1, 2 and 3 columns', { timeout: 60_000 }, async () => {
    await loadKeys();
    const columns = ['a', 'b', 'c'];
    for (const bound of bounds()) {
      for (const width of [1, 2, 3]) {
        const prefix = bound.slice(0, width);
        const cmp = (k: Key) => compareKeys(k.slice(0, width), prefix);
        const after = await selectKeys(keyAfter(columns.slice(0, width), asParams(prefix)));
        expect(after, `(${columns.slice(0, width).join(',')}) > (${show(prefix)})`).toEqual(keys.filter((k) => cmp(k) > 0).map(show));
        const atMost = await selectKeys(keyAtMost(columns.slice(0, width), asParams(prefix)));
        expect(atMost, `(${columns.slice(0, width).join(',')}) <= (${show(prefix)})`).toEqual(keys.filter((k) => cmp(k) <= 0).map(show));
      }
    }
  });

  it('chunkQuery pages through a range (after, upTo] in key order, every key once, the filter applied', { timeout: 60_000 }, async () => {
    await loadKeys();
    const key = ['a', 'b', 'c'];
    /** How many keys each case expects (the keys are the same on every run: a seeded generator). */
    const sizes: number[] = [];
    for (const [lo, hi] of [
      [null, null],
      [keys[50]!, keys[300]!],
      [null, keys[120]!],
      [[1, 'b', 0n] as Key, null],
    ] as [Key | null, Key | null][]) {
      for (const filter of [null, 'v % 3 <> 0']) {
        const seen: string[] = [];
        let after: Value[] | null = lo && asParams(lo);
        for (let page = 0; page < 200; page++) {
          const q = chunkQuery({ database: source.db, table: 'k3', key, after, upTo: hi && asParams(hi), filter, limit: 17 });
          // The exact text, with only the column list narrowed (the alias must not shadow `c` in ORDER BY).
          const [rows] = await source.conn().query(q.sql.replace('SELECT *', 'SELECT a, b, CAST(c AS CHAR) AS cs'), q.params);
          const got = rows as { a: number; b: string; cs: string }[];
          seen.push(...got.map((r) => `${r.a}|${r.b}|${r.cs}`));
          if (got.length < 17) break;
          const last = got.at(-1)!;
          after = [last.a, last.b, last.cs];
        }
        const expected = keys
          .map((k, i) => ({ k, v: i }))
          .filter(({ k }) => (!lo || compareKeys(k, lo) > 0) && (!hi || compareKeys(k, hi) <= 0))
          .map(({ k }) => k);
        const [vs] = await source.conn().query(`SELECT a, b, CAST(c AS CHAR) AS c, v FROM ${source.db}.k3`);
        const vOf = new Map((vs as { a: number; b: string; c: string; v: number }[]).map((r) => [`${r.a}|${r.b}|${r.c}`, r.v]));
        const want = expected.map(show).filter((s) => filter === null || vOf.get(s)! % 3 !== 0);
        expect(seen, `range (${lo && show(lo)}, ${hi && show(hi)}] filter ${filter}`).toEqual(want);
        sizes.push(want.length);
      }
    }
    // Every case covers keys: (−∞, ∞), (k50, k300], (−∞, k120], ((1,'b',0), ∞), each without and with the filter.
    expect(sizes).toEqual([400, 266, 250, 167, 121, 83, 250, 167]);
  });
});
