/**
 * The two ways a table's shape stops the MaxCompute destination. Both are final (a retry meets the
 * same tables), both name the tables, columns and types, never a row value.
 */
import type { DdlRecord, TableSchema } from '../../record/index.ts';
import { formatRecordPosition } from '../../record/index.ts';
import { ErrorCodes } from '../../errors.ts';
import { SinkWriteError } from '../errors.ts';

/** Precheck: a destination table exists with another shape (DTS "Precheck and Report Errors" on conflicting tables). */
export class TableShapeError extends SinkWriteError {
  constructor(schema: TableSchema, table: string, mismatch: string, sink: string) {
    super(
      `precheck of ${schema.database}.${schema.table} for MaxCompute destination "${sink}": ${mismatch}`,
      { sink, database: schema.database, table: schema.table, destinationTable: table },
      undefined,
      false,
      ErrorCodes.MAXCOMPUTE_TABLE_SHAPE,
    );
  }
}

/** A source DDL changed a table in a way other than appending columns: DTS follows only ADD COLUMN into MaxCompute. */
export class UnsupportedSchemaChangeError extends SinkWriteError {
  constructor(schema: TableSchema, before: string, after: string, ddl: DdlRecord | null, rowPosition: string, sink: string) {
    const statement = ddl ? `the last DDL on it was \`${oneLine(ddl.sql)}\` at ${formatRecordPosition(ddl.source, ddl.seq)}` : 'no DDL on it was read since the destination started (it ran before)';
    super(
      `the columns of ${schema.database}.${schema.table} changed from ${before} to ${after}, which MaxCompute destination "${sink}" cannot follow ` +
        `(only ADD COLUMN at the end of a table is synchronized to MaxCompute); ${statement}; the first row in the new shape is at ${rowPosition}. ` +
        'Undo the change on the source, or start the destination over (a new destination name and a full sync) into tables of the new shape',
      { sink, database: schema.database, table: schema.table, position: ddl ? formatRecordPosition(ddl.source, ddl.seq) : rowPosition },
      undefined,
      false,
      ErrorCodes.MAXCOMPUTE_SCHEMA_CHANGE,
    );
  }
}

/** A statement as one line, cut to a length a log line can carry. */
function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
