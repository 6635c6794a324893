/**
 * Restarts resume from the queue: by binlog file and position when the task started from one (the
 * path MySQL without GTIDs takes), and a transaction larger than a batch streams through in pieces
 * that a restart neither repeats nor loses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { consumeMessages, createTopic, stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import { storedEntries } from '../helpers/stored-queue.ts';

describe('resuming from the queue', () => {
  const { db, conn: source } = useDatabase('resume', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
  let conn: mysql.Connection;
  beforeAll(() => {
    conn = source();
  });

  it('starts at a file and position, stops cleanly, and continues without gaps or repeats', { timeout: 60_000 }, async () => {
    const topic = uniqueName('resume');
    await createTopic(topic);
    const dir = await tempDir('resume');
    await conn.query(`INSERT INTO ${db}.t VALUES (1, 'before start')`); // before the start position: not delivered
    const [[status]] = (await conn.query('SHOW MASTER STATUS')) as unknown as [[{ File: string; Position: number }]];
    await conn.query(`INSERT INTO ${db}.t VALUES (2, 'after start')`); // after it, before the task runs: delivered
    const task = taskFor(
      { database: db, tables: ['t'], topic, dir },
      { source: { host: '127.0.0.1', port: stack.mysqlPort, serverId: 5901, start: { file: status.File, position: Number(status.Position) } } },
    );

    const first = startTask(task);
    await first.ready;
    await conn.query(`INSERT INTO ${db}.t VALUES (3, 'first run')`);
    await consumeMessages(topic, 2);
    expect((await first.stop()).status).toBe('STOPPED');
    const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
    const last = await queue.last();
    await queue.close();
    expect(last?.batch.resume.gtidSet).toBeNull(); // resumes by file and position
    expect(last?.batch.resume.file).toBe(status.File);

    await conn.query(`INSERT INTO ${db}.t VALUES (4, 'while stopped')`);
    const second = startTask(task);
    await second.ready;
    await conn.query(`UPDATE ${db}.t SET v = 'second run' WHERE id = 4`);
    const messages = (await consumeMessages(topic, 4)).map((m) => m.json);
    expect((await second.stop()).status).toBe('STOPPED');
    expect(messages.map((m) => [m.type, (m.data as { id: string; v: string }[])[0]!.v])).toEqual([
      ['INSERT', 'after start'],
      ['INSERT', 'first run'],
      ['INSERT', 'while stopped'],
      ['UPDATE', 'second run'],
    ]);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it('streams a transaction larger than a batch in pieces, all in order, once', { timeout: 60_000 }, async () => {
    const topic = uniqueName('bigtx');
    await createTopic(topic);
    const dir = await tempDir('bigtx');
    const task = taskFor({ database: db, tables: ['t'], topic, dir }, { reader: { batchMaxRecords: 100 } });
    const run = startTask(task);
    await run.ready;
    const rows = 2_500;
    await conn.query('BEGIN');
    for (let start = 1000; start < 1000 + rows; start += 500) {
      const values = Array.from({ length: 500 }, (_, i) => `(${start + i}, 'big')`).join(',');
      await conn.query(`INSERT INTO ${db}.t VALUES ${values}`);
    }
    await conn.query('COMMIT');
    const messages = await consumeMessages(topic, rows);
    expect((await run.stop()).status).toBe('STOPPED');
    expect(messages.map((m) => Number((m.json.data as { id: string }[])[0]!.id))).toEqual(Array.from({ length: rows }, (_, i) => 1000 + i));
    expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));

    // The queue holds the transaction as several batches: all but the last restart at its start.
    const entries = await storedEntries(dir);
    const withRows = entries.filter((e) => e.batch.records.length > 0);
    expect(withRows.length).toBeGreaterThan(5);
    expect(withRows.at(-1)!.batch.endsTransaction).toBe(true);
    const partial = withRows.slice(0, -1);
    expect(partial.every((e) => !e.batch.endsTransaction && e.batch.resume.nextRecordId === 1)).toBe(true);
    expect(withRows.reduce((n, e) => n + e.batch.records.length, 0)).toBe(rows);
  });
});
