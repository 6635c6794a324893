/**
 * The selected objects: every database and listed table exists, every table has a key to
 * identify rows by (or the finding says what happens without one, per syncTypes and
 * fullSync.keylessTables), and every filter condition is accepted (the reader's own validation).
 */
import type { Task } from '../task/index.ts';
import { DtsError } from '../errors.ts';
import { tableConditionsOf, validateConditions } from '../source/filter-condition/index.ts';
import { catalogSchema, type SqlQuery } from '../source/schema/table-schemas.ts';
import { fail, listing, pass, warn, type Finding } from './finding.ts';

export function existItem(missing: readonly string[]): Finding {
  if (missing.length === 0) return pass('objects.exist', 'every selected database and table exists');
  return fail(
    'objects.exist',
    listing(missing, (list) => `not on the source (or not visible to the user): ${list}`),
    'create them on the source, grant the user SELECT on them, or remove them from objects in the task file',
  );
}

export function keyItem(keyless: readonly string[], syncTypes: Task['syncTypes'], keylessTables: Task['fullSync']['keylessTables']): Finding {
  const id = 'objects.keys';
  if (keyless.length === 0) return pass(id, 'every selected table has a primary key or a unique key on NOT NULL columns');
  const addKey = 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>)';
  if (syncTypes.includes('full') && keylessTables === 'refuse') {
    return fail(
      id,
      listing(keyless, (names) => `${names} have no primary key and no unique key on NOT NULL columns, so they cannot be copied in chunks (fullSync.keylessTables: refuse)`),
      `${addKey}, or set fullSync.keylessTables: scan to copy them in one pass`,
    );
  }
  const full = syncTypes.includes('full') ? 'the full sync copies them in one pass (rows changed during it may arrive twice); ' : '';
  return warn(
    id,
    listing(
      keyless,
      (names) =>
        `${names} have no primary key and no unique key on NOT NULL columns: ${full}their changes carry no key, so destinations cannot tell rows apart and duplicates are possible (DTS requires a key)`,
    ),
    addKey,
  );
}

interface ObjectsDeps {
  readonly query: SqlQuery;
  readonly objects: Task['objects'];
  readonly syncTypes: Task['syncTypes'];
  readonly keylessTables: Task['fullSync']['keylessTables'];
}

export async function objectItems(deps: ObjectsDeps): Promise<Finding[]> {
  const { query } = deps;
  const missing: string[] = [];
  const keyless: string[] = [];
  for (const o of deps.objects) {
    const [db] = await query<{ n: string }>('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [o.database]);
    if (!db) {
      missing.push(o.database);
      continue;
    }
    const tables = o.tables
      ? o.tables.map((t) => (typeof t === 'string' ? t : t.name))
      : (await query<{ TABLE_NAME: string }>("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [o.database])).map(
          (r) => r.TABLE_NAME,
        );
    for (const table of tables) {
      const schema = await catalogSchema(query, o.database, table);
      if (schema.columns.length === 0) missing.push(`${o.database}.${table}`);
      else if (schema.pkNames.length === 0) keyless.push(`${o.database}.${table}`);
    }
  }
  return [existItem(missing), keyItem(keyless, deps.syncTypes, deps.keylessTables), ...(await filterItems(query, deps.objects))];
}

/** One finding for every filter condition together: the reader's validation, one filter at a time. */
async function filterItems(query: SqlQuery, objects: Task['objects']): Promise<Finding[]> {
  const conditions = tableConditionsOf(objects);
  if (conditions.size === 0) return [pass('objects.filters', 'no filter conditions')];
  const problems: string[] = [];
  for (const [name, tableCondition] of conditions) {
    try {
      await validateConditions(query, new Map([[name, tableCondition]]));
    } catch (err) {
      if (!(err instanceof DtsError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length === 0) return [pass('objects.filters', `${conditions.size} filter condition(s) accepted`)];
  return [
    fail(
      'objects.filters',
      listing(problems, (list) => list, 'problems'),
      "correct objects[].tables[].filter in the task file: a WHERE condition over the table's columns",
    ),
  ];
}
