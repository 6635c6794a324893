/**
 * A row record → the MaxCompute rows DTS writes for it (specs/maxcompute.md §7):
 *
 * | op     | table    | rows (metadata: record_id, operation_flag, utc_timestamp, before_flag, after_flag) |
 * |--------|----------|-------------------------------------------------------------------------------------|
 * | INIT   | `_base`  | the row                                                                             |
 * | INSERT | `_log`   | (id, I, ts, N, Y) + after                                                           |
 * | UPDATE | `_log`   | (id, U, ts, Y, N) + before, then (id, U, ts, N, Y) + after                          |
 * | DELETE | `_log`   | (id, D, ts, Y, N) + before                                                          |
 *
 * record_id is the record's task-wide increasing `id` (both rows of an UPDATE share it);
 * utc_timestamp is the binlog time in epoch seconds, floor(timestampMs / 1000); the partition is
 * the same instant's UTC year … minute (partition-spec.ts). Pure: the time comes from the record.
 *
 * One values array per row, metadata and cells converted in one pass with the converters built
 * once per table shape. A cell MaxCompute would refuse (over 8 MiB, BIGINT -2^63) makes the
 * record come back with no rows and `rejected` set: the sink decides (rejected-cell.ts).
 */
import { InvariantError } from '../../errors.ts';
import type { Row, RowRecord, TableSchema, Value } from '../../record/index.ts';
import type { CellConverter } from './column-mapping.ts';
import type { LogLayoutOptions } from './naming-rule.ts';
import { createPartitionSpecOf } from './partition-spec.ts';
import { CellRejection, type RejectedCell } from './rejected-cell.ts';
import { createDestinationTablesOf, tablePlanOf, type DestinationTables } from './table-layout.ts';
import type { OdpsColumn, OdpsPartitionSpec, OdpsValue } from './types.ts';

/** What one record becomes: rows for one table and one partition (an UPDATE's two rows share both). */
export interface MaxComputeRows {
  /** The destination table: `<table>_base` for INIT, `<table>_log` for changes. */
  readonly table: string;
  /** That table's data columns (the same array as `tablesOf(schema)` gives, for identity checks). */
  readonly columns: readonly OdpsColumn[];
  /** Empty for `_base` (and for `_log` without partition levels). */
  readonly partition: OdpsPartitionSpec;
  /** Values aligned with `columns`; one row, or two for an UPDATE; none when `rejected`. */
  readonly rows: readonly OdpsValue[][];
  readonly rejected: RejectedCell | null;
}

export interface MaxComputeLayout {
  readonly options: LogLayoutOptions;
  /** The `_base` and `_log` tables of a table shape (memoised per `TableSchema` object). */
  tablesOf(schema: TableSchema): DestinationTables;
  rowsOf(record: RowRecord): MaxComputeRows;
}

const METADATA_COUNT = 5;
const NO_PARTITION: OdpsPartitionSpec = Object.freeze([]);

export function createMaxComputeLayout(options: LogLayoutOptions): MaxComputeLayout {
  const tablesOf = createDestinationTablesOf(options);
  const partitionOf = createPartitionSpecOf(options);

  function rowsOf(record: RowRecord): MaxComputeRows {
    const { schema } = record;
    const tables = tablesOf(schema);
    const { converters } = tablePlanOf(schema);
    try {
      if (record.op === 'INIT') {
        const row = baseRow(converters, imageOf(record, record.after));
        return { table: tables.base.name, columns: tables.base.shape.columns, partition: NO_PARTITION, rows: [row], rejected: null };
      }
      const id = record.id;
      const seconds = Math.floor(record.source.timestampMs / 1000);
      let rows: OdpsValue[][];
      switch (record.op) {
        case 'INSERT':
          rows = [logRow(converters, imageOf(record, record.after), id, 'I', seconds, 'N', 'Y')];
          break;
        case 'UPDATE':
          rows = [logRow(converters, imageOf(record, record.before), id, 'U', seconds, 'Y', 'N'), logRow(converters, imageOf(record, record.after), id, 'U', seconds, 'N', 'Y')];
          break;
        case 'DELETE':
          rows = [logRow(converters, imageOf(record, record.before), id, 'D', seconds, 'Y', 'N')];
          break;
      }
      return { table: tables.log.name, columns: tables.log.shape.columns, partition: partitionOf(record.source.timestampMs), rows, rejected: null };
    } catch (err) {
      if (!(err instanceof CellRejection)) throw err;
      const table = record.op === 'INIT' ? tables.base : tables.log;
      return { table: table.name, columns: table.shape.columns, partition: NO_PARTITION, rows: [], rejected: err.cell };
    }
  }

  return { options, tablesOf, rowsOf };
}

function imageOf(record: RowRecord, image: Row | null): Row {
  if (image === null || image.length !== record.schema.columns.length) {
    throw new InvariantError(`${record.op} record ${record.id} of ${record.schema.database}.${record.schema.table} lacks the row image it needs (or its length differs from the table's columns)`);
  }
  return image;
}

function baseRow(converters: readonly CellConverter[], image: Row): OdpsValue[] {
  const n = converters.length;
  const values: OdpsValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = image[i] as Value;
    values[i] = v === null ? null : converters[i]!(v);
  }
  return values;
}

function logRow(converters: readonly CellConverter[], image: Row, id: number, flag: string, seconds: number, before: string, after: string): OdpsValue[] {
  const n = converters.length;
  const values: OdpsValue[] = new Array(METADATA_COUNT + n);
  values[0] = id;
  values[1] = flag;
  values[2] = seconds;
  values[3] = before;
  values[4] = after;
  for (let i = 0; i < n; i++) {
    const v = image[i] as Value;
    values[METADATA_COUNT + i] = v === null ? null : converters[i]!(v);
  }
  return values;
}
