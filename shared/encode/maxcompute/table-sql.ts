/**
 * The SQL the sink runs for schema sync, and the check that an existing table has the shape this
 * task writes (specs/maxcompute.md §2.3: identifiers in backticks, string literals in ' with ' and
 * \ escaped by a backslash, as the SDKs quote them):
 *
 *   CREATE TABLE IF NOT EXISTS `t_log` (`c` TYPE COMMENT '…', …) PARTITIONED BY (`k` STRING, …);
 *   ALTER TABLE `t_log` ADD COLUMNS (`c` TYPE COMMENT '…', …);
 *
 * Shapes compare names and types case-insensitively (MaxCompute stores names in lower case and
 * the server may spell types either way), ignoring comments and whitespace inside types.
 */
import type { DestinationTable } from './table-layout.ts';
import type { OdpsColumn, OdpsTableShape } from './types.ts';

export function createTableSql(table: DestinationTable): string {
  const { columns, partitionKeys } = table.shape;
  const partitioned = partitionKeys.length > 0 ? ` PARTITIONED BY (${partitionKeys.map(columnSql).join(', ')})` : '';
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.name)} (${columns.map(columnSql).join(', ')})${partitioned};`;
}

export function addColumnsSql(table: string, columns: readonly OdpsColumn[]): string {
  return `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMNS (${columns.map(columnSql).join(', ')});`;
}

/**
 * null when `existing` has the `expected` shape; otherwise a message naming both shapes and the fix
 * (for the precheck "existing tables with another shape").
 */
export function tableShapeMismatch(table: string, existing: OdpsTableShape, expected: OdpsTableShape): string | null {
  if (sameColumns(existing.columns, expected.columns) && sameColumns(existing.partitionKeys, expected.partitionKeys)) return null;
  return (
    `MaxCompute table ${table} exists with another shape: it has ${describeShape(existing)}, ` +
    `but this task writes ${describeShape(expected)}; ` +
    'drop or rename the existing table (it may come from a task with another namingRule or partitionKeys), or write to another project, and restart the task'
  );
}

/**
 * The columns to add when `expected` is `existing` plus columns at the end (a source ADD COLUMN),
 * with the same partition keys; [] when the shapes are equal; null when no ADD COLUMNS can get there.
 */
export function columnsToAdd(existing: OdpsTableShape, expected: OdpsTableShape): readonly OdpsColumn[] | null {
  if (!sameColumns(existing.partitionKeys, expected.partitionKeys)) return null;
  if (existing.columns.length > expected.columns.length) return null;
  if (!sameColumns(existing.columns, expected.columns.slice(0, existing.columns.length))) return null;
  return expected.columns.slice(existing.columns.length);
}

/** `(`a` BIGINT, `b` STRING) PARTITIONED BY (`p` STRING)`, without comments. */
export function describeShape(shape: OdpsTableShape): string {
  const list = (cs: readonly OdpsColumn[]): string => cs.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  const partitioned = shape.partitionKeys.length > 0 ? ` PARTITIONED BY (${list(shape.partitionKeys)})` : '';
  return `(${list(shape.columns)})${partitioned}`;
}

function sameColumns(a: readonly OdpsColumn[], b: readonly OdpsColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name.toLowerCase() === b[i]!.name.toLowerCase() && normalType(c.type) === normalType(b[i]!.type));
}

function normalType(type: string): string {
  return type.replace(/\s+/g, '').toUpperCase();
}

function columnSql(column: OdpsColumn): string {
  const comment = column.comment ? ` COMMENT ${quoteString(column.comment)}` : '';
  return `${quoteIdentifier(column.name)} ${column.type}${comment}`;
}

/** `name` in backticks; a backtick inside is doubled (precheck.ts refuses such names before this runs). */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MaxCompute string literal: '…' with \, ' and line breaks escaped by a backslash. */
export function quoteString(text: string): string {
  return `'${text.replace(/[\\'\n\r]/g, (ch) => ESCAPES[ch]!)}'`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r' };
