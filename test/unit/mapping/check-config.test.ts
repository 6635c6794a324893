/** Every bad mapping the task file alone shows, refused when the task is loaded, with its path. */
import { describe, expect, it } from 'vitest';
import { parseTask, TaskConfigError, type TaskFile } from '../../../shared/task/index.ts';

const kafka = { type: 'kafka', name: 'kafka', brokers: ['127.0.0.1:9092'], topic: 't' };
const maxcompute = { type: 'maxcompute', name: 'mc', endpoint: 'http://127.0.0.1:1/api', project: 'p', accessKeyId: 'ak', accessKeySecret: 'sk' };

function doc(objects: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'm', source: { host: 'h', serverId: 5 }, objects, destinations: [kafka], ...extra };
}

function issuesOf(d: Record<string, unknown>): { path: string; message: string }[] {
  try {
    parseTask(d as TaskFile, 'task.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(TaskConfigError);
    return [...(err as TaskConfigError).issues];
  }
  throw new Error('the task was accepted');
}

describe('mapping keys in the task file', () => {
  it('accepts renames, column rules and a case policy, and defaults the policy to the source case', () => {
    const task = parseTask(doc([{ database: 'shop', as: 'dw', tables: [{ name: 'orders', as: 'o2', columns: { drop: ['payload'], rename: { cust: 'customer' } } }, 'users'] }]) as TaskFile, 't');
    expect(task.objectNameCase).toBe('source');
    expect(task.objects[0]!.as).toBe('dw');
    expect(parseTask(doc([{ database: 'shop' }], { objectNameCase: 'upper' }) as TaskFile, 't').objectNameCase).toBe('upper');
  });

  it('refuses keep and drop together, an empty column rule and an unknown policy', () => {
    expect(issuesOf(doc([{ database: 'shop', tables: [{ name: 'o', columns: { keep: ['a'], drop: ['b'] } }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns.drop', message: 'keep and drop together: list either the columns to keep or the columns to drop' },
    ]);
    expect(issuesOf(doc([{ database: 'shop', tables: [{ name: 'o', columns: {} }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns', message: 'empty: set keep, drop or rename, or remove columns' },
    ]);
    expect(issuesOf(doc([{ database: 'shop' }], { objectNameCase: 'camel' }))[0]!.path).toBe('objectNameCase');
  });

  it('refuses two tables delivered under one name', () => {
    expect(issuesOf(doc([{ database: 'shop', tables: ['a', { name: 'b', as: 'a' }] }]))).toEqual([
      { path: 'objects[0].tables[1].as', message: 'tables shop.a and shop.b are both delivered as shop.a; give one of them its own name with as' },
    ]);
    // Two databases merged into one, their tables colliding.
    expect(
      issuesOf(
        doc([
          { database: 's1', as: 'dw', tables: ['orders'] },
          { database: 's2', as: 'dw', tables: ['orders', 'other'] },
        ]),
      ),
    ).toEqual([{ path: 'objects[1].tables[0].name', message: 'tables s1.orders and s2.orders are both delivered as dw.orders; give one of them its own name with as' }]);
  });

  it('refuses names that collide only after objectNameCase', () => {
    expect(issuesOf(doc([{ database: 'shop', tables: ['Orders', 'orders'] }], { objectNameCase: 'lower' }))).toEqual([
      { path: 'objects[0].tables[1].name', message: 'tables shop.Orders and shop.orders are both delivered as shop.orders (objectNameCase: lower); give one of them its own name with as' },
    ]);
    expect(issuesOf(doc([{ database: 'Shop' }, { database: 'SHOP' }], { objectNameCase: 'upper' }))).toEqual([
      {
        path: 'objects[1].database',
        message:
          'databases Shop and SHOP are both delivered as database "SHOP" (objectNameCase: upper), and one of them is selected whole, so their tables may collide; give one its own name with as, or list its tables',
      },
    ]);
  });

  it('refuses tables of different databases that MaxCompute would write to one table', () => {
    expect(
      issuesOf(
        doc(
          [
            { database: 'a', tables: ['Orders'] },
            { database: 'b', tables: [{ name: 'x', as: 'orders' }] },
          ],
          { destinations: [maxcompute] },
        ),
      ),
    ).toEqual([
      {
        path: 'objects[1].tables[0].as',
        message:
          'tables a.Orders and b.x would both be written to the MaxCompute tables orders_base and _log (MaxCompute names carry no database and ignore case); give one of them its own name with as',
      },
    ]);
    // Kafka has databases: the same tables are fine there.
    expect(() =>
      parseTask(
        doc([
          { database: 'a', tables: ['Orders'] },
          { database: 'b', tables: [{ name: 'x', as: 'orders' }] },
        ]) as TaskFile,
        't',
      ),
    ).not.toThrow();
  });

  it('refuses column rules that contradict themselves', () => {
    expect(issuesOf(doc([{ database: 's', tables: [{ name: 't', columns: { drop: ['a'], rename: { A: 'b' } } }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns.rename.a', message: 'renames column a, which objects[0].tables[0].columns.drop leaves out; remove one of the two' },
    ]);
    expect(issuesOf(doc([{ database: 's', tables: [{ name: 't', columns: { keep: ['id'], rename: { a: 'b' } } }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns.rename.a', message: 'renames column a, which objects[0].tables[0].columns.keep does not list; add it to keep or remove the rename' },
    ]);
    expect(issuesOf(doc([{ database: 's', tables: [{ name: 't', columns: { rename: { a: 'x', b: 'X' } } }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns.rename.b', message: 'columns a and b are both renamed to X; give each its own name' },
    ]);
    expect(issuesOf(doc([{ database: 's', tables: [{ name: 't', columns: { keep: ['id', 'a', 'b'], rename: { a: 'b' } } }] }]))).toEqual([
      { path: 'objects[0].tables[0].columns.rename.a', message: 'renames column a to b, the name of another kept column; choose another name, or rename that column too' },
    ]);
  });

  it.each([
    [{ rename: { Region: 'area' } }, 'rename', 'renames column region'],
    [{ drop: ['region'] }, 'drop', 'drops column region'],
    [{ keep: ['id'] }, 'keep', 'does not keep column region'],
  ])('refuses a mapping that takes away a column the filter uses (%o)', (columns, key, what) => {
    expect(issuesOf(doc([{ database: 's', tables: [{ name: 't', filter: "REGION = 'eu' AND id > 3", columns }] }]))).toEqual([
      {
        path: `objects[0].tables[0].columns.${key}`,
        message: `${what}, which the filter condition uses (objects[0].tables[0].filter); filter conditions name source columns and run before the mapping, so a filtered column must reach the destination under its own name: deliver it unrenamed, or filter on another column`,
      },
    ]);
  });

  it('refuses Kafka per-table settings for a table the task does not deliver, and says its delivered name', () => {
    const objects = [{ database: 'shop', as: 'dw', tables: [{ name: 'orders', columns: { drop: ['blob'], rename: { cust: 'customer' } } }] }];
    const withMapping = (mapping: unknown) => doc(objects, { destinations: [{ ...kafka, mapping }] });
    expect(issuesOf(withMapping([{ database: 'shop', table: 'orders', topic: 'x' }]))).toEqual([
      { path: 'destinations[0].mapping[0].table', message: 'shop.orders is not a table this task delivers; per-table settings name tables as delivered: this one is delivered as dw.orders' },
    ]);
    expect(issuesOf(withMapping([{ database: 'dw', table: 'users' }]))).toEqual([
      { path: 'destinations[0].mapping[0].table', message: 'dw.users is not a table this task delivers; select it in objects, or correct the name' },
    ]);
    expect(issuesOf(withMapping([{ database: 'dw', table: 'orders', partitionKey: ['customer', 'cust', 'blob'] }]))).toEqual([
      { path: 'destinations[0].mapping[0].partitionKey[1]', message: 'column cust is delivered as customer (objects[0].tables[0].columns.rename); partitionKey names columns as delivered' },
      { path: 'destinations[0].mapping[0].partitionKey[2]', message: 'column blob is not delivered (objects[0].tables[0].columns); a partition key must be a delivered column' },
    ]);
    // A whole-database entry takes any table of its destination database, in the delivered case.
    expect(issuesOf(doc([{ database: 'shop' }], { objectNameCase: 'upper', destinations: [{ ...kafka, mapping: [{ database: 'SHOP', table: 'orders', topic: 'x' }] }] }))).toEqual([
      {
        path: 'destinations[0].mapping[0].table',
        message: 'SHOP.orders cannot be delivered: objectNameCase is upper, so the tables of SHOP are delivered as ORDERS; per-table settings name tables as delivered',
      },
    ]);
    expect(() => parseTask(doc([{ database: 'shop', as: 'dw' }], { destinations: [{ ...kafka, mapping: [{ database: 'dw', table: 'anything', topic: 'x' }] }] }) as TaskFile, 't')).not.toThrow();
  });
});
