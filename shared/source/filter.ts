/** Which databases and tables a task synchronizes ("DbList" in DTS terms). */
import type { Task } from '../task/index.ts';

export interface ObjectFilter {
  includesTable(database: string, table: string): boolean;
  includesDatabase(database: string): boolean;
  /** The zongji `includeSchema` shape: whole databases as `true`, else their table names. */
  readonly zongjiIncludeSchema: Record<string, string[] | true>;
}

export function createObjectFilter(objects: Task['objects']): ObjectFilter {
  const byDb = new Map<string, Set<string> | true>();
  for (const o of objects) byDb.set(o.database, o.tables ? new Set(o.tables) : true);
  const zongjiIncludeSchema: Record<string, string[] | true> = {};
  for (const [db, tables] of byDb) zongjiIncludeSchema[db] = tables === true ? true : [...tables];
  return {
    includesDatabase: (database) => byDb.has(database),
    includesTable(database, table) {
      const tables = byDb.get(database);
      return tables === true || (tables !== undefined && tables.has(table));
    },
    zongjiIncludeSchema,
  };
}
