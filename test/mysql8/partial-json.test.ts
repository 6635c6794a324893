/**
 * binlog_row_value_options=PARTIAL_JSON (MySQL 8.0.3+): every UPDATE of a table with a JSON column is
 * logged as PARTIAL_UPDATE_ROWS, and a JSON column changed by JSON_SET / JSON_REPLACE / JSON_REMOVE
 * carries only a diff. The reader must deliver what it delivers with the option off: the full after
 * document, every other column as an UPDATE_ROWS value, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { consumeMessages, createTopic, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import { binlogEnd, binlogEvents, comparable, DEFAULTS, transactionsOn, useSettings } from './binlog-settings.ts';
import { EXPECTED_AFTER, JSON_TABLE, jsonUpdates } from './json-updates.ts';

describe('MySQL 8 partial JSON updates', () => {
  const { db, conn } = useDatabase('pjson', `CREATE TABLE \${db}.plain_j (${JSON_TABLE})`, `CREATE TABLE \${db}.partial_j (${JSON_TABLE})`, 'CREATE TABLE ${db}.other_j (id INT PRIMARY KEY, j JSON)');

  it('gives the full after documents and the same records as full-image updates', { timeout: 60_000 }, async () => {
    const topic = uniqueName('pjson');
    await createTopic(topic);
    const task = startTask(taskFor({ database: db, tables: ['plain_j', 'partial_j'], topic, dir: await tempDir('pjson') }));
    await task.ready;
    const c = conn();
    await useSettings(c, DEFAULTS);
    const plainCount = await jsonUpdates(c, `${db}.plain_j`);
    await useSettings(c, { compression: false, partialJson: true });
    const from = await binlogEnd(c);
    // A table the task does not read: its partial updates are dropped unread, as its other rows are.
    await c.query(`INSERT INTO ${db}.other_j VALUES (1, '{"a": 1}')`);
    await c.query(`UPDATE ${db}.other_j SET j = JSON_SET(j, '$.a', 2)`);
    const partialCount = await jsonUpdates(c, `${db}.partial_j`);
    await useSettings(c, DEFAULTS);
    expect(partialCount).toBe(plainCount);

    const messages = await consumeMessages(topic, 2 * plainCount);
    expect((await task.stop()).status).toBe('STOPPED');
    expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: 2 * plainCount }, (_, i) => i + 1));
    const plain = messages.slice(0, plainCount);
    const partial = messages.slice(plainCount);
    expect(plain.every((m) => m.json.table === 'plain_j') && partial.every((m) => m.json.table === 'partial_j')).toBe(true);
    expect(partial.map((m) => comparable(m, 'partial_j', 'plain_j'))).toEqual(plain.map((m) => comparable(m, 'partial_j', 'plain_j')));

    // The option was in effect: every update was logged as a partial update: other_j's one, 11
    // one-row updates, and two events for each multi-row one (the 70 KB row fills an event).
    const events = transactionsOn(await binlogEvents(c, from.file, from.position), db).flatMap((t) => t.events);
    expect(events.filter((e) => e.type === 'Update_rows_partial')).toHaveLength(1 + 11 + 2 * 2);
    expect(events.filter((e) => e.type === 'Update_rows')).toHaveLength(0);

    const j = (i: number, image: 'data' | 'old' = 'data') => (partial[i]!.json[image] as Record<string, string | null>[]).map((r) => r.j);
    expect([4, 5, 6, 7].map((i) => j(i))).toEqual(EXPECTED_AFTER.first.map((d) => [d]));
    expect(j(4, 'old')).toEqual(['{"a": 1, "s": "text", "arr": [1, 2, 3], "obj": {"k": "v", "deep": {"x": true}}}']);
    expect(partial[8]!.json.data).toEqual([
      expect.objectContaining({ id: '1', n: '11', vc: 'changed', j: '{"a": 3.25, "s": "longer text than before", "arr": [20, 3], "obj": {"deep": {"x": true, "y": [1, "two"]}}, "added": "new"}' }),
    ]);
    expect(partial[9]!.json.data).toEqual([expect.objectContaining({ j2: '[1, {"b": "two"}, false]' })]);
    expect(j(10)).toEqual([
      '{"at": "2024-02-29 12:34:56.789000", "tm": "-12:00:01.000000", "big": 18446744073709551615, "day": "2024-02-29", "dec": 12.345, "neg": -42, "num": 1.5, "ü-key": "ünïcode ✓"}',
    ]);
    expect(j(11)).toEqual([
      '{"at": "2024-02-29 12:34:56.789000", "tm": "-12:00:01.000000", "big": 18446744073709551615, "day": "2024-02-29", "dec": 12.345, "neg": -9223372036854775808, "num": 1e300, "ü-key": "ändern"}',
    ]);
    expect(j(12)).toEqual([`{"n": 2, "big": "${'x'.repeat(70_000)}"}`]);
  });
});
