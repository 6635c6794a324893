/** Record builders for the Canal Json tests: columns from their type text, as the source stage builds them. */
import type { Column, DdlKind, DdlRecord, Row, RowRecord, SourceInfo, TableSchema } from '../../../../shared/record/index.ts';
import { typeCodeOf } from '../../../../shared/record/index.ts';

const textTypes = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set|json)/i;

export function column(name: string, type: string, options: Partial<Column> = {}): Column {
  const typeCode = typeCodeOf(type);
  if (typeCode === undefined) throw new Error(`unknown type ${type}`);
  return {
    name,
    type,
    typeCode,
    unsigned: /\bunsigned\b/i.test(type),
    // The source leaves charset null for numbers, dates and binary types.
    charset: textTypes.test(type) ? 'utf8mb4' : null,
    nullable: true,
    key: false,
    ...options,
  };
}

export function table(columns: Column[], options: { database?: string; table?: string; pkNames?: string[] } = {}): TableSchema {
  return {
    database: options.database ?? 'db',
    table: options.table ?? 't',
    columns,
    pkNames: options.pkNames ?? columns.filter((c) => c.key).map((c) => c.name),
  };
}

export function source(timestampMs = 1_700_000_000_000): SourceInfo {
  return { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs, txId: '1' };
}

export function row(
  op: RowRecord['op'],
  schema: TableSchema,
  images: { before?: Row; after?: Row },
  meta: { id?: number; timestampMs?: number } = {},
): RowRecord {
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
