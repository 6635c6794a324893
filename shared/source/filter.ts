/** Which databases and tables a task synchronizes ("DbList" in DTS terms). */
import { isRowRecord, type ChangeRecord } from '../record/index.ts';
import type { Task } from '../task/index.ts';

export interface ObjectFilter {
  includesTable(database: string, table: string): boolean;
  includesDatabase(database: string): boolean;
  /** The zongji `includeSchema` shape: whole databases as `true`, else their table names. */
  readonly zongjiIncludeSchema: Record<string, string[] | true>;
}

const tableName = (t: string | { name: string }): string => (typeof t === 'string' ? t : t.name);

export function createObjectFilter(objects: Task['objects']): ObjectFilter {
  const byDb = new Map<string, Set<string> | true>();
  for (const o of objects) byDb.set(o.database, o.tables ? new Set(o.tables.map(tableName)) : true);
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

/**
 * DTS "operations to synchronize" per object: a predicate over records, or null when every object
 * takes every operation. Applied on delivery, not while reading, so record ids never depend on it.
 * Full-sync rows (INIT) always pass: they are the baseline, not an operation.
 */
export function createOperationFilter(objects: Task['objects']): ((record: ChangeRecord) => boolean) | null {
  const perTable = new Map<string, ReadonlySet<string>>();
  const perDatabase = new Map<string, ReadonlySet<string>>();
  for (const o of objects) {
    if (o.operations) perDatabase.set(o.database, new Set(o.operations));
    for (const t of o.tables ?? []) {
      const ops = typeof t === 'string' ? o.operations : (t.operations ?? o.operations);
      if (ops) perTable.set(`${o.database}.${tableName(t)}`, new Set(ops));
    }
  }
  if (perTable.size === 0 && perDatabase.size === 0) return null;
  return (record) => {
    if (record.op === 'INIT') return true;
    const database = isRowRecord(record) ? record.schema.database : record.database;
    const table = isRowRecord(record) ? record.schema.table : record.table;
    const allowed = perTable.get(`${database}.${table}`) ?? perDatabase.get(database);
    return allowed === undefined || allowed.has(record.op);
  };
}
