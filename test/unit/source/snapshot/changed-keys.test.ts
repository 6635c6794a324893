/** The run's memory of changed keys: per table and key, forgotten per table, bounded. */
import { describe, expect, it } from 'vitest';
import { ChangedKeys } from '../../../../shared/source/snapshot/changed-keys.ts';

describe('ChangedKeys', () => {
  it('answers per table and only for the key it was recorded with', () => {
    const keys = new ChangedKeys();
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.b', ['id'], 'number:1');
    expect([...keys.of('s.a', ['id'])!]).toEqual(['number:1']);
    expect(keys.of('s.a', ['code'])).toBeUndefined();
    expect(keys.size).toBe(2);
    keys.forget('s.a');
    expect(keys.of('s.a', ['id'])).toBeUndefined();
    expect(keys.tables()).toEqual(['s.b']);
    expect(keys.size).toBe(1);
  });

  it("starts over for a table whose key changed (its old keys cannot match)", () => {
    const keys = new ChangedKeys();
    keys.add('s.a', ['id'], 'number:1');
    keys.add('s.a', ['id', 'region'], 'number:2\u0000string:cn');
    expect(keys.of('s.a', ['id'])).toBeUndefined();
    expect([...keys.of('s.a', ['id', 'region'])!]).toEqual(['number:2\u0000string:cn']);
    expect(keys.size).toBe(1);
  });

  it('stops remembering at the limit, says so once, and starts again after clear()', () => {
    const keys = new ChangedKeys(3);
    let full = 0;
    keys.onFull = () => full++;
    for (let i = 0; i < 5; i++) keys.add('s.a', ['id'], `number:${i}`);
    expect([...keys.of('s.a', ['id'])!]).toEqual(['number:0', 'number:1', 'number:2']);
    expect(full).toBe(1);
    keys.forget('s.a');
    keys.add('s.a', ['id'], 'number:9');
    expect(keys.size).toBe(1);
    keys.clear();
    for (let i = 0; i < 5; i++) keys.add('s.b', ['id'], `number:${i}`);
    expect(full).toBe(2);
  });
});
