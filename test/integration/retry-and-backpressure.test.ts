/**
 * Failure handling against real servers: an unreachable Kafka is retried inside the task's
 * connection window, then the task is FAILED with the reason and resumes from its cursor when
 * started again; a destination that falls behind pauses the reader instead of filling memory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { consumeMessages, createTopic, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const fastBackoff = { initialMs: 50, maxMs: 200, factor: 2 };
const CLOSED_PORT_BROKER = '127.0.0.1:1';

describe('retry windows and backpressure', () => {
  const { db, conn: source } = useDatabase('retry', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
  let conn: mysql.Connection;
  beforeAll(() => {
    conn = source();
  });

  it('fails the task when the connection window runs out, then resumes from the cursor', { timeout: 90_000 }, async () => {
    const topic = uniqueName('retry');
    await createTopic(topic);
    const dir = await tempDir('retry');
    const down = startTask(taskFor({ database: db, tables: ['t'], topic, dir, brokers: [CLOSED_PORT_BROKER] }), {
      windows: { connectionMs: 1500, otherMs: 500 },
      backoff: fastBackoff,
    });
    await down.ready;
    await conn.query(`INSERT INTO ${db}.t VALUES (1, 'kept')`);
    const outcome = await down.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('RetryWindowExceededError');
    expect(outcome.error?.message).toMatch(/retrying for 0\.03 minutes .*failed-connection retry window.*cannot reach Kafka at 127\.0\.0\.1:1/);
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { status: string; reason: { code: string; message: string } };
    expect(state.status).toBe('FAILED');
    expect(state.reason.code).toBe('DTS_RETRY_WINDOW_EXCEEDED');

    // The row waited in the queue; the task started again with Kafka reachable delivers it.
    const up = startTask(taskFor({ database: db, tables: ['t'], topic, dir }));
    await up.ready;
    await conn.query(`INSERT INTO ${db}.t VALUES (2, 'after restart')`);
    const messages = await consumeMessages(topic, 2);
    expect(messages.map((m) => (m.json.data as { v: string }[])[0]!.v)).toEqual(['kept', 'after restart']);
    expect((await up.stop()).status).toBe('STOPPED');
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).status).toBe('STOPPED');
  });

  it('pauses the binlog when the slowest destination is maxLagBatches behind', { timeout: 60_000 }, async () => {
    const dir = await tempDir('lag');
    const task = startTask(taskFor({ database: db, tables: ['t'], topic: uniqueName('lag'), dir, brokers: [CLOSED_PORT_BROKER] }, { reader: { batchMaxRecords: 1, maxLagBatches: 3 } }), {
      windows: { connectionMs: 600_000, otherMs: 60_000 },
      backoff: fastBackoff,
    });
    await task.ready;
    for (let i = 100; i < 130; i++) await conn.query(`INSERT INTO ${db}.t VALUES (${i}, 'x')`); // 30 transactions
    await new Promise((r) => setTimeout(r, 1500));
    const observer = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
    try {
      // While the task runs: the batch that reached the limit was stored, then the reader paused.
      expect((await observer.last())?.seq).toBe(4);
      expect(await observer.cursor('kafka')).toBe(0);
      expect((await task.stop()).status).toBe('STOPPED');
      // Stopping stores what was already assembled (at most two batches in memory and one being
      // filled), and reads nothing more.
      const stored = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
      const last = (await stored.last())?.seq ?? 0;
      await stored.close();
      expect(last).toBeGreaterThanOrEqual(4);
      expect(last).toBeLessThanOrEqual(7);
    } finally {
      await observer.close();
    }
  });
});
