export { compileCondition, type RowPredicate } from './compile-condition.ts';
export { filterImages, type Image, type ImageRun, type RowOp } from './filter-images.ts';
export { StreamConditions } from './stream-conditions.ts';
export { compileTableCondition, tableConditionsOf, type TableCondition } from './table-condition.ts';
export { validateConditions } from './validate-conditions.ts';
