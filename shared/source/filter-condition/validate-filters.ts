/**
 * Before the reader starts: every configured filter must be accepted by the source (EXPLAIN, the
 * same check the full sync runs) and by the stream's evaluator against the table's current
 * columns, so a bad condition fails the task at once, not at the first matching row hours later.
 * A table that does not exist yet is checked for syntax only; its columns are checked when the
 * stream first meets it.
 */
import { catalogSchema, type SqlQuery } from '../schema/table-schemas.ts';
import { FilterConditionError } from '../snapshot/errors.ts';
import { checkFilter } from '../snapshot/table-precheck.ts';
import { parseCondition } from './parse-condition.ts';
import { compileTableFilter, filterConditionError, type TableFilter } from './table-filter.ts';
import { UnsupportedConditionError } from './unsupported.ts';

export async function validateFilters(query: SqlQuery, filters: ReadonlyMap<string, TableFilter>): Promise<void> {
  for (const filter of filters.values()) {
    const schema = await catalogSchema(query, filter.database, filter.table);
    if (schema.columns.length === 0) {
      checkSyntax(filter);
      continue;
    }
    await checkFilter(query, filter.database, filter.table, filter.condition).catch((err: unknown) => {
      if (!(err instanceof FilterConditionError)) throw err;
      throw new FilterConditionError(`${err.message}; set at ${filter.path}`, { ...err.context, path: filter.path });
    });
    compileTableFilter(filter, schema);
  }
}

function checkSyntax(filter: TableFilter): void {
  try {
    parseCondition(filter.condition);
  } catch (err) {
    if (!(err instanceof UnsupportedConditionError)) throw err;
    throw filterConditionError(filter, err);
  }
}
