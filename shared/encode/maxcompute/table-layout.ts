/**
 * The two MaxCompute tables of one source table (specs/maxcompute.md §7):
 * - `<table>_base`: the source columns in source order, mapped (column-mapping.ts), not partitioned;
 * - `<table>_log`: the five metadata columns first, then the source columns in source order,
 *   partitioned by the chosen modifytime levels (year → minute, STRING). Metadata first keeps the
 *   source columns contiguous when a source ADD COLUMN appends a column (MaxCompute appends too).
 * Each column's comment is the MySQL type text (`bigint(20) unsigned`), so users see the source type.
 *
 * The source columns' part, the table plan (every encoder names so what it builds once per
 * table), is built once per `TableSchema` object (perSchema): the same arrays
 * for every record of a table shape, which the sink may compare by identity.
 */
import { perSchema, type TableSchema } from '../../record/index.ts';
import { columnMappingOf, type CellConverter } from './column-mapping.ts';
import { metadataColumnsOf, partitionColumnsOf, type LogLayoutOptions } from './naming-rule.ts';
import { baseTableName, logTableName } from './table-names.ts';
import type { OdpsColumn, OdpsTableShape } from './types.ts';

/** MaxCompute keeps at most 1024 bytes of a column comment. */
const MAX_COMMENT_BYTES = 1024;

export interface TablePlan {
  /** The mapped columns, in source order. */
  readonly columns: readonly OdpsColumn[];
  /** The converter of each column, aligned with `columns`. */
  readonly converters: readonly CellConverter[];
}

export interface DestinationTable {
  /** Lower case: `orders_base`, `orders_log`. */
  readonly name: string;
  readonly shape: OdpsTableShape;
}

export interface DestinationTables {
  readonly base: DestinationTable;
  readonly log: DestinationTable;
}

/** The table plan: the mapped source columns of a table shape; UnsupportedColumnTypeError for a column without a mapping. */
export const tablePlanOf: (schema: TableSchema) => TablePlan = perSchema((schema) => {
  const mappings = schema.columns.map((column) => columnMappingOf(schema, column));
  return {
    columns: schema.columns.map((column, i) => ({ name: column.name, type: mappings[i]!.type, comment: commentOf(column.type) })),
    converters: mappings.map((m) => m.convert),
  };
});

/** A function from a table shape to its `_base` and `_log` tables under one naming rule and partitioning. */
export function createDestinationTablesOf(options: LogLayoutOptions): (schema: TableSchema) => DestinationTables {
  const metadata = metadataColumnsOf(options.namingRule);
  const partitionKeys = partitionColumnsOf(options.namingRule, options.partitionKeys);
  return perSchema((schema) => {
    const { columns } = tablePlanOf(schema);
    return {
      base: { name: baseTableName(schema.table), shape: { columns, partitionKeys: [] } },
      log: { name: logTableName(schema.table), shape: { columns: [...metadata, ...columns], partitionKeys } },
    };
  });
}

/** The type text as a comment, cut (on a character boundary, marked with `...`) to MaxCompute's 1024 bytes. */
export function commentOf(typeText: string): string {
  if (Buffer.byteLength(typeText, 'utf8') <= MAX_COMMENT_BYTES) return typeText;
  let cut = '';
  let bytes = 0;
  for (const ch of typeText) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > MAX_COMMENT_BYTES - 3) break;
    cut += ch;
    bytes += size;
  }
  return `${cut}...`;
}
