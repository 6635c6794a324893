/**
 * The task's mapping rules compiled for lookups: the destination database and table of a source
 * table, and its column rule. Tables match their source names exactly (as the object filter does);
 * columns case-insensitively (MySQL column names are).
 */
import type { Task } from '../task/index.ts';
import type { ColumnsMapping, ObjectNameCase } from './config.ts';
import { withCase } from './object-case.ts';

export type MappingConfig = Pick<Task, 'objects' | 'objectNameCase'>;

export interface ColumnRule {
  /** Lower-case source names of the only columns delivered; null: every column not dropped. */
  readonly keep: ReadonlySet<string> | null;
  /** Lower-case source names of the columns never delivered. */
  readonly drop: ReadonlySet<string>;
  /** Lower-case source name → destination name, as written. */
  readonly rename: ReadonlyMap<string, string>;
  /** Where the task file sets it: `objects[0].tables[1].columns`. */
  readonly path: string;
}

export interface TableTarget {
  readonly database: string;
  readonly table: string;
  readonly columns: ColumnRule | null;
}

export interface ObjectNames {
  readonly policy: ObjectNameCase;
  /** True when every destination name equals its source name and every column is delivered. */
  readonly identity: boolean;
  database(source: string): string;
  table(database: string, table: string): TableTarget;
  /** A column's destination name when no `rename` names it. */
  column(source: string): string;
}

export function columnRuleOf(columns: ColumnsMapping | undefined, path: string): ColumnRule | null {
  if (!columns) return null;
  const lower = (names: readonly string[] | undefined) => new Set((names ?? []).map((n) => n.toLowerCase()));
  return {
    keep: columns.keep ? lower(columns.keep) : null,
    drop: lower(columns.drop),
    rename: new Map(Object.entries(columns.rename ?? {}).map(([from, to]) => [from.toLowerCase(), to])),
    path,
  };
}

export function createObjectNames(config: MappingConfig): ObjectNames {
  const policy = config.objectNameCase;
  const databases = new Map<string, string>();
  const tables = new Map<string, TableTarget>();
  let identity = policy === 'source';
  config.objects.forEach((o, i) => {
    const database = o.as ?? withCase(o.database, policy);
    if (o.as !== undefined && o.as !== o.database) identity = false;
    databases.set(o.database, database);
    (o.tables ?? []).forEach((t, j) => {
      if (typeof t === 'string') return;
      const columns = columnRuleOf(t.columns, `objects[${i}].tables[${j}].columns`);
      if (columns || (t.as !== undefined && t.as !== t.name)) identity = false;
      tables.set(`${o.database}.${t.name}`, { database, table: t.as ?? withCase(t.name, policy), columns });
    });
  });
  return {
    policy,
    identity,
    database: (source) => databases.get(source) ?? withCase(source, policy),
    table(database, table) {
      return tables.get(`${database}.${table}`) ?? { database: this.database(database), table: withCase(table, policy), columns: null };
    },
    column: (source) => withCase(source, policy),
  };
}
