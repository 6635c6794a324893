/**
 * The names this module had before it was split: object-selection.ts (which tables are read) and
 * operation-filter.ts (which operations are delivered). Kept only for importers outside the source
 * stage (runtime/entries/deliver.ts, runtime/local/run-task.ts, two integration tests); new code
 * imports the two modules.
 */
export { createObjectSelection as createObjectFilter, type ObjectSelection as ObjectFilter } from './object-selection.ts';
export { createOperationFilter } from './operation-filter.ts';
