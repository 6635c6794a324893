/** Columns and tables built from their type text, as the source stage builds them (encoder tests). */
import type { Column, TableSchema } from '../../shared/record/index.ts';
import { typeCodeOf } from '../../shared/record/index.ts';

const textTypes = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set|json)\b/i;

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
