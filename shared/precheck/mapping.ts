/**
 * The object mapping against the source's tables, before the task starts (what the task file
 * alone cannot show; mapping/check-config.ts has the rest): every column a column rule names
 * exists, no key column is left out, no two delivered columns of a table share a name, and no two
 * tables (whole-database entries included) are delivered under one name, also after
 * objectNameCase, and for MaxCompute, whose tables carry no database and ignore case.
 */
import { DtsError } from '../errors.ts';
import { createObjectNames, mapTableSchema } from '../mapping/index.ts';
import { catalogSchema, type SqlQuery } from '../source/schema/table-schemas.ts';
import type { Task } from '../task/index.ts';
import { fail, listing, listNames, pass, type Finding } from './finding.ts';

const ID = 'objects.mapping';

export async function mappingItems(query: SqlQuery, task: Task): Promise<Finding[]> {
  const names = createObjectNames(task);
  // No mapping, no item: nothing to check, and the report stays as it was.
  if (names.identity) return [];
  const problems: string[] = [];
  const delivered = new Map<string, string>();
  const maxCompute = new Map<string, string>();
  const toMaxCompute = task.destinations.some((d) => d.type === 'maxcompute');
  for (const o of task.objects) {
    const tables = o.tables
      ? o.tables.map((t) => (typeof t === 'string' ? t : t.name))
      : // Binary order: names differing only in case (lower_case_table_names=0) come in one order on every server.
        (
          await query<{ TABLE_NAME: string }>("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY CAST(TABLE_NAME AS BINARY)", [o.database])
        ).map((r) => r.TABLE_NAME);
    for (const table of tables) {
      const source = `${o.database}.${table}`;
      const schema = await catalogSchema(query, o.database, table);
      if (schema.columns.length === 0) continue; // objects.exist reports it
      let mapped: ReturnType<typeof mapTableSchema>;
      try {
        mapped = mapTableSchema(schema, names);
      } catch (err) {
        if (!(err instanceof DtsError)) throw err;
        problems.push(err.message);
        continue;
      }
      const rule = names.table(o.database, table).columns;
      if (mapped.unknownColumns.length > 0) problems.push(`${rule!.path} names columns ${source} does not have: ${listNames(mapped.unknownColumns)}`);
      const seen = new Set<string>();
      for (const c of mapped.schema.columns) {
        if (seen.has(c.name.toLowerCase())) problems.push(`${source} would deliver two columns named ${c.name} (${rule?.path ?? 'objectNameCase'})`);
        seen.add(c.name.toLowerCase());
      }
      const name = `${mapped.schema.database}.${mapped.schema.table}`;
      const other = delivered.get(name);
      if (other) problems.push(`${other} and ${source} would both be delivered as ${name}`);
      else delivered.set(name, source);
      const flat = mapped.schema.table.toLowerCase();
      const mcOther = toMaxCompute && !other ? maxCompute.get(flat) : undefined;
      if (mcOther) problems.push(`${mcOther} and ${source} would both be written to the MaxCompute tables ${flat}_base and _log`);
      else maxCompute.set(flat, source);
    }
  }
  if (problems.length === 0) return [pass(ID, `the object mapping fits the source's tables (${delivered.size} delivered)`)];
  return [
    fail(
      ID,
      listing(problems, (list) => list, 'problems'),
      'correct objects[].as, objects[].tables[].as and objects[].tables[].columns (source column names; keep every key column), or objectNameCase',
    ),
  ];
}
