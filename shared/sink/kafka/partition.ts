/**
 * DTS partition policies (specs/formats.md §3.1), hashing as DTS and Canal do with Java's
 * `String.hashCode` (h = 31·h + c over UTF-16 code units, in int32), partition = |h| mod n with
 * |h| taken in 64-bit so Integer.MIN_VALUE does not turn negative. Exactly what is hashed:
 * - `database-table`: the text `<database>.<table>`; DDL goes with its table (database-level DDL
 *   such as CREATE DATABASE to partition 0);
 * - `primary-key`: Canal's `$pk$` rule — h = hash(database), then h ^= hash(value) for each key
 *   column in order, where value is the column's Canal JSON value string ('' for NULL); the key
 *   columns are the task's partition-key columns for the table, else its primary key (or unique
 *   key); DDL, and tables with neither, go to partition 0.
 * - `partition-zero`: everything to partition 0.
 */
import { valueStringOf } from '../../encode/canal-json/index.ts';
import { isRowRecord, type ChangeRecord, type TableSchema } from '../../record/index.ts';

export type PartitionPolicy = 'partition-zero' | 'database-table' | 'primary-key';

export function javaStringHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

function partitionOf(hash: number, partitions: number): number {
  return Math.abs(hash) % partitions;
}

type KeyHasher = (row: readonly unknown[]) => number;
const keyHashers = new WeakMap<TableSchema, Map<string, KeyHasher | null>>();

/** The key hasher of a table for the given key columns, or null when it has no key. */
function keyHasher(schema: TableSchema, keyColumns: readonly string[] | undefined): KeyHasher | null {
  const cacheKey = keyColumns?.join('\u0000') ?? '';
  let perTable = keyHashers.get(schema);
  if (!perTable) keyHashers.set(schema, (perTable = new Map()));
  if (perTable.has(cacheKey)) return perTable.get(cacheKey)!;
  const names = keyColumns && keyColumns.length > 0 ? keyColumns : schema.pkNames;
  const indexes = names.map((n) => schema.columns.findIndex((c) => c.name === n));
  let hasher: KeyHasher | null = null;
  if (names.length > 0 && indexes.every((i) => i >= 0)) {
    const format = indexes.map((i) => valueStringOf(schema.columns[i]!));
    const base = javaStringHashCode(schema.database);
    hasher = (row) => {
      let h = base;
      for (let k = 0; k < indexes.length; k++) {
        const v = row[indexes[k]!];
        h ^= javaStringHashCode(v === null || v === undefined ? '' : format[k]!(v as never));
      }
      return h;
    };
  }
  perTable.set(cacheKey, hasher);
  return hasher;
}

/** The partition of every row record of a table under a policy that does not look at rows (not primary-key). */
export function partitionOfTable(schema: TableSchema, policy: Exclude<PartitionPolicy, 'primary-key'>, partitions: number): number {
  if (policy === 'partition-zero' || partitions <= 1) return 0;
  return partitionOf(javaStringHashCode(`${schema.database}.${schema.table}`), partitions);
}

/** The partition a record goes to, among `partitions` partitions of its topic. */
export function choosePartition(record: ChangeRecord, policy: PartitionPolicy, partitions: number, keyColumns?: readonly string[]): number {
  if (policy === 'partition-zero' || partitions <= 1) return 0;
  if (!isRowRecord(record)) {
    if (policy === 'primary-key' || record.table === '') return 0;
    return partitionOf(javaStringHashCode(`${record.database}.${record.table}`), partitions);
  }
  if (policy === 'database-table') return partitionOfTable(record.schema, policy, partitions);
  const hasher = keyHasher(record.schema, keyColumns);
  if (!hasher) return 0;
  return partitionOf(hasher((record.after ?? record.before)!), partitions);
}
