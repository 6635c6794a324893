/**
 * Decoded table schemas by their stored bytes, across batches: a deliverer reading many small
 * batches then gets the same TableSchema object for the same table shape, so it decodes the
 * schema once instead of per batch, and the encoders' per-schema caches (record/per-schema.ts) keep
 * hitting. Same bytes, same schema: a DDL that changes the table changes the bytes. Schemas are
 * readonly data, so sharing one object between batches is safe. Bounded: cleared when full.
 */
import type { TableSchema } from '../../record/index.ts';

const MAX_SCHEMAS = 256;
const byBytes = new Map<string, TableSchema>();

export function internSchema(key: string, decode: () => TableSchema): TableSchema {
  let schema = byBytes.get(key);
  if (schema === undefined) {
    schema = decode();
    if (byBytes.size >= MAX_SCHEMAS) byBytes.clear();
    byBytes.set(key, schema);
  }
  return schema;
}
