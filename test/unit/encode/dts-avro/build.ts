/** Record builders for the DTS Avro tests: columns from their type text, as the source stage builds them. */
import type { DdlKind, DdlRecord, Row, RowRecord, SourceInfo, TableSchema } from '../../../../shared/record/index.ts';

export { column, table } from '../../../helpers/columns.ts';

export function source(overrides: Partial<SourceInfo> = {}): SourceInfo {
  return {
    serverId: 26957161,
    file: 'mysql-bin.000078',
    position: 75103,
    gtid: null,
    timestampMs: 1_696_984_517_078,
    txId: null,
    ...overrides,
  };
}

export function row(op: RowRecord['op'], schema: TableSchema, images: { before?: Row; after?: Row }, meta: { id?: number; source?: Partial<SourceInfo> } = {}): RowRecord {
  return {
    op,
    id: meta.id ?? 1,
    seq: 0,
    source: source(meta.source),
    schema,
    before: images.before ?? null,
    after: images.after ?? null,
  };
}

export function ddl(sql: string, where: { database?: string; table?: string; kind?: DdlKind; id?: number; source?: Partial<SourceInfo> } = {}): DdlRecord {
  return {
    op: 'DDL',
    kind: where.kind ?? 'CREATE_TABLE',
    id: where.id ?? 7,
    seq: 0,
    source: source(where.source),
    database: where.database ?? 'db',
    table: where.table ?? '',
    sql,
  };
}
