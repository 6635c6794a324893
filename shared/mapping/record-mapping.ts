/**
 * The task's object mapping as one function over records, applied once, at delivery (ops/delivery.ts
 * hands each destination's sink the mapped records): the queue keeps source names, so record ids
 * and positions never depend on the mapping, and every encoder, partition hash, topic route and
 * MaxCompute table sees the destination names. The mapped shape is computed once per source
 * `TableSchema` object and shared by its records (encoders' per-schema caches keep hitting); a row
 * is copied only when columns are left out. No mapping configured: null, and records pass as they are.
 */
import type { Logger } from '../log.ts';
import { isRowRecord, perSchema, type ChangeRecord, type DdlRecord, type Row, type RowRecord, type TableSchema } from '../record/index.ts';
import { mapTableSchema, type MappedSchema } from './map-schema.ts';
import { createObjectNames, type MappingConfig, type ObjectNames } from './object-names.ts';

export type RecordMapping = (record: ChangeRecord) => ChangeRecord;

export function createRecordMapping(config: MappingConfig, log: Logger): RecordMapping | null {
  const names = createObjectNames(config);
  if (names.identity) return null;
  const mappedOf = perSchema((schema: TableSchema): MappedSchema => {
    const mapped = mapTableSchema(schema, names);
    if (mapped.unknownColumns.length > 0) {
      // The precheck refuses these; here the table changed since (a column dropped or renamed at the source).
      log.warn('the column mapping names columns the table does not have; they are ignored', { table: `${schema.database}.${schema.table}`, columns: mapped.unknownColumns.join(',') });
    }
    return mapped;
  });
  return (record) => (isRowRecord(record) ? mapRow(record, mappedOf(record.schema)) : mapDdl(record, names));
}

function mapRow(record: RowRecord, mapped: MappedSchema): RowRecord {
  if (mapped.schema === record.schema) return record;
  const { indexes } = mapped;
  return {
    id: record.id,
    seq: record.seq,
    source: record.source,
    op: record.op,
    schema: mapped.schema,
    before: indexes === null ? record.before : project(record.before, indexes),
    after: indexes === null ? record.after : project(record.after, indexes),
  };
}

function project(row: Row | null, indexes: Int32Array): Row | null {
  if (row === null) return null;
  const out = new Array(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = row[indexes[i]!];
  return out;
}

/**
 * DDL: the database and table fields carry destination names; the statement is delivered as the
 * source ran it (rewriting names inside SQL needs a full MySQL parser; consumers that replay DDL
 * must map it themselves; README "Mapping").
 */
function mapDdl(record: DdlRecord, names: ObjectNames): DdlRecord {
  const database = record.database === '' ? '' : names.database(record.database);
  const table = record.table === '' ? '' : names.table(record.database, record.table).table;
  if (database === record.database && table === record.table) return record;
  return { id: record.id, seq: record.seq, source: record.source, op: 'DDL', kind: record.kind, database, table, sql: record.sql };
}
