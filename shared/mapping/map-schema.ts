/**
 * A source table shape → the shape destinations see: destination database, table and column
 * names, and only the delivered columns (in source order, so a column the source appends stays
 * last, as MaxCompute's ADD COLUMN handling needs). `indexes` is null when every column is
 * delivered: rows then pass unchanged and cost nothing.
 */
import type { Column, TableSchema } from '../record/index.ts';
import { MappingError } from './errors.ts';
import type { ColumnRule, ObjectNames } from './object-names.ts';

export interface MappedSchema {
  readonly schema: TableSchema;
  /** Source column index of each delivered column; null: all, in order. */
  readonly indexes: Int32Array | null;
  /** Column names of the mapping the table does not have (renamed or dropped at the source since). */
  readonly unknownColumns: readonly string[];
}

export function mapTableSchema(source: TableSchema, names: ObjectNames): MappedSchema {
  const target = names.table(source.database, source.table);
  const rule = target.columns;
  const keys = new Set(source.pkNames.map((n) => n.toLowerCase()));
  const renamed = new Map<string, string>();
  const columns: Column[] = [];
  const indexes: number[] = [];
  source.columns.forEach((c, i) => {
    const lower = c.name.toLowerCase();
    if (rule && !isDelivered(rule, lower)) {
      if (keys.has(lower)) throw keyColumnError(source, c.name, rule);
      return;
    }
    const name = rule?.rename.get(lower) ?? names.column(c.name);
    renamed.set(lower, name);
    columns.push(name === c.name ? c : { ...c, name });
    indexes.push(i);
  });
  const sameColumns = columns.length === source.columns.length && columns.every((c, i) => c === source.columns[i]);
  const schema: TableSchema =
    sameColumns && target.database === source.database && target.table === source.table
      ? source
      : { database: target.database, table: target.table, columns, pkNames: source.pkNames.map((n) => renamed.get(n.toLowerCase()) ?? n) };
  return {
    schema,
    indexes: indexes.length === source.columns.length ? null : Int32Array.from(indexes),
    unknownColumns: rule ? unknownColumnsOf(rule, source) : [],
  };
}

function isDelivered(rule: ColumnRule, lower: string): boolean {
  return (rule.keep === null || rule.keep.has(lower)) && !rule.drop.has(lower);
}

function unknownColumnsOf(rule: ColumnRule, source: TableSchema): string[] {
  const have = new Set(source.columns.map((c) => c.name.toLowerCase()));
  return [...(rule.keep ?? []), ...rule.drop, ...rule.rename.keys()].filter((n) => !have.has(n));
}

function keyColumnError(source: TableSchema, column: string, rule: ColumnRule): MappingError {
  const how = rule.keep ? `is not in ${rule.path}.keep` : `is in ${rule.path}.drop`;
  return new MappingError(
    `column ${column} of ${source.database}.${source.table} is part of its key (${source.pkNames.join(', ')}) and ${how}: destinations identify rows by the key, so every key column must be delivered; keep it (it may be renamed) and restart the task`,
    { database: source.database, table: source.table, path: rule.path },
  );
}
