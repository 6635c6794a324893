/** MaxCompute encoder: the DTS `_base`/`_log` layout, MySQL → MaxCompute 2.0 types, rows as tunnel values, and schema-sync SQL. */
export { createMaxComputeLayout, type MaxComputeLayout, type MaxComputeRows } from './maxcompute-layout.ts';
export { createDestinationTablesOf, tablePlanOf, commentOf, type DestinationTable, type DestinationTables, type TablePlan } from './table-layout.ts';
export { columnMappingOf, odpsTypeOf, type CellConverter, type CellValue, type ColumnMapping } from './column-mapping.ts';
export { metadataColumnsOf, partitionColumnsOf, reservedNamesOf, sortedLevels, PARTITION_LEVELS, type LogLayoutOptions, type NamingRule, type PartitionLevel } from './naming-rule.ts';
export { createPartitionSpecOf } from './partition-spec.ts';
export { baseTableName, logTableName, isValidTableName, isValidColumnName } from './table-names.ts';
export { precheckMaxComputeTables, namingConflicts, columnFindings, destinationNameFindings, MAX_COLUMNS, type MaxComputeFinding, type MaxComputeFindingCode } from './precheck.ts';
export { createTableSql, addColumnsSql, tableShapeMismatch, columnsToAdd, describeShape, quoteIdentifier, quoteString } from './table-sql.ts';
export { MAX_CELL_BYTES, type RejectedCell } from './rejected-cell.ts';
export { epochDayOf, epochDaysOfDate, epochMillisOf, timestampOf } from './temporal.ts';
export { UnsupportedColumnTypeError, MaxComputePrecheckError } from './errors.ts';
export { createRecordStreamWriter, OdpsValueError, type RecordStreamWriter, type RecordStreamOptions } from './record-stream.ts';
export { readRecordStream, RecordStreamFormatError, type RecordStreamContent } from './record-stream-reader.ts';
export type * from './types.ts';
