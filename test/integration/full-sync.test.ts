/**
 * Full data sync beside the binlog, end to end into Kafka: while random inserts, updates and
 * deletes run, a chunked snapshot copies the table; when both are done, the last image per key
 * read back from Kafka equals the source table row for row. Then key shapes (composite, string,
 * sparse, empty) with a full-only task that ends COMPLETED with exactly the source's rows.
 */
import { describe, expect, it } from 'vitest';
import { messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { InvalidEventError } from '../../shared/runtime/fc/handler.ts';
import { sendFullSyncRequest } from '../../shared/runtime/full-sync-request.ts';
import { consumeMessages, sourceConnection, startTask, taskFor, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';
import { consumeUntilEqual, replayCanal, sourceTableState, stateChecksum } from '../helpers/table-state.ts';

const ROWS = 6000;
const source = useDatabase(
  'fullsync',
  'CREATE TABLE ${db}.t (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DECIMAL(12,2), d DATETIME(3))',
  'CREATE TABLE ${db}.pairs (region CHAR(2) NOT NULL, seq INT NOT NULL, v VARCHAR(10), PRIMARY KEY (region, seq))',
  'CREATE TABLE ${db}.words (word VARCHAR(30) PRIMARY KEY, n INT)',
  'CREATE TABLE ${db}.sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)',
  'CREATE TABLE ${db}.empty_one (id INT PRIMARY KEY, v INT)',
  'CREATE TABLE ${db}.altered (id INT PRIMARY KEY, v VARCHAR(20))',
  'CREATE TABLE ${db}.again (id INT PRIMARY KEY, v VARCHAR(20))',
  'CREATE TABLE ${db}.keyless (a INT, b VARCHAR(20))',
);

function randomRow(id: number): string {
  const r = Math.random();
  return `(${id}, 'v${Math.floor(r * 1e9)}', ${Math.floor(r * 2 ** 40)}, ${(r * 1e6).toFixed(2)}, '2026-01-0${1 + (id % 9)} 10:00:00.${String(id % 1000).padStart(3, '0')}')`;
}

describe('full data sync', () => {
  it('ends equal to the source while inserts, updates and deletes run during the snapshot', { timeout: 180_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    for (let i = 0; i < ROWS; i += 1000) {
      await conn.query(`INSERT INTO ${db}.t VALUES ${Array.from({ length: 1000 }, (_, j) => randomRow(i + j + 1)).join(',')}`);
    }
    const topic = uniqueName('fullsync');
    const task = startTask(
      taskFor(
        { database: db, tables: ['t'], topic, dir: await tempDir('fullsync') },
        {
          source: sourceWithOwnServerId(),
          syncTypes: ['full', 'incremental'],
          // Small chunks, two workers and a rows/s limit: the copy takes a few seconds, so the writes below overlap it.
          fullSync: { chunkRows: 200, workers: 2, throttle: { rowsPerSecond: 2500 } },
        },
      ),
    );
    await task.ready;
    // Random changes while the copy runs: keys in and beyond the initial range, so chunks see inserts, updates and deletes.
    const until = Date.now() + 3000;
    let changes = 0;
    const writers = Array.from({ length: 3 }, async () => {
      while (Date.now() < until) {
        const id = 1 + Math.floor(Math.random() * ROWS * 1.2);
        const pick = Math.random();
        if (pick < 0.4) await conn.query(`UPDATE ${db}.t SET a = CONCAT(a, 'u'), b = b + 1 WHERE id = ${id}`);
        else if (pick < 0.7) await conn.query(`DELETE FROM ${db}.t WHERE id = ${id}`);
        else await conn.query(`REPLACE INTO ${db}.t VALUES ${randomRow(id)}`);
        changes++;
      }
    });
    await Promise.all(writers);
    const shape = { table: 't', key: ['id'], columns: ['id', 'a', 'b', 'c', 'd'] };
    const expected = await sourceTableState(conn, db, shape);
    const { seen, messages } = await consumeUntilEqual(topic, shape, expected, 120_000, `${changes} changes`);
    expect(changes).toBeGreaterThan(100);
    expect(stateChecksum(seen)).toBe(stateChecksum(expected));
    // Each row exactly once: Canal JSON writes copied rows as INSERT, and an INSERT can follow only
    // a DELETE of its key (a re-insert); after an INSERT or UPDATE it would be a copy of a row the
    // stream already delivered.
    const last = new Map<string, string>();
    const repeated: string[] = [];
    for (const m of messages) {
      const j = m.json as { type: string; data: Record<string, string>[] | null };
      for (const row of j.data ?? []) {
        const before = last.get(row.id!);
        if (j.type === 'INSERT' && before !== undefined && before !== 'DELETE') repeated.push(`${row.id} ${before}→INSERT`);
        last.set(row.id!, j.type);
      }
    }
    expect(repeated.slice(0, 5)).toEqual([]);
    expect((await task.stop()).status).toBe('STOPPED');
  });

  it('copies composite, string, sparse and empty tables and ends COMPLETED when the task is full sync only', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.pairs VALUES ${Array.from({ length: 900 }, (_, i) => `('${['cn', 'us', 'de'][i % 3]}', ${Math.floor(i / 3)}, 'p${i}')`).join(',')}`);
    await conn.query(`INSERT INTO ${db}.words VALUES ${Array.from({ length: 700 }, (_, i) => `('w${String(i * 7919).padStart(8, 'x')}', ${i})`).join(',')}`);
    await conn.query(`INSERT INTO ${db}.sparse VALUES ${Array.from({ length: 500 }, (_, i) => `(${BigInt(i) * 36028797018963968n + BigInt(i % 7)}, ${i})`).join(',')}`);
    const topic = uniqueName('fullonly');
    const task = startTask(
      taskFor(
        { database: db, tables: ['pairs', 'words', 'sparse', 'empty_one'], topic, dir: await tempDir('fullonly') },
        { source: sourceWithOwnServerId(), syncTypes: ['full'], fullSync: { chunkRows: 64, workers: 3 } },
      ),
    );
    const outcome = await task.outcome;
    expect(outcome.status).toBe('COMPLETED');
    const messages = await consumeMessages(topic, 2100, 60_000);
    // Exactly the rows, each once: no gaps at range cuts, no repeats.
    expect(messages).toHaveLength(2100);
    const tables = [
      { table: 'pairs', key: ['region', 'seq'], columns: ['region', 'seq', 'v'] },
      { table: 'words', key: ['word'], columns: ['word', 'n'] },
      { table: 'sparse', key: ['id'], columns: ['id', 'v'] },
    ];
    for (const t of tables) {
      const fromKafka = replayCanal(messages, t);
      const count = messages.filter((m) => (m.json as { table: string }).table === t.table).length;
      expect(count, t.table).toBe(fromKafka.size);
      expect(stateChecksum(fromKafka), t.table).toBe(stateChecksum(await sourceTableState(conn, db, t)));
    }
    expect(messages.filter((m) => (m.json as { table: string }).table === 'empty_one')).toHaveLength(0);
    // Within each range rows arrive in key order; ids increase in the order Kafka has them.
    const ids = messages.map((m) => (m.json as { id: number }).id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('keeps every row after an ADD COLUMN in the new shape when the table is altered during the copy', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.altered VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(',')}`);
    const topic = uniqueName('altered');
    const task = startTask(
      taskFor(
        { database: db, tables: ['altered'], topic, dir: await tempDir('altered') },
        // The copy takes about 3 s: the lock below comes while it runs.
        { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], fullSync: { chunkRows: 100, workers: 2, throttle: { rowsPerSecond: 1000 } } },
      ),
    );
    await task.ready;
    // The copy is under way once its first rows are in Kafka.
    await waitForTopics([topic], 30_000);
    await waitFor(async () => (await messageCount(topic)) >= 100, 30_000, 'the first copied rows in Kafka');
    // The ALTER lands while a chunk is pending: LOCK TABLES holds the next chunk's SELECT, whose
    // snapshot started before the ALTER; the ALTER and an UPDATE pass through the stream while it
    // waits. An instant ADD COLUMN lets that SELECT read the old shape without an error.
    const locker = await sourceConnection();
    try {
      await locker.query(`LOCK TABLES ${db}.altered WRITE`);
      await waitFor(
        async () => {
          const [held] = await conn.query(
            `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE 'SELECT%${db}%altered%' AND STATE LIKE '%metadata lock%'`,
          );
          return Number((held as { n: number | string }[])[0]!.n) > 0;
        },
        30_000,
        'a chunk SELECT waiting for the table lock',
      );
      await locker.query(`ALTER TABLE ${db}.altered ADD COLUMN extra INT NOT NULL DEFAULT 7`);
      await locker.query(`UPDATE ${db}.altered SET v = 'changed' WHERE id IN (1, 1500, 2999)`);
      await consumeMessages(topic, (ms) => ms.filter((m) => m.json.type === 'UPDATE').length === 3, 60_000);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => {});
      await locker.end();
    }
    const shape = { table: 'altered', key: ['id'], columns: ['id', 'v'] };
    const expected = await sourceTableState(conn, db, shape);
    const { messages } = await consumeUntilEqual(topic, shape, expected, 60_000);
    await task.stop();
    const ddlAt = messages.findIndex((m) => m.json.isDdl === true);
    expect(ddlAt, 'the ALTER came after copied rows').toBeGreaterThanOrEqual(100);
    // The held chunk (100 rows) and the UPDATEs at least come after it.
    expect(ddlAt, 'the ALTER came during the copy').toBeLessThan(messages.length - 103);
    const rows = (from: number, to: number) =>
      messages
        .slice(from, to)
        .filter((m) => !m.json.isDdl)
        .map((m) => (m.json.data as Record<string, string>[])[0]!);
    // Before the DDL every row has the old shape; after it, the new one (copied rows included).
    expect(rows(0, ddlAt).every((r) => !('extra' in r))).toBe(true);
    const after = rows(ddlAt + 1, messages.length);
    expect(after.filter((r) => r.extra !== '7').map((r) => r.id)).toEqual([]);
    // Every row copied once (a chunk pending across the ALTER is read again, not placed twice);
    // a key the UPDATE changed while its chunk was pending arrives through the UPDATE alone.
    const copied = messages.filter((m) => m.json.type === 'INSERT').map((m) => Number((m.json.data as Record<string, string>[])[0]!.id));
    expect(new Set(copied).size).toBe(copied.length);
    const updated = messages.filter((m) => m.json.type === 'UPDATE').map((m) => Number((m.json.data as Record<string, string>[])[0]!.id));
    expect(updated.sort((a, b) => a - b)).toEqual([1, 1500, 2999]);
    expect([...new Set([...copied, ...updated])].sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  it('re-copies the named tables on request while streaming, without delivering the request itself', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.again VALUES ${Array.from({ length: 500 }, (_, i) => `(${i + 1}, 'old${i + 1}')`).join(',')}`);
    const topic = uniqueName('again');
    const task = taskFor({ database: db, tables: ['again'], topic, dir: await tempDir('again') }, { source: sourceWithOwnServerId(), syncTypes: ['incremental'] });
    const running = startTask(task);
    await running.ready;
    await conn.query(`INSERT INTO ${db}.again VALUES (1000, 'streamed')`);
    await expect(sendFullSyncRequest(task, 'test', [`${db}.not_selected`])).rejects.toThrow(InvalidEventError);
    const request = await sendFullSyncRequest(task, 'test', [`${db}.again`]);
    expect(request.signalTable).toBe('dts.dts_signal');
    const messages = await consumeMessages(topic, 502, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    await running.stop();
    expect(messages[0]!.json).toMatchObject({ type: 'INSERT', data: [{ id: '1000', v: 'streamed' }] });
    const shape = { table: 'again', key: ['id'], columns: ['id', 'v'] };
    expect(stateChecksum(replayCanal(messages, shape))).toBe(stateChecksum(await sourceTableState(conn, db, shape)));
    expect(messages.every((m) => m.json.table === 'again')).toBe(true);
  });

  it('refuses a table without a key before copying, and copies it in one pass when the task opts in', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.keyless VALUES ${Array.from({ length: 1000 }, (_, i) => `(${i % 10}, 'k${i}')`).join(',')}`);
    const topic = uniqueName('keyless');
    const dir = await tempDir('keyless');
    const refused = startTask(taskFor({ database: db, tables: ['keyless'], topic, dir }, { source: sourceWithOwnServerId(), syncTypes: ['full'] }));
    const outcome = await refused.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toContain(`${db}.keyless has no primary key`);
    expect(outcome.error?.message).toContain('fullSync.keylessTables: scan');

    // The user opts in and starts the same task again (same queue): the initial copy still happens.
    const scan = startTask(taskFor({ database: db, tables: ['keyless'], topic, dir }, { source: sourceWithOwnServerId(), syncTypes: ['full'], fullSync: { chunkRows: 128, keylessTables: 'scan' } }));
    expect((await scan.outcome).status).toBe('COMPLETED');
    const messages = await consumeMessages(topic, 1000, 60_000);
    const rows = messages.map((m) => (m.json.data as Record<string, string>[])[0]!);
    expect(rows.map((r) => r.b).sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `k${i}`).sort());
  });
});
