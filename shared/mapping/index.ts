/** mapping: source names → destination names (databases, tables, columns, their case) and the columns delivered, applied at delivery. */
export { columnsMappingSchema, destinationNameSchema, objectNameCaseSchema, type ColumnsMapping, type ObjectNameCase } from './config.ts';
export { createObjectNames, type ColumnRule, type MappingConfig, type ObjectNames, type TableTarget } from './object-names.ts';
export { mapTableSchema, type MappedSchema } from './map-schema.ts';
export { createRecordMapping, type RecordMapping } from './record-mapping.ts';
export { mappingIssues } from './check-config.ts';
export { MappingError } from './errors.ts';
