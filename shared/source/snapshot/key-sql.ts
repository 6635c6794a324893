/**
 * Keyset pagination in SQL: a chunk is `key > after AND key <= upTo ORDER BY key LIMIT n`, with
 * composite keys compared in key order. Row constructors (`(a,b) > (?,?)`) are not range-optimized
 * by every MySQL/MariaDB version, so the comparison is spelled out: `a > ? OR (a = ? AND b > ?)`.
 */
import { MysqlTypeCode, type Value } from '../../record/index.ts';

export interface SqlPart {
  readonly sql: string;
  readonly params: unknown[];
}

export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function tableRef(database: string, table: string): string {
  return `${quoteId(database)}.${quoteId(table)}`;
}

/** `key > values` (strict) or `key <= values`, lexicographically over the key's columns. */
function compareKey(key: readonly string[], values: readonly Value[], last: '>' | '<='): SqlPart {
  const strict = last === '>' ? '>' : '<';
  const parts: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < key.length; i++) {
    const eq = key.slice(0, i).map((k) => `${quoteId(k)} = ?`);
    const op = i === key.length - 1 ? last : strict;
    parts.push(`(${[...eq, `${quoteId(key[i]!)} ${op} ?`].join(' AND ')})`);
    params.push(...values.slice(0, i), values[i]);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}

export function keyAfter(key: readonly string[], values: readonly Value[]): SqlPart {
  return compareKey(key, values, '>');
}

export function keyAtMost(key: readonly string[], values: readonly Value[]): SqlPart {
  return compareKey(key, values, '<=');
}

export interface ChunkSpec {
  readonly database: string;
  readonly table: string;
  readonly key: readonly string[];
  readonly after: readonly Value[] | null;
  readonly upTo: readonly Value[] | null;
  /** The task's filter condition for the table (DTS "Filter Conditions"), already validated. */
  readonly filter: string | null;
  readonly limit: number;
  /** The select list (default `*`); see `selectList`. */
  readonly select?: string;
}

/**
 * Every column by name, FLOAT cast to DOUBLE: the text protocol prints FLOAT with 6 significant
 * digits (3.40282e38), the cast gives the exact float32 value the binlog holds.
 */
export function selectList(columns: readonly { name: string; typeCode: number }[]): string {
  return columns.map((c) => (c.typeCode === MysqlTypeCode.FLOAT ? `CAST(${quoteId(c.name)} AS DOUBLE) AS ${quoteId(c.name)}` : quoteId(c.name))).join(', ');
}

export function chunkQuery(spec: ChunkSpec): SqlPart {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const part of [spec.after && keyAfter(spec.key, spec.after), spec.upTo && keyAtMost(spec.key, spec.upTo)]) {
    if (!part) continue;
    where.push(part.sql);
    params.push(...part.params);
  }
  if (spec.filter) where.push(`(${spec.filter})`);
  const order = spec.key.map(quoteId).join(', ');
  const sql = `SELECT ${spec.select ?? '*'} FROM ${tableRef(spec.database, spec.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${order ? ` ORDER BY ${order} LIMIT ${spec.limit}` : ''}`;
  return { sql, params };
}

/** A key as a string, for sets of keys (bytes as hex, so binary keys compare exactly). */
export function keyString(values: readonly Value[]): string {
  return values.map((v) => (v instanceof Uint8Array ? `x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}` : `${typeof v}:${String(v)}`)).join('\u0000');
}
