/** The precheck's object-mapping item against the real source: what only the source's tables show. */
import { describe, expect, it } from 'vitest';
import { mappingItems } from '../../shared/precheck/mapping.ts';
import type { SqlQuery } from '../../shared/source/schema/table-schemas.ts';
import { parseTask, type TaskFile } from '../../shared/task/index.ts';
import { stack, useDatabase } from '../helpers/stack.ts';

const source = useDatabase(
  'mappre',
  'CREATE TABLE ${db}.orders (id INT PRIMARY KEY, cust INT, note VARCHAR(9))',
  'CREATE TABLE ${db}.Users (id INT, region CHAR(2), name VARCHAR(9), PRIMARY KEY (id, region))',
  'CREATE TABLE ${db}.users (id INT PRIMARY KEY)',
);

function task(objects: unknown, extra: Record<string, unknown> = {}) {
  return parseTask({ name: 'p', source: { host: 'h', serverId: 5 }, objects, destinations: [{ type: 'kafka', brokers: [stack.kafkaBroker], topic: 't' }], ...extra } as TaskFile, 'task.yaml');
}

describe('precheck: objects.mapping', () => {
  const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await source.conn().query(sql, params))[0] as T[];

  it('passes a mapping that fits the tables, and has no item without a mapping', async () => {
    const { db } = source;
    expect(await mappingItems(query, task([{ database: db, tables: ['orders'] }]))).toEqual([]);
    const ok = task([
      {
        database: db,
        as: 'dw',
        tables: [
          { name: 'orders', columns: { drop: ['NOTE'], rename: { cust: 'customer' } } },
          { name: 'Users', as: 'people', columns: { keep: ['id', 'region'] } },
        ],
      },
    ]);
    expect(await mappingItems(query, ok)).toEqual([{ id: 'objects.mapping', status: 'pass', message: "the object mapping fits the source's tables (2 delivered)" }]);
  });

  it('fails unknown columns, a key column left out, two columns under one name and tables a whole-database entry makes collide', async () => {
    const { db } = source;
    const bad = task([
      {
        database: db,
        tables: [
          { name: 'orders', columns: { drop: ['nope'], rename: { cust: 'note' } } },
          { name: 'Users', columns: { keep: ['id', 'name'] } },
        ],
      },
    ]);
    const [finding] = await mappingItems(query, bad);
    expect(finding!.status).toBe('fail');
    expect(finding!.message).toBe(
      [
        `objects[0].tables[0].columns names columns ${db}.orders does not have: nope`,
        `${db}.orders would deliver two columns named note (objects[0].tables[0].columns)`,
        `column region of ${db}.Users is part of its key (id, region) and is not in objects[0].tables[1].columns.keep: destinations identify rows by the key, so every key column must be delivered; keep it (it may be renamed) and restart the task`,
      ].join('; '),
    );
    const [whole] = await mappingItems(query, task([{ database: db }], { objectNameCase: 'lower' }));
    expect([whole!.status, whole!.message]).toEqual(['fail', `${db}.Users and ${db}.users would both be delivered as ${db}.users`]);
    expect(whole!.fix).toContain('objectNameCase');
  });
});
