/**
 * The task's object list as predicates: which databases and tables are read
 * (`createObjectSelection`), and which operations of each reach the destinations
 * (`createOperationFilter`): a table's own list overrides its database entry's list, full-sync
 * rows (INIT) always pass, and no lists at all means no filter (null).
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord, DdlKind, Op } from '../../../shared/record/index.ts';
import { createObjectSelection } from '../../../shared/source/object-selection.ts';
import { createOperationFilter } from '../../../shared/source/operation-filter.ts';
import { parseTask, type TaskFile } from '../../../shared/task/index.ts';
import type { TaskConfigError } from '../../../shared/task/errors.ts';
import { column, ddl, row, table } from '../encode/canal-json/build.ts';

/** The objects as the task file loader leaves them (defaults applied, secrets unresolved). */
function objects(list: TaskFile['objects']) {
  return taskWith(list).objects;
}

function taskWith(list: TaskFile['objects'], ddlSelection?: TaskFile['ddl']) {
  return parseTask(
    {
      name: 'filter',
      source: { host: '127.0.0.1', serverId: 1 },
      objects: list,
      destinations: [{ type: 'kafka', brokers: ['127.0.0.1:9092'], topic: 't' }],
      ...(ddlSelection ? { ddl: ddlSelection } : {}),
    },
    'filter-test',
  );
}

function record(op: Op, database: string, tableName: string, kind: DdlKind = 'ALTER_TABLE'): ChangeRecord {
  if (op === 'DDL') return ddl(kind, `${kind.replace('_', ' ')} ${tableName}`, { database, table: tableName });
  const schema = table([column('id', 'int(11)', { key: true })], { database, table: tableName });
  return row(op, schema, op === 'DELETE' ? { before: [1] } : op === 'UPDATE' ? { before: [1], after: [1] } : { after: [1] });
}

const ALL_OPS: Op[] = ['INSERT', 'UPDATE', 'DELETE', 'DDL', 'INIT'];

describe('createObjectSelection', () => {
  const filter = createObjectSelection(objects([{ database: 'whole' }, { database: 'some', tables: ['a', { name: 'b', operations: ['DELETE'] }, { name: 'c' }] }]));

  it.each<[string, string, boolean]>([
    ['whole', 'anything', true],
    ['whole', 'created_later', true],
    ['some', 'a', true],
    ['some', 'b', true],
    ['some', 'c', true],
    ['some', 'd', false],
    ['some', 'A', false],
    ['other', 'a', false],
    ['wholesale', 'a', false],
  ])('includesTable(%s, %s) = %s', (database, name, expected) => {
    expect(filter.includesTable(database, name)).toBe(expected);
  });

  it('includesDatabase names exactly the listed databases', () => {
    expect(['whole', 'some', 'other', 'Whole', ''].map((d) => filter.includesDatabase(d))).toEqual([true, true, false, false, false]);
  });

  it("lists whole databases as true and listed tables by name (an entry's operations do not matter)", () => {
    expect([...filter.tablesByDatabase].map(([db, tables]) => [db, tables === true ? true : [...tables]])).toEqual([
      ['whole', true],
      ['some', ['a', 'b', 'c']],
    ]);
  });
});

describe('createOperationFilter', () => {
  it('is null when no entry lists operations, with or without table lists', () => {
    expect(createOperationFilter(objects([{ database: 'x' }]))).toBeNull();
    expect(createOperationFilter(objects([{ database: 'x', tables: ['a', { name: 'b' }] }, { database: 'y' }]))).toBeNull();
  });

  const filter = createOperationFilter(
    objects([
      // A database list for every table without its own; b and c override it, d inherits it.
      { database: 'shop', operations: ['INSERT', 'UPDATE'], tables: ['a', { name: 'b', operations: ['DELETE', 'DDL'] }, { name: 'c', operations: ['INSERT'] }, { name: 'd' }] },
      // Only a database list, every table of the database.
      { database: 'logs', operations: ['INSERT'] },
      // Only a table list: the other tables of the database take everything.
      { database: 'crm', tables: [{ name: 'leads', operations: ['UPDATE'] }, 'accounts'] },
      // No list at all.
      { database: 'free' },
    ]),
  )!;

  const cases: [database: string, table: string, allowed: Op[]][] = [
    ['shop', 'a', ['INSERT', 'UPDATE', 'INIT']],
    ['shop', 'b', ['DELETE', 'DDL', 'INIT']],
    ['shop', 'c', ['INSERT', 'INIT']],
    ['shop', 'd', ['INSERT', 'UPDATE', 'INIT']],
    ['shop', '', ['INSERT', 'UPDATE', 'INIT']], // database-level DDL follows the database list: out
    ['logs', 'anything', ['INSERT', 'INIT']],
    ['logs', '', ['INSERT', 'INIT']],
    ['shop', 'e', ['INSERT', 'UPDATE', 'INIT']], // not listed (not read either): the database list
    ['crm', 'leads', ['UPDATE', 'INIT']],
    ['crm', 'accounts', ALL_OPS],
    ['crm', '', ALL_OPS],
    ['free', 'x', ALL_OPS],
    ['unlisted', 'x', ALL_OPS],
  ];

  it.each(cases)('%s.%s passes %j', (database, name, allowed) => {
    expect(filter).not.toBeNull();
    // Table '' is a database-level statement: only DDL exists there.
    const ops = name === '' ? (['DDL'] as Op[]) : ALL_OPS;
    const passing = ops.filter((op) => filter(record(op, database, name)));
    expect(passing).toEqual(ops.filter((op) => allowed.includes(op)));
  });

  it('lets full-sync rows (INIT) through whatever the lists say', () => {
    const onlyDdl = createOperationFilter(objects([{ database: 'x', operations: ['DDL'], tables: [{ name: 't', operations: ['DELETE'] }] }]))!;
    expect(onlyDdl(record('INIT', 'x', 't'))).toBe(true);
    expect(onlyDdl(record('INSERT', 'x', 't'))).toBe(false);
    expect(onlyDdl(record('DDL', 'x', 't'))).toBe(false);
    expect(onlyDdl(record('DELETE', 'x', 't'))).toBe(true);
  });

  it('keys tables by database and table: the same table name in another database has its own list', () => {
    const f = createOperationFilter(
      objects([
        { database: 'a', tables: [{ name: 't', operations: ['INSERT'] }] },
        { database: 'b', tables: ['t'] },
      ]),
    )!;
    expect(f(record('DELETE', 'a', 't'))).toBe(false);
    expect(f(record('DELETE', 'b', 't'))).toBe(true);
    expect(f(record('INSERT', 'a', 't'))).toBe(true);
  });
});

describe('createOperationFilter with DDL selection', () => {
  const kinds: DdlKind[] = ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_TABLE', 'TRUNCATE_TABLE', 'CREATE_VIEW', 'CREATE_DATABASE', 'OTHER'];
  const task = taskWith(
    [
      // The database entry narrows the task's list; t1 takes its own; t2 inherits the entry's.
      { database: 'shop', ddl: { deliver: ['CREATE TABLE', 'ALTER TABLE'] }, tables: [{ name: 't1', ddl: { deliver: 'none' } }, { name: 't2' }, 't3'] },
      // No ddl key: the task's list; and a table that takes every kind again.
      { database: 'crm', tables: ['a', { name: 'b', ddl: { deliver: 'all' } }] },
      // Operations without DDL: no DDL whatever the kind list says.
      { database: 'logs', operations: ['INSERT'], ddl: { deliver: 'all' } },
    ],
    { deliver: ['create_table', 'DROP TABLE', 'CREATE_DATABASE'] },
  );
  const filter = createOperationFilter(task.objects, task.ddl)!;

  it.each<[database: string, table: string, delivered: DdlKind[]]>([
    ['shop', 't1', []],
    ['shop', 't2', ['CREATE_TABLE', 'ALTER_TABLE']],
    ['shop', 't3', ['CREATE_TABLE', 'ALTER_TABLE']],
    ['shop', '', ['CREATE_TABLE', 'ALTER_TABLE']],
    ['crm', 'a', ['CREATE_TABLE', 'DROP_TABLE', 'CREATE_DATABASE']],
    ['crm', 'b', kinds],
    ['logs', 'x', []],
    ['elsewhere', '', ['CREATE_TABLE', 'DROP_TABLE', 'CREATE_DATABASE']],
  ])('%s.%s delivers %j', (database, name, delivered) => {
    expect(kinds.filter((k) => filter(record('DDL', database, name, k)))).toEqual(delivered);
  });

  it('never touches rows: a DDL list says nothing about INSERT, UPDATE, DELETE or INIT', () => {
    const none = createOperationFilter(objects([{ database: 'x' }]), { deliver: 'none' })!;
    expect(ALL_OPS.filter((op) => none(record(op, 'x', 't')))).toEqual(['INSERT', 'UPDATE', 'DELETE', 'INIT']);
  });

  it('is null when every list is "all" and no operations are listed (the default)', () => {
    expect(createOperationFilter(objects([{ database: 'x', ddl: { deliver: 'all' } }]), { deliver: 'all' })).toBeNull();
  });
});

describe('the ddl key in the task file', () => {
  it('reads DTS spellings and record names alike', () => {
    expect(taskWith([{ database: 'x' }], { deliver: ['CREATE TABLE', 'alter  table', 'DROP_INDEX'] }).ddl).toEqual({ deliver: ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_INDEX'] });
  });

  it.each<[string, unknown, string]>([
    [
      'objects[0].tables[0].ddl.deliver[1]',
      { objects: [{ database: 'x', tables: [{ name: 't', ddl: { deliver: ['CREATE TABLE', 'ALTER COLUMN'] } }] }] },
      'unknown DDL kind "ALTER COLUMN"; valid kinds: CREATE TABLE, ALTER TABLE, DROP TABLE, RENAME TABLE, TRUNCATE TABLE, CREATE VIEW,',
    ],
    ['ddl.deliver', { ddl: { deliver: [] } }, 'list at least one DDL kind, or write none'],
    ['ddl.deliver', { ddl: { deliver: 'some' } }, 'expected all, none, or a list of DDL kinds (CREATE TABLE, ALTER TABLE,'],
    ['objects[0].ddl', { objects: [{ database: 'x', ddl: { kinds: ['CREATE TABLE'] } }] }, 'unknown key "kinds"'],
  ])('rejects a bad value at %s', (path, patch, message) => {
    const doc = { name: 'bad', source: { host: 'h', serverId: 1 }, objects: [{ database: 'x' }], destinations: [{ type: 'kafka', brokers: ['b:1'], topic: 't' }], ...(patch as object) };
    expect.assertions(2);
    try {
      parseTask(doc, 'task.yaml');
    } catch (err) {
      // A table entry is a name or an object, so zod may add the union's own issue beside ours.
      const issue = (err as TaskConfigError).issues.find((i) => i.path === path);
      expect(issue?.path).toBe(path);
      expect(issue?.message).toContain(message);
    }
  });
});
