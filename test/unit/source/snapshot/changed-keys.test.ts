/** The run's memory of changed keys: per table and key, forgotten per table, bounded by forgetting the oldest. */
import { describe, expect, it } from 'vitest';
import { ChangedKeys } from '../../../../shared/source/snapshot/changed-keys.ts';

describe('ChangedKeys', () => {
  it('answers per table and only for the key it was recorded with', () => {
    const keys = new ChangedKeys();
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.b', ['id'], 'number:1');
    expect([keys.has('s.a', ['id'], 'number:1'), keys.has('s.a', ['id'], 'number:2'), keys.has('s.a', ['code'], 'number:1'), keys.has('s.c', ['id'], 'number:1')]).toEqual([true, false, false, false]);
    expect(keys.size).toBe(2);
    keys.forget('s.a');
    expect(keys.has('s.a', ['id'], 'number:1')).toBe(false);
    expect(keys.has('s.b', ['id'], 'number:1')).toBe(true);
    expect(keys.tables()).toEqual(['s.b']);
    expect(keys.size).toBe(1);
  });

  it('starts over for a table whose key changed (its old keys cannot match)', () => {
    const keys = new ChangedKeys();
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.a', ['id', 'region'], 'number:2\u0000string:cn');
    expect(keys.has('s.a', ['id'], 'number:1')).toBe(false);
    expect(keys.has('s.a', ['id', 'region'], 'number:2\u0000string:cn')).toBe(true);
    expect(keys.size).toBe(1);
  });

  it('past the limit forgets the oldest change first (a key changed again is recent), says so once a run', () => {
    const keys = new ChangedKeys(3);
    let full = 0;
    keys.onFull = () => full++;
    for (const k of ['1', '2', '3', '1', '4', '5']) keys.add('s.a', ['id'], `number:${k}`);
    expect(['1', '2', '3', '4', '5'].map((k) => keys.has('s.a', ['id'], `number:${k}`))).toEqual([true, false, false, true, true]);
    expect(keys.size).toBe(3);
    expect(full).toBe(1);
    keys.clear();
    expect(keys.size).toBe(0);
    for (let i = 0; i < 4; i++) keys.add('s.b', ['id'], `number:${i}`);
    expect(full).toBe(2);
  });
});
