/**
 * Before a run copies anything: the list of tables it covers, and the check DTS runs first: every
 * table has a key to chunk by (or the task opted in to a keyless scan). Filter conditions are
 * checked once, when the reader starts (filter-condition/validate-conditions.ts, with `checkFilterCondition`).
 */
import type { Task } from '../../task/index.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { FilterConditionError } from './errors.ts';
import { tableRef } from './key-sql.ts';
import { planTable, type PlanOptions } from './table-plan.ts';

/** `db.table` for every table the task selects (whole databases expand to their base tables now). */
export async function selectedTables(query: SqlQuery, objects: Task['objects']): Promise<string[]> {
  const names: string[] = [];
  for (const o of objects) {
    if (o.tables) {
      for (const t of o.tables) names.push(`${o.database}.${typeof t === 'string' ? t : t.name}`);
      continue;
    }
    const rows = await query<{ TABLE_NAME: string }>("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [o.database]);
    names.push(...rows.map((r) => `${o.database}.${r.TABLE_NAME}`));
  }
  return names;
}

export async function precheckTables(query: SqlQuery, tables: readonly string[], options: PlanOptions): Promise<void> {
  for (const name of tables) {
    const dot = name.indexOf('.');
    await planTable(query, name.slice(0, dot), name.slice(dot + 1), { ...options, workers: 1 });
  }
}

export async function checkFilterCondition(query: SqlQuery, database: string, table: string, condition: string): Promise<void> {
  try {
    await query(`EXPLAIN SELECT * FROM ${tableRef(database, table)} WHERE (${condition})`, []);
  } catch (err) {
    throw new FilterConditionError(`the filter condition of ${database}.${table} is not valid for that table: ${(err as Error).message} (objects[].tables[].filter: "${condition}")`, {
      database,
      table,
    });
  }
}
