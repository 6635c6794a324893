/**
 * What the task file alone shows to be wrong with its mapping, each with its path: two objects
 * delivered under one name (also after `objectNameCase`, and for MaxCompute, whose tables carry no
 * database and ignore case), column rules that contradict themselves or the table's filter
 * condition, and Kafka per-table settings naming no table the task delivers. What needs the
 * source's tables (key columns, columns that do not exist, whole-database entries) is the
 * precheck's (precheck/mapping.ts) and, for key columns, the delivery's (map-schema.ts).
 */
import type { Task } from '../task/index.ts';
import type { TaskIssue } from '../task/errors.ts';
import { filterColumns } from './filter-columns.ts';
import { withCase } from './object-case.ts';
import { columnRuleOf, createObjectNames, type ColumnRule, type ObjectNames } from './object-names.ts';

type TableEntry = Extract<NonNullable<Task['objects'][number]['tables']>[number], { name: string }>;

interface Delivered {
  readonly path: string;
  readonly source: string;
  readonly rule?: ColumnRule | null;
}

export function mappingIssues(task: Task): TaskIssue[] {
  const names = createObjectNames(task);
  const issues: TaskIssue[] = [];
  const caseNote = task.objectNameCase === 'source' ? '' : ` (objectNameCase: ${task.objectNameCase})`;
  const databases = new Map<string, Delivered & { whole: boolean }>();
  const tables = new Map<string, Delivered>();
  const maxComputeTables = new Map<string, Delivered>();
  const toMaxCompute = task.destinations.some((d) => d.type === 'maxcompute');

  task.objects.forEach((o, i) => {
    const database = names.database(o.database);
    const path = o.as === undefined ? `objects[${i}].database` : `objects[${i}].as`;
    const first = databases.get(database);
    if (first && (first.whole || o.tables === undefined)) {
      issues.push({
        path,
        message: `databases ${first.source} and ${o.database} are both delivered as database "${database}"${caseNote}, and one of them is selected whole, so their tables may collide; give one its own name with as, or list its tables`,
      });
    } else if (!first) {
      databases.set(database, { path, source: o.database, whole: o.tables === undefined });
    }
    (o.tables ?? []).forEach((t, j) => {
      const entry: TableEntry = typeof t === 'string' ? { name: t } : t;
      const tablePath = `objects[${i}].tables[${j}]`;
      const target = names.table(o.database, entry.name);
      const at = entry.as === undefined ? `${tablePath}.name` : `${tablePath}.as`;
      const rule = typeof t === 'string' ? null : columnRuleOf(t.columns, `${tablePath}.columns`);
      const here = { path: at, source: `${o.database}.${entry.name}`, rule };
      const clash = claim(tables, `${target.database}.${target.table}`, here);
      if (clash)
        issues.push({ path: at, message: `tables ${clash.source} and ${here.source} are both delivered as ${target.database}.${target.table}${caseNote}; give one of them its own name with as` });
      if (toMaxCompute && !clash) {
        const mcClash = claim(maxComputeTables, target.table.toLowerCase(), here);
        if (mcClash)
          issues.push({
            path: at,
            message: `tables ${mcClash.source} and ${here.source} would both be written to the MaxCompute tables ${target.table.toLowerCase()}_base and _log (MaxCompute names carry no database and ignore case); give one of them its own name with as`,
          });
      }
      if (rule) issues.push(...columnRuleIssues(rule, entry));
    });
  });
  task.destinations.forEach((d, k) => {
    if (d.type === 'kafka') d.mapping.forEach((m, n) => issues.push(...kafkaMappingIssues(m, `destinations[${k}].mapping[${n}]`, task, names, databases, tables)));
  });
  return issues;
}

function claim<T>(seen: Map<string, T>, key: string, value: T): T | undefined {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, value);
  return first;
}

function columnRuleIssues(rule: ColumnRule, table: TableEntry): TaskIssue[] {
  const issues: TaskIssue[] = [];
  const targets = new Map<string, string>();
  for (const [from, to] of rule.rename) {
    const path = `${rule.path}.rename.${from}`;
    if (rule.drop.has(from)) issues.push({ path, message: `renames column ${from}, which ${rule.path}.drop leaves out; remove one of the two` });
    if (rule.keep && !rule.keep.has(from)) issues.push({ path, message: `renames column ${from}, which ${rule.path}.keep does not list; add it to keep or remove the rename` });
    const other = claim(targets, to.toLowerCase(), from);
    if (other !== undefined) issues.push({ path, message: `columns ${other} and ${from} are both renamed to ${to}; give each its own name` });
    else if (rule.keep?.has(to.toLowerCase()) && !rule.rename.has(to.toLowerCase())) {
      issues.push({ path, message: `renames column ${from} to ${to}, the name of another kept column; choose another name, or rename that column too` });
    }
  }
  const used = table.filter === undefined ? null : filterColumns(table.filter);
  for (const column of used ?? []) {
    const how = rule.rename.has(column) ? ['rename', 'renames'] : rule.drop.has(column) ? ['drop', 'drops'] : rule.keep && !rule.keep.has(column) ? ['keep', 'does not keep'] : null;
    if (how) {
      issues.push({
        path: `${rule.path}.${how[0]}`,
        message: `${how[1]} column ${column}, which the filter condition uses (${rule.path.replace(/\.columns$/, '.filter')}); filter conditions name source columns and run before the mapping, so a filtered column must reach the destination under its own name: deliver it unrenamed, or filter on another column`,
      });
    }
  }
  return issues;
}

/** Kafka's per-table settings (topic, partitions, partitionKey) name the table and columns as delivered. */
function kafkaMappingIssues(
  m: { database: string; table: string; partitionKey?: string[] },
  path: string,
  task: Task,
  names: ObjectNames,
  databases: ReadonlyMap<string, { whole: boolean }>,
  tables: ReadonlyMap<string, Delivered>,
): TaskIssue[] {
  const key = `${m.database}.${m.table}`;
  const whole = databases.get(m.database)?.whole === true;
  if (whole && !tables.has(key) && withCase(m.table, task.objectNameCase) !== m.table) {
    return [
      {
        path: `${path}.table`,
        message: `${key} cannot be delivered: objectNameCase is ${task.objectNameCase}, so the tables of ${m.database} are delivered as ${withCase(m.table, task.objectNameCase)}; per-table settings name tables as delivered`,
      },
    ];
  }
  const delivered = tables.has(key) || whole;
  if (!delivered) {
    const target = task.objects.some((o) => o.database === m.database) ? names.table(m.database, m.table) : null;
    const hint =
      target && `${target.database}.${target.table}` !== key
        ? `; per-table settings name tables as delivered: this one is delivered as ${target.database}.${target.table}`
        : '; select it in objects, or correct the name';
    return [{ path: `${path}.table`, message: `${key} is not a table this task delivers${hint}` }];
  }
  const rule = tables.get(key)?.rule;
  if (!rule || !m.partitionKey) return [];
  const issues: TaskIssue[] = [];
  const destinationNames = new Set([...rule.rename.values()].map((n) => n.toLowerCase()));
  m.partitionKey.forEach((column, c) => {
    const lower = column.toLowerCase();
    if (destinationNames.has(lower)) return;
    const renamed = rule.rename.get(lower);
    const left = rule.drop.has(lower) || (rule.keep !== null && !rule.keep.has(lower));
    if (renamed !== undefined)
      issues.push({ path: `${path}.partitionKey[${c}]`, message: `column ${column} is delivered as ${renamed} (${rule.path}.rename); partitionKey names columns as delivered` });
    else if (left) issues.push({ path: `${path}.partitionKey[${c}]`, message: `column ${column} is not delivered (${rule.path}); a partition key must be a delivered column` });
  });
  return issues;
}
