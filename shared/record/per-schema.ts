/**
 * Work that depends only on a table's shape, done once per `TableSchema` object (records of one
 * table share it) and forgotten with it: every encoder precomputes its per-table parts this way.
 */
import type { TableSchema } from './types.ts';

export function perSchema<T>(build: (schema: TableSchema) => T): (schema: TableSchema) => T {
  const cache = new WeakMap<TableSchema, T>();
  return (schema) => {
    let value = cache.get(schema);
    if (value === undefined) {
      value = build(schema);
      cache.set(schema, value);
    }
    return value;
  };
}
