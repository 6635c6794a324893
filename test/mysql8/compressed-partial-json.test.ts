/**
 * Both MySQL 8 binlog options at once: transactions compressed into TRANSACTION_PAYLOAD events whose
 * inner events include PARTIAL_UPDATE_ROWS, also for two tables in one transaction (each partial
 * update decoded with its own table's map from inside the payload). The records must equal those of
 * the same statements with both options off.
 */
import { describe, expect, it } from 'vitest';
import { consumeMessages, createTopic, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import { binlogEnd, binlogEvents, comparable, DEFAULTS, transactionsOn, useSettings } from './binlog-settings.ts';
import { JSON_TABLE, jsonUpdates } from './json-updates.ts';

const BOTH = { compression: true, partialJson: true };

describe('MySQL 8 compressed transactions with partial JSON updates', () => {
  const { db, conn } = useDatabase(
    'zpjson',
    ...['plain_j', 'both_j'].map((t) => `CREATE TABLE \${db}.${t} (${JSON_TABLE})`),
    ...['plain_k', 'both_k'].map((t) => `CREATE TABLE \${db}.${t} (id INT PRIMARY KEY, doc JSON, note VARCHAR(20))`),
  );

  /** One transaction over two tables, with partial updates of both, between whole-row changes. */
  async function twoTables(j: string, k: string): Promise<number> {
    const c = conn();
    await c.query(`INSERT INTO ${db}.${k} VALUES (1, '{"list": [1, 2], "name": "k1"}', 'n1'), (2, '{"x": {"y": "z"}}', 'n2')`);
    await c.query('BEGIN');
    await c.query(`UPDATE ${db}.${j} SET j = JSON_SET(j, '$.tx', 'in a transaction') WHERE id = 1`);
    await c.query(`UPDATE ${db}.${k} SET doc = JSON_SET(doc, '$.list[2]', 3), note = 'k-changed' WHERE id = 1`);
    await c.query(`INSERT INTO ${db}.${k} VALUES (3, '[]', NULL)`);
    await c.query(`UPDATE ${db}.${k} SET doc = JSON_REMOVE(doc, '$.x.y') WHERE id = 2`);
    await c.query(`UPDATE ${db}.${j} SET j = JSON_REPLACE(j, '$.tx', 'replaced') WHERE id = 1`);
    await c.query(`DELETE FROM ${db}.${k} WHERE id = 3`);
    await c.query('COMMIT');
    return 2 + 6;
  }

  it('gives the same records as with both options off', { timeout: 60_000 }, async () => {
    const topic = uniqueName('zpjson');
    await createTopic(topic);
    const task = startTask(taskFor({ database: db, topic, dir: await tempDir('zpjson') }));
    await task.ready;
    const c = conn();
    await useSettings(c, DEFAULTS);
    const perRun = (await jsonUpdates(c, `${db}.plain_j`)) + (await twoTables('plain_j', 'plain_k'));
    await useSettings(c, BOTH);
    const from = await binlogEnd(c);
    expect((await jsonUpdates(c, `${db}.both_j`)) + (await twoTables('both_j', 'both_k'))).toBe(perRun);
    await useSettings(c, DEFAULTS);

    const messages = await consumeMessages(topic, 2 * perRun);
    expect((await task.stop()).status).toBe('STOPPED');
    expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: 2 * perRun }, (_, i) => i + 1));
    const plain = messages.slice(0, perRun);
    const both = messages.slice(perRun);
    expect(both.map((m) => comparable(m, 'both_', 'plain_'))).toEqual(plain.map((m) => comparable(m, 'both_', 'plain_')));
    expect(both.slice(-6).map((m) => [m.json.table, m.json.type, (m.json.data as Record<string, string | null>[])[0]!.j ?? (m.json.data as Record<string, string | null>[])[0]!.doc])).toEqual([
      ['both_j', 'UPDATE', '{"a": 3.25, "s": "longer text than before", "tx": "in a transaction", "all": 1, "arr": [20, 3], "obj": {"deep": {"x": true, "y": [1, "two"]}}, "added": "new"}'],
      ['both_k', 'UPDATE', '{"list": [1, 2, 3], "name": "k1"}'],
      ['both_k', 'INSERT', '[]'],
      ['both_k', 'UPDATE', '{"x": {}}'],
      ['both_j', 'UPDATE', '{"a": 3.25, "s": "longer text than before", "tx": "replaced", "all": 1, "arr": [20, 3], "obj": {"deep": {"x": true, "y": [1, "two"]}}, "added": "new"}'],
      ['both_k', 'DELETE', '[]'],
    ]);

    // Every transaction was one payload, and the partial updates were inside them.
    const transactions = transactionsOn(await binlogEvents(c, from.file, from.position), db);
    expect(transactions.map((t) => t.events.filter((e) => !e.inner).map((e) => e.type))).toEqual(Array.from({ length: 1 + 13 + 1 + 1 }, () => ['Transaction_payload']));
    const events = transactions.flatMap((t) => t.events);
    // 11 one-row updates, 2 events for each multi-row one (the 70 KB row fills an event), 4 in the two-table transaction.
    expect(transactions.map((t) => t.events.filter((e) => e.inner && e.type === 'Update_rows_partial').length)).toEqual([0, ...Array(11).fill(1), 2, 2, 0, 4]);
    expect(events.filter((e) => e.type === 'Update_rows')).toHaveLength(0);
  });
});
