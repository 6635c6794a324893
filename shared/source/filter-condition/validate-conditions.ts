/**
 * Before the reader starts: every configured filter must be accepted by the source (EXPLAIN, the
 * same check the full sync runs) and by the stream's evaluator against the table's current
 * columns, so a bad condition fails the task at once, not at the first matching row hours later.
 * A table that does not exist yet is checked for syntax only; its columns are checked when the
 * stream first meets it.
 */
import { catalogSchema, type SqlQuery } from '../schema/table-schemas.ts';
import { FilterConditionError } from '../snapshot/errors.ts';
import { checkFilterCondition } from '../snapshot/table-precheck.ts';
import { parseCondition } from './parse-condition.ts';
import { compileTableCondition, filterConditionError, type TableCondition } from './table-condition.ts';
import { UnsupportedConditionError } from './unsupported.ts';

export async function validateConditions(query: SqlQuery, conditions: ReadonlyMap<string, TableCondition>): Promise<void> {
  for (const tableCondition of conditions.values()) {
    const schema = await catalogSchema(query, tableCondition.database, tableCondition.table);
    if (schema.columns.length === 0) {
      checkSyntax(tableCondition);
      continue;
    }
    await checkFilterCondition(query, tableCondition.database, tableCondition.table, tableCondition.condition).catch((err: unknown) => {
      if (!(err instanceof FilterConditionError)) throw err;
      throw new FilterConditionError(`${err.message}; set at ${tableCondition.path}`, { ...err.context, path: tableCondition.path });
    });
    compileTableCondition(tableCondition, schema);
  }
}

function checkSyntax(tableCondition: TableCondition): void {
  try {
    parseCondition(tableCondition.condition);
  } catch (err) {
    if (!(err instanceof UnsupportedConditionError)) throw err;
    throw filterConditionError(tableCondition, err);
  }
}
