/**
 * Which databases and tables a task reads ("DbList" in DTS terms): the binlog stream drops events
 * of every other table. Not to be confused with a table's filter condition (filter-condition/:
 * which rows) or the operation filter (operation-filter.ts: which operations are delivered).
 */
import type { Task } from '../task/index.ts';

export interface ObjectSelection {
  includesTable(database: string, table: string): boolean;
  includesDatabase(database: string): boolean;
  /** Each selected database: `true` when whole, else its selected table names. */
  readonly tablesByDatabase: ReadonlyMap<string, ReadonlySet<string> | true>;
}

const tableName = (t: string | { name: string }): string => (typeof t === 'string' ? t : t.name);

export function createObjectSelection(objects: Task['objects']): ObjectSelection {
  const byDb = new Map<string, Set<string> | true>();
  for (const o of objects) byDb.set(o.database, o.tables ? new Set(o.tables.map(tableName)) : true);
  return {
    includesDatabase: (database) => byDb.has(database),
    includesTable(database, table) {
      const tables = byDb.get(database);
      return tables === true || (tables !== undefined && tables.has(table));
    },
    tablesByDatabase: byDb,
  };
}
