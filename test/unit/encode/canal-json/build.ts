/** Record builders for the Canal Json tests: columns from their type text, as the source stage builds them. */
import type { DdlKind, DdlRecord, Row, RowRecord, SourceInfo, TableSchema } from '../../../../shared/record/index.ts';

export { column, table } from '../../../helpers/columns.ts';

export function source(timestampMs = 1_700_000_000_000): SourceInfo {
  return { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs, txId: '1' };
}

export function row(op: RowRecord['op'], schema: TableSchema, images: { before?: Row; after?: Row }, meta: { id?: number; timestampMs?: number } = {}): RowRecord {
  return {
    op,
    id: meta.id ?? 1,
    seq: 0,
    source: source(meta.timestampMs),
    schema,
    before: images.before ?? null,
    after: images.after ?? null,
  };
}

export function ddl(kind: DdlKind, sql: string, where: { database?: string; table?: string } = {}): DdlRecord {
  return { op: 'DDL', kind, id: 7, seq: 0, source: source(), database: where.database ?? 'db', table: where.table ?? '', sql };
}
