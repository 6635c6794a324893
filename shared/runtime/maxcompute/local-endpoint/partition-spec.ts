/**
 * Partition specs as they travel: `k1=v1,k2=v2` in tunnel query parameters (no quotes),
 * `k1='v1',k2='v2'` from the SDK's PartitionSpec.toString() on the control plane; both are read
 * here. The canonical form (keys lower case, in the table's key order, values unquoted) names a
 * partition in the store. A spec must give every partition level of the table, in order.
 */
import { parseOdpsType } from './odps-types.ts';
import type { TableDef } from './store.ts';

/** Parses `a=1,b='x'` into pairs; undefined when the text is not a spec. */
export function parsePartitionSpec(text: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"')))) value = value.slice(1, -1);
    pairs.push([part.slice(0, eq).trim().toLowerCase(), value]);
  }
  return pairs;
}

/** The canonical spec of `values` for `table`, or the error `refuse` makes when it does not fit. */
export function canonicalPartition(table: TableDef, values: readonly (readonly [string, string])[], refuse: (message: string) => Error): string {
  const keys = table.partitionKeys.map((k) => k.name);
  const given = values.map(([k]) => k.toLowerCase());
  if (keys.length === 0) throw refuse(`table ${table.name} has no partitions, but a partition spec was given`);
  if (given.length !== keys.length || given.some((k, i) => k !== keys[i])) {
    throw refuse(`partition spec (${given.join(', ')}) does not match the partition keys of table ${table.name}: (${keys.join(', ')}), all levels in that order`);
  }
  return keys.map((k, i) => `${k}=${values[i]![1]}`).join(',');
}

/** Refuses a value that does not fit its key's type (an integer key needs integer text). */
export function checkPartitionValue(table: TableDef, key: string, value: string, refuse: (message: string) => Error): void {
  const def = table.partitionKeys.find((k) => k.name === key.toLowerCase());
  if (!def) throw refuse(`"${key}" is not a partition key of table ${table.name}`);
  const type = parseOdpsType(def.type);
  if (value === '') throw refuse(`partition key "${key}" has an empty value`);
  if (type.family === 'sint64' && !/^-?\d+$/.test(value)) throw refuse(`partition key "${key}" is ${def.type}; "${value}" is not an integer`);
  if (type.length !== undefined && [...value].length > type.length) throw refuse(`partition key "${key}" is ${def.type}; the value is longer`);
}
