/** The operation filter: which records reach the destinations, by operation and DDL kind. */
import { isDdlRecord, isRowRecord, type ChangeRecord, type DdlKind } from '../record/index.ts';
import type { DdlSelection } from '../task/ddl-selection.ts';
import type { Task } from '../task/index.ts';

/**
 * DTS "operations to synchronize" and "DDL to synchronize" per object: a predicate over records,
 * or null when every object takes every operation and every DDL kind. Applied on delivery, not
 * while reading, so record ids never depend on it. A table's list overrides its database entry's,
 * which overrides the task's. Full-sync rows (INIT) always pass: they are the baseline, not an operation.
 */
export function createOperationFilter(objects: Task['objects'], taskDdl?: DdlSelection): ((record: ChangeRecord) => boolean) | null {
  const perTable = new Map<string, ObjectRule>();
  const perDatabase = new Map<string, ObjectRule>();
  const taskKinds = kindsOf(taskDdl, 'all');
  for (const o of objects) {
    const dbRule: ObjectRule = { ops: o.operations ? new Set(o.operations) : undefined, kinds: kindsOf(o.ddl, taskKinds) };
    perDatabase.set(o.database, dbRule);
    for (const t of o.tables ?? []) {
      if (typeof t === 'string') continue;
      perTable.set(`${o.database}.${t.name}`, { ops: t.operations ? new Set(t.operations) : dbRule.ops, kinds: kindsOf(t.ddl, dbRule.kinds) });
    }
  }
  const rules = [...perTable.values(), ...perDatabase.values()];
  if (taskKinds === 'all' && rules.every((r) => r.ops === undefined && r.kinds === 'all')) return null;
  return (record) => {
    if (record.op === 'INIT') return true;
    const database = isRowRecord(record) ? record.schema.database : record.database;
    const table = isRowRecord(record) ? record.schema.table : record.table;
    // DDL of an unselected name (CREATE DATABASE, a view of a whole-database entry) follows the task's list.
    const rule = perTable.get(`${database}.${table}`) ?? perDatabase.get(database) ?? { ops: undefined, kinds: taskKinds };
    if (rule.ops !== undefined && !rule.ops.has(record.op)) return false;
    return !isDdlRecord(record) || rule.kinds === 'all' || rule.kinds.has(record.kind);
  };
}

interface ObjectRule {
  /** Operations delivered; undefined: all. */
  readonly ops: ReadonlySet<string> | undefined;
  readonly kinds: DdlKinds;
}

type DdlKinds = ReadonlySet<DdlKind> | 'all';

/** The kinds a `ddl` key names, or `inherited` when the key is absent. */
function kindsOf(selection: DdlSelection | undefined, inherited: DdlKinds): DdlKinds {
  if (selection === undefined) return inherited;
  if (selection.deliver === 'all') return 'all';
  return new Set(selection.deliver === 'none' ? [] : selection.deliver);
}
