/**
 * Before a table is copied: which key orders its chunks, how many rows the catalog expects, and
 * how its key space is cut into ranges so several workers can copy it at once. Single integer
 * keys are cut by value (MIN/MAX), other keys at sampled positions of their index.
 */
import type { KeyRange, TableSnapshot, Value } from '../../record/index.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { catalogSchema } from '../schema/table-schemas.ts';
import { NoKeyTableError } from './errors.ts';
import { quoteId, tableRef } from './key-sql.ts';

export interface PlanOptions {
  /** Ranges to cut the table into (the parallel workers of one table). */
  readonly workers: number;
  readonly chunkRows: number;
  /** Tables without a primary or unique NOT NULL key: refuse (as DTS does) or copy in one scan. */
  readonly keylessTables: 'refuse' | 'scan';
}

const INTEGER_TYPE = /^(tinyint|smallint|mediumint|int|integer|bigint)\b/i;

export async function planTable(query: SqlQuery, database: string, table: string, options: PlanOptions): Promise<TableSnapshot> {
  const schema = await catalogSchema(query, database, table);
  if (schema.columns.length === 0) throw new NoKeyTableError(`${database}.${table} does not exist on the source; remove it from objects or create it`, { database, table });
  const key = schema.pkNames;
  if (key.length === 0 && options.keylessTables === 'refuse') {
    throw new NoKeyTableError(
      `${database}.${table} has no primary key and no unique key on NOT NULL columns, so it cannot be copied in chunks (DTS requires one): add a primary key, or set fullSync.keylessTables: scan to copy it in one pass (rows changed during that pass may arrive twice)`,
      { database, table },
    );
  }
  const [stats] = await query<{ TABLE_ROWS: number | string | null }>('SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table]);
  const estimatedRows = Number(stats?.TABLE_ROWS ?? 0);
  const base = { database, table, key, rows: 0, estimatedRows };
  const wanted = Math.min(options.workers, Math.ceil(estimatedRows / options.chunkRows));
  if (key.length === 0 || wanted <= 1) return { ...base, ranges: [{ after: null, upTo: null, done: false }] };
  const column = schema.columns.find((c) => c.name === key[0]);
  const cuts =
    key.length === 1 && column && INTEGER_TYPE.test(column.type) ? await cutByValue(query, database, table, key[0]!, wanted) : await cutBySample(query, database, table, key, wanted, estimatedRows);
  return { ...base, ranges: rangesFromCuts(cuts) };
}

/** Cuts at even steps between the smallest and largest key (exact for dense keys, fair for gaps). */
async function cutByValue(query: SqlQuery, database: string, table: string, key: string, parts: number): Promise<Value[][]> {
  const [bounds] = await query<{ lo: string | number | null; hi: string | number | null }>(
    `SELECT CAST(MIN(${quoteId(key)}) AS CHAR) AS lo, CAST(MAX(${quoteId(key)}) AS CHAR) AS hi FROM ${tableRef(database, table)}`,
    [],
  );
  if (bounds?.lo === null || bounds?.hi === null || bounds === undefined) return [];
  const lo = BigInt(bounds.lo);
  const hi = BigInt(bounds.hi);
  const step = (hi - lo) / BigInt(parts);
  if (step === 0n) return [];
  const cuts: Value[][] = [];
  for (let i = 1; i < parts; i++) {
    const cut = lo + step * BigInt(i);
    cuts.push([Number.isSafeInteger(Number(cut)) ? Number(cut) : cut.toString()]);
  }
  return cuts;
}

/** Cuts at the keys found at even offsets of the key's index (one index scan per cut). */
async function cutBySample(query: SqlQuery, database: string, table: string, key: readonly string[], parts: number, estimatedRows: number): Promise<Value[][]> {
  const columns = key.map(quoteId).join(', ');
  const cuts: Value[][] = [];
  for (let i = 1; i < parts; i++) {
    const offset = Math.floor((estimatedRows * i) / parts);
    const [row] = await query<Record<string, Value>>(`SELECT ${columns} FROM ${tableRef(database, table)} ORDER BY ${columns} LIMIT 1 OFFSET ${offset}`, []);
    if (!row) break;
    cuts.push(key.map((k) => row[k] ?? null));
  }
  return cuts;
}

function rangesFromCuts(cuts: readonly Value[][]): KeyRange[] {
  const ranges: KeyRange[] = [];
  let after: readonly Value[] | null = null;
  for (const cut of cuts) {
    ranges.push({ after, upTo: cut, done: false });
    after = cut;
  }
  ranges.push({ after, upTo: null, done: false });
  return ranges;
}
