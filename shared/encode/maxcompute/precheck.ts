/**
 * What must hold before a task writes the selected tables to MaxCompute, as findings (one per
 * problem, each naming table, column and the fix) rather than a first failure, so a user fixes
 * them all at once. The sink throws `MaxComputePrecheckError` with them. Checked here, without
 * the server:
 * - a source column named like a metadata or partition column of the naming rule (case-insensitive:
 *   MaxCompute names are); DTS fails the task on such a conflict, the fix is the other rule;
 * - a column type without a MaxCompute mapping;
 * - table and column names MaxCompute refuses, and too many columns for one table;
 * - two selected tables (of different databases, or differing only in case) with one destination name.
 * The server-side check (an existing table of another shape) is table-sql.ts `tableShapeMismatch`.
 */
import type { TableSchema } from '../../record/index.ts';
import { odpsTypeOf } from './column-mapping.ts';
import { reservedNamesOf, type LogLayoutOptions } from './naming-rule.ts';
import { baseTableName, isValidColumnName, isValidTableName, logTableName } from './table-names.ts';

export type MaxComputeFindingCode = 'COLUMN_NAME_CONFLICT' | 'UNSUPPORTED_COLUMN_TYPE' | 'INVALID_COLUMN_NAME' | 'TOO_MANY_COLUMNS' | 'INVALID_TABLE_NAME' | 'DESTINATION_NAME_COLLISION';

export interface MaxComputeFinding {
  readonly code: MaxComputeFindingCode;
  readonly database: string;
  readonly table: string;
  readonly column?: string;
  /** What is wrong, where, and what to do. */
  readonly message: string;
}

/** MaxCompute's column limit per table. */
export const MAX_COLUMNS = 1200;

const METADATA_COLUMNS = 5;

/** Every finding for the selected tables; empty when they can all be written. */
export function precheckMaxComputeTables(schemas: readonly TableSchema[], options: LogLayoutOptions): MaxComputeFinding[] {
  return [...destinationNameFindings(schemas), ...schemas.flatMap((schema) => [...columnFindings(schema), ...namingConflicts(schema, options)])];
}

/** Source columns whose names equal a metadata or partition column of `_log` under the task's naming rule. */
export function namingConflicts(schema: TableSchema, options: LogLayoutOptions): MaxComputeFinding[] {
  const reserved = reservedNamesOf(options);
  const other = options.namingRule === 'new' ? 'old' : 'new';
  return schema.columns
    .filter((c) => reserved.has(c.name.toLowerCase()))
    .map((c) => ({
      code: 'COLUMN_NAME_CONFLICT' as const,
      database: schema.database,
      table: schema.table,
      column: c.name,
      message:
        `column ${c.name} of ${schema.database}.${schema.table} has the name of a column that the "${options.namingRule}" naming rule adds to ` +
        `${logTableName(schema.table)}; set namingRule: ${other} on the destination (or rename the source column) and restart the task`,
    }));
}

/** Column types without a mapping, names MaxCompute refuses, and tables with too many columns. */
export function columnFindings(schema: TableSchema): MaxComputeFinding[] {
  const { database, table } = schema;
  const findings: MaxComputeFinding[] = [];
  for (const c of schema.columns) {
    if (odpsTypeOf(c) === undefined) {
      findings.push({
        code: 'UNSUPPORTED_COLUMN_TYPE',
        database,
        table,
        column: c.name,
        message: `column ${c.name} of ${database}.${table} has type ${c.type}, which the MaxCompute destination does not map; remove the table from the task's objects or change the column's type`,
      });
    }
    if (!isValidColumnName(c.name)) {
      findings.push({
        code: 'INVALID_COLUMN_NAME',
        database,
        table,
        column: c.name,
        message: `column "${c.name}" of ${database}.${table} is not a valid MaxCompute column name (letters, digits, _ and Chinese characters, at most 128 bytes); rename the column or remove the table from the task's objects`,
      });
    }
  }
  if (schema.columns.length + METADATA_COLUMNS > MAX_COLUMNS) {
    findings.push({
      code: 'TOO_MANY_COLUMNS',
      database,
      table,
      message: `${database}.${table} has ${schema.columns.length} columns; ${logTableName(table)} would have ${schema.columns.length + METADATA_COLUMNS}, above MaxCompute's ${MAX_COLUMNS} per table; remove the table from the task's objects`,
    });
  }
  return findings;
}

/** Source table names MaxCompute refuses, and selected tables that share a destination name. */
export function destinationNameFindings(tables: ReadonlyArray<{ readonly database: string; readonly table: string }>): MaxComputeFinding[] {
  const findings: MaxComputeFinding[] = [];
  const byName = new Map<string, { database: string; table: string }>();
  for (const { database, table } of tables) {
    const base = baseTableName(table);
    const log = logTableName(table);
    if (!isValidTableName(base) || !isValidTableName(log)) {
      findings.push({
        code: 'INVALID_TABLE_NAME',
        database,
        table,
        message: `table ${database}.${table} cannot be written to MaxCompute: ${base} is not a valid MaxCompute table name (letters, digits and _, at most 128 characters); rename the source table or remove it from the task's objects`,
      });
      continue;
    }
    const first = byName.get(base);
    if (first) {
      findings.push({
        code: 'DESTINATION_NAME_COLLISION',
        database,
        table,
        message: `tables ${first.database}.${first.table} and ${database}.${table} would both be written to ${base} and ${log} (MaxCompute names are case-insensitive and carry no database); give one of them its own name with objects[].tables[].as, or select only one of them in this task`,
      });
    } else {
      byName.set(base, { database, table });
    }
  }
  return findings;
}
