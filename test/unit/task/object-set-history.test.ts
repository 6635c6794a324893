/** The object-set history: positions ordered across binlog files, the set in effect at a position, one entry per signal. */
import { describe, expect, it } from 'vitest';
import { comparePoints, objectNames, objectSetAt, objectsKey, withObjectSetChange, type ObjectSetChange, type TaskObject } from '../../../shared/task/index.ts';

const change = (file: string, position: number, signalId: string | null, tables: string[]): ObjectSetChange => ({
  objects: [{ database: 'shop', tables }],
  from: { file, position },
  signalId,
  at: '2026-12-03T00:00:00.000Z',
  added: [],
  removed: [],
});

describe('object-set history', () => {
  it('orders positions by file number, then offset', () => {
    // A comparator: its sign is the contract.
    const signs = [
      comparePoints({ file: 'bin.000002', position: 4 }, { file: 'bin.000001', position: 900 }),
      comparePoints({ file: 'bin.000001', position: 4 }, { file: 'bin.000001', position: 900 }),
      comparePoints({ file: 'bin.999999', position: 4 }, { file: 'bin.1000000', position: 4 }),
      comparePoints({ file: 'bin.000001', position: 7 }, { file: 'bin.000001', position: 7 }),
    ].map(Math.sign);
    expect(signs).toEqual([1, -1, -1, 0]);
  });

  const history = [change('bin.000001', 100, null, ['a']), change('bin.000001', 500, '7', ['a', 'c']), change('bin.000002', 4, '9', ['b'])];

  it.each<[string, number, string[] | null]>([
    ['bin.000001', 50, null],
    ['bin.000001', 100, ['a']],
    ['bin.000001', 499, ['a']],
    ['bin.000001', 500, ['a', 'c']],
    ['bin.000001', 90_000, ['a', 'c']],
    ['bin.000002', 4, ['b']],
    ['bin.000003', 4, ['b']],
  ])('at %s:%d the set is %j', (file, position, tables) => {
    const found = objectSetAt(history, { file, position });
    expect(found ? (found.objects[0]!.tables as string[]) : null).toEqual(tables);
  });

  it('records a re-read signal once, keeps binlog order, and starts a state when there is none', () => {
    let state = withObjectSetChange(history[2]!)(null);
    state = withObjectSetChange(history[0]!)(state);
    state = withObjectSetChange(history[1]!)(state);
    state = withObjectSetChange({ ...history[1]!, at: '2026-12-03T01:00:00.000Z' })(state);
    expect(state.status).toBe('RUNNING');
    expect(state.objectSets!.map((c) => [c.signalId, c.at])).toEqual([
      [null, '2026-12-03T00:00:00.000Z'],
      ['7', '2026-12-03T01:00:00.000Z'],
      ['9', '2026-12-03T00:00:00.000Z'],
    ]);
  });

  it('keys equal sets equally whatever the key order, and names whole databases db.*', () => {
    const one: TaskObject[] = [{ database: 'shop', tables: [{ name: 't', filter: 'x > 1', operations: ['INSERT'] }] }, { database: 'crm' }];
    const two = JSON.parse('[{"tables":[{"operations":["INSERT"],"filter":"x > 1","name":"t"}],"database":"shop"},{"database":"crm"}]') as TaskObject[];
    expect(objectsKey(one)).toBe(objectsKey(two));
    expect(objectsKey(one)).not.toBe(objectsKey([{ database: 'shop', tables: ['t'] }, { database: 'crm' }]));
    expect(objectNames(one)).toEqual(['shop.t', 'crm.*']);
  });
});
