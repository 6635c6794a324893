export { compileCondition, type RowPredicate } from './compile-condition.ts';
export { filterImages, type Image, type ImageRun, type RowOp } from './filter-images.ts';
export { StreamConditions } from './stream-conditions.ts';
export { compileTableCondition, tableConditionsOf, type TableCondition } from './table-condition.ts';
export { validateConditions } from './validate-conditions.ts';
/** The older name, kept for runtime/compose.ts (outside the source stage) until it imports `tableConditionsOf`. */
export { tableConditionsOf as tableFiltersOf } from './table-condition.ts';
