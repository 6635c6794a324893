/**
 * A configured filter condition with where it came from, and its compilation against a table's
 * shape into a row predicate, failing with a FilterConditionError that names the table, the
 * condition, the unsupported part and the task-file path (never a row value).
 */
import type { TableSchema } from '../../record/index.ts';
import type { Task } from '../../task/index.ts';
import { FilterConditionError } from '../snapshot/errors.ts';
import { compileCondition, type RowPredicate } from './compile-condition.ts';
import { UnsupportedConditionError } from './unsupported.ts';

export interface TableCondition {
  readonly database: string;
  readonly table: string;
  readonly condition: string;
  /** Where the task file sets it: `objects[0].tables[1].filter`. */
  readonly path: string;
}

/** The task's filter conditions (`objects[].tables[].filter`), keyed `db.table`, each with its path. */
export function tableConditionsOf(objects: Task['objects']): Map<string, TableCondition> {
  const out = new Map<string, TableCondition>();
  objects.forEach((o, i) =>
    (o.tables ?? []).forEach((t, j) => {
      if (typeof t === 'string' || t.filter === undefined) return;
      out.set(`${o.database}.${t.name}`, { database: o.database, table: t.name, condition: t.filter, path: `objects[${i}].tables[${j}].filter` });
    }),
  );
  return out;
}

/** `position`: where the stream met this shape of the table (absent when checked before the start). */
export function compileTableCondition(tableCondition: TableCondition, schema: TableSchema, position?: string): RowPredicate {
  try {
    return compileCondition(tableCondition.condition, schema);
  } catch (err) {
    if (err instanceof UnsupportedConditionError) throw filterConditionError(tableCondition, err, position);
    throw err;
  }
}

export function filterConditionError(tableCondition: TableCondition, err: UnsupportedConditionError, position?: string): FilterConditionError {
  const where = position ? ` at binlog position ${position}, with the columns the table has there` : '';
  const part = err.part ? ` at "${err.part}"` : '';
  return new FilterConditionError(
    `the filter condition of ${tableCondition.database}.${tableCondition.table} cannot be evaluated on the stream${where}: ${err.message}${part}; condition: "${tableCondition.condition}" (${tableCondition.path}). Supported: columns, quoted strings, numbers, NULL, = <> != < <= > >= <=>, AND OR XOR NOT, IN, BETWEEN, LIKE [ESCAPE], IS [NOT] NULL/TRUE/FALSE, + - * / DIV % MOD and parentheses`,
    { database: tableCondition.database, table: tableCondition.table, path: tableCondition.path, ...(position ? { position } : {}) },
  );
}
