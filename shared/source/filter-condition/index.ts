export { compileCondition, type RowPredicate } from './compile-condition.ts';
export { filterImages, type Image, type ImageRun, type RowOp } from './filter-images.ts';
export { StreamFilters } from './stream-filters.ts';
export { compileTableFilter, tableFiltersOf, type TableFilter } from './table-filter.ts';
export { validateFilters } from './validate-filters.ts';
