/**
 * Planning against the real MariaDB: integer keys cut by value, other keys at sampled positions;
 * then every planned range read to its end through the real chunk reader, so the ranges must cover
 * the table with no gap and no overlap. Keyless tables are refused with a message naming them.
 */
import { describe, expect, it } from 'vitest';
import type { KeyRange, TableSnapshot } from '../../shared/record/index.ts';
import type { SqlQuery } from '../../shared/source/schema/table-schemas.ts';
import { ChunkReader } from '../../shared/source/snapshot/chunk-reader.ts';
import { NoKeyTableError } from '../../shared/source/snapshot/errors.ts';
import { keyString } from '../../shared/source/snapshot/key-sql.ts';
import { planTable, type PlanOptions } from '../../shared/source/snapshot/table-plan.ts';
import { Secret } from '../../shared/task/secret.ts';
import { stack, useDatabase } from '../helpers/stack.ts';

const source = useDatabase(
  'tableplan',
  'CREATE TABLE ${db}.dense (id INT PRIMARY KEY, v INT)',
  'CREATE TABLE ${db}.huge (id BIGINT UNSIGNED PRIMARY KEY, v INT)',
  'CREATE TABLE ${db}.pairs (region CHAR(2) NOT NULL, seq INT NOT NULL, v INT, PRIMARY KEY (region, seq))',
  'CREATE TABLE ${db}.words (word VARCHAR(20) NOT NULL PRIMARY KEY, v INT) COLLATE utf8mb4_bin',
  'CREATE TABLE ${db}.uniq (code VARCHAR(8) NOT NULL, other INT NULL, v INT, UNIQUE KEY u_other (other), UNIQUE KEY u_code (code))',
  'CREATE TABLE ${db}.heap (v INT, w INT NULL, UNIQUE KEY (w))',
  'CREATE TABLE ${db}.tiny (id INT PRIMARY KEY)',
  'CREATE TABLE ${db}.empty_one (id INT PRIMARY KEY)',
);

const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await source.conn().query(sql, params))[0] as T[];
const options = (o: Partial<PlanOptions> = {}): PlanOptions => ({ workers: 4, chunkRows: 100, keylessTables: 'refuse', ...o });
const endpoint = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: new Secret(''), connectTimeoutMs: 10_000 };

async function fill(table: string, values: string[]): Promise<void> {
  for (let i = 0; i < values.length; i += 1000) await source.conn().query(`INSERT INTO ${source.db}.${table} VALUES ${values.slice(i, i + 1000).join(',')}`);
  // Fresh tables have no statistics yet; the plan reads TABLE_ROWS.
  await source.conn().query(`ANALYZE TABLE ${source.db}.${table}`);
}

let filled = false;
async function fillAll(): Promise<void> {
  if (filled) return;
  filled = true;
  // Dense 1..1000 but with a hole at 400..599.
  await fill(
    'dense',
    Array.from({ length: 1000 }, (_, i) => i + 1)
      .filter((id) => id < 400 || id >= 600)
      .map((id) => `(${id}, ${id})`),
  );
  // Near 2^64: cuts must be exact decimal strings.
  await fill(
    'huge',
    Array.from({ length: 600 }, (_, i) => `(${18446744073709551615n - BigInt(i * 3)}, ${i})`),
  );
  await fill(
    'pairs',
    Array.from({ length: 900 }, (_, i) => `('${['cn', 'de', 'us'][i % 3]}', ${(i * 37) % 1000}, ${i})`),
  );
  await fill(
    'words',
    Array.from({ length: 700 }, (_, i) => `('w${((i * 7919) % 100000).toString(36)}', ${i})`),
  );
  await fill(
    'uniq',
    Array.from({ length: 500 }, (_, i) => `('c${String(i).padStart(4, '0')}', ${i % 2 ? i : 'NULL'}, ${i})`),
  );
  await fill(
    'heap',
    Array.from({ length: 10 }, (_, i) => `(${i}, NULL)`),
  );
  await fill('tiny', ['(1)', '(2)', '(3)']);
}

/** Reads every range to its end with the chunk reader, as a worker does; returns the keys per range. */
async function readAll(plan: TableSnapshot, limit = 64): Promise<string[][]> {
  const reader = new ChunkReader(endpoint, true, () => 0);
  const ranges = [...plan.ranges];
  const perRange: string[][] = [];
  try {
    for (let i = 0; i < ranges.length; i++) {
      const keys: string[] = [];
      for (let guard = 0; guard < 1000; guard++) {
        const chunk = await reader.read({ ...plan, ranges }, i, null, limit);
        const indexes = plan.key.map((k) => chunk.schema.columns.findIndex((c) => c.name === k));
        keys.push(...chunk.rows.toArray().map((r) => keyString(indexes.map((j) => r[j]!))));
        ranges[i] = { ...ranges[i]!, after: chunk.lastKey ?? ranges[i]!.after, done: chunk.last };
        if (chunk.last) break;
      }
      perRange.push(keys);
    }
  } finally {
    await reader.close();
  }
  return perRange;
}

/** All keys of the table in key order, as the reader renders them. */
async function tableKeys(plan: TableSnapshot): Promise<string[]> {
  const [all] = await readAll({ ...plan, ranges: [{ after: null, upTo: null, done: false }] }, 100_000);
  return all!;
}

async function expectCover(plan: TableSnapshot, rows: number): Promise<void> {
  const perRange = await readAll(plan);
  const flat = perRange.flat();
  expect(flat).toHaveLength(rows);
  expect(new Set(flat).size).toBe(rows);
  // Ranges in order, each in key order: concatenated they are the table in key order.
  expect(flat).toEqual(await tableKeys(plan));
  expect(perRange.filter((r) => r.length > 0).length, 'every range holds rows').toBe(plan.ranges.length);
}

const cutsOf = (ranges: readonly KeyRange[]) => ranges.map((r) => [r.after, r.upTo]);

describe('planTable', () => {
  it('cuts a single integer key by value into even steps between MIN and MAX', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'dense', options());
    expect(plan).toMatchObject({ database: source.db, table: 'dense', key: ['id'], rows: 0 });
    expect(plan.estimatedRows).toBeGreaterThan(500);
    // (1000 - 1) / 4 = 249: cuts at 250, 499, 748.
    expect(cutsOf(plan.ranges)).toEqual([
      [null, [250]],
      [[250], [499]],
      [[499], [748]],
      [[748], null],
    ]);
    expect(plan.ranges.every((r) => !r.done)).toBe(true);
    await expectCover(plan, 800);
  });

  it('cuts BIGINT UNSIGNED keys past 2^53 as exact decimal strings', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'huge', options({ workers: 3 }));
    const lo = 18446744073709551615n - 599n * 3n;
    const step = (18446744073709551615n - lo) / 3n;
    expect(cutsOf(plan.ranges)).toEqual([
      [null, [(lo + step).toString()]],
      [[(lo + step).toString()], [(lo + 2n * step).toString()]],
      [[(lo + 2n * step).toString()], null],
    ]);
    await expectCover(plan, 600);
  });

  it('cuts a composite key at sampled keys, in key order', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'pairs', options({ workers: 3 }));
    expect(plan.key).toEqual(['region', 'seq']);
    expect(plan.ranges).toHaveLength(3);
    const cuts = plan.ranges.slice(0, -1).map((r) => r.upTo!);
    // Each cut is the key at offset estimatedRows * i / 3 of the index.
    const [ordered] = await source.conn().query(`SELECT region, seq FROM ${source.db}.pairs ORDER BY region, seq`);
    const keys = (ordered as { region: string; seq: number }[]).map((r) => [r.region, r.seq]);
    expect(cuts).toEqual([1, 2].map((i) => keys[Math.floor((plan.estimatedRows * i) / 3)]));
    await expectCover(plan, 900);
  });

  it('cuts a string key at sampled keys', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'words', options({ workers: 4 }));
    expect(plan.key).toEqual(['word']);
    expect(plan.ranges).toHaveLength(4);
    for (const r of plan.ranges.slice(0, -1)) expect(typeof r.upTo![0]).toBe('string');
    await expectCover(plan, 700);
  });

  it('chunks by the first unique key on NOT NULL columns when there is no primary key', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'uniq', options({ workers: 2 }));
    expect(plan.key).toEqual(['code']);
    expect(plan.ranges).toHaveLength(2);
    await expectCover(plan, 500);
  });

  it('plans one range for one worker, a table smaller than a chunk, and an empty table', async () => {
    await fillAll();
    const whole = [[null, null]];
    expect(cutsOf((await planTable(query, source.db, 'dense', options({ workers: 1 }))).ranges)).toEqual(whole);
    expect(cutsOf((await planTable(query, source.db, 'tiny', options({ workers: 8 }))).ranges)).toEqual(whole);
    const empty = await planTable(query, source.db, 'empty_one', options({ workers: 8 }));
    expect(empty).toMatchObject({ key: ['id'], estimatedRows: 0 });
    expect(cutsOf(empty.ranges)).toEqual(whole);
  });

  it('refuses a table without a primary key or NOT NULL unique key, naming it and the way out', async () => {
    await fillAll();
    const err = await planTable(query, source.db, 'heap', options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoKeyTableError);
    expect((err as Error).message).toContain(`${source.db}.heap has no primary key and no unique key on NOT NULL columns`);
    expect((err as Error).message).toContain('fullSync.keylessTables: scan');
    expect((err as NoKeyTableError).context).toEqual({ database: source.db, table: 'heap' });
    expect((err as NoKeyTableError).retriable).toBe(false);
  });

  it('plans a keyless table as one scan when the task opts in, and the scan reads every row', { timeout: 60_000 }, async () => {
    await fillAll();
    const plan = await planTable(query, source.db, 'heap', options({ keylessTables: 'scan' }));
    expect(plan.key).toEqual([]);
    expect(cutsOf(plan.ranges)).toEqual([[null, null]]);
    const reader = new ChunkReader(endpoint, true, () => 0);
    try {
      // No key: chunked reads are refused; scan() streams the table in pieces of the given size.
      await expect(reader.read(plan, 0, null, 4)).rejects.toThrow(/has no key to read in chunks/);
      const pieces: { rows: number; last: boolean }[] = [];
      const seen: unknown[] = [];
      await reader.scan(plan, null, 4, async (chunk) => {
        pieces.push({ rows: chunk.rows.length, last: chunk.last });
        seen.push(...chunk.rows.toArray().map((r) => r[0]));
      });
      expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(pieces).toEqual([
        { rows: 4, last: false },
        { rows: 4, last: false },
        { rows: 2, last: true },
      ]);
    } finally {
      await reader.close();
    }
  });

  it('names a missing table', async () => {
    const err = await planTable(query, source.db, 'nope', options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoKeyTableError);
    expect((err as Error).message).toBe(`${source.db}.nope does not exist on the source; remove it from objects or create it`);
  });
});
