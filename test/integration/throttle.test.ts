/**
 * DTS throttling: rows per second for incremental sync and for full sync hold the average. Only
 * lower bounds on time are checked (a busy machine can be slower, never faster than the limit).
 */
import { describe, expect, it } from 'vitest';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { consumeMessages, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const source = useDatabase('throttle', 'CREATE TABLE ${db}.inc (id INT PRIMARY KEY, v VARCHAR(20))', 'CREATE TABLE ${db}.full_t (id INT PRIMARY KEY, v VARCHAR(20))');
const rows = (n: number) => Array.from({ length: n }, (_, i) => `(${i + 1}, 'r${i + 1}')`).join(',');

describe('throttling', () => {
  it('holds incremental sync to reader.throttle.rowsPerSecond', { timeout: 60_000 }, async () => {
    const { db } = source;
    const topic = uniqueName('throttle');
    const task = startTask(
      taskFor({ database: db, tables: ['inc'], topic, dir: await tempDir('throttle') }, { source: sourceWithOwnServerId(), reader: { batchMaxRecords: 100, throttle: { rowsPerSecond: 500 } } }),
    );
    await task.ready;
    const started = Date.now();
    for (let i = 0; i < 20; i++) await source.conn().query(`INSERT INTO ${db}.inc VALUES (${i * 100 + 1}, 'a')${Array.from({ length: 99 }, (_, j) => `, (${i * 100 + j + 2}, 'a')`).join('')}`);
    const messages = await consumeMessages(topic, 2000, 40_000);
    const seconds = (Date.now() - started) / 1000;
    await task.stop();
    expect(messages).toHaveLength(2000);
    // 2,000 rows at 500/s with one second of burst: at least ~3 s (unthrottled this takes well under one).
    expect(seconds).toBeGreaterThan(2.5);
  });

  it('holds full sync to fullSync.throttle.rowsPerSecond', { timeout: 60_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.full_t VALUES ${rows(6000)}`);
    const topic = uniqueName('throttle');
    const started = Date.now();
    const task = startTask(
      taskFor(
        { database: db, tables: ['full_t'], topic, dir: await tempDir('throttle') },
        { source: sourceWithOwnServerId(), syncTypes: ['full'], fullSync: { chunkRows: 100, workers: 2, throttle: { rowsPerSecond: 1000, queriesPerSecond: 100 } } },
      ),
    );
    expect((await task.outcome).status).toBe('COMPLETED');
    const seconds = (Date.now() - started) / 1000;
    expect(await consumeMessages(topic, 6000, 30_000)).toHaveLength(6000);
    // 6,000 rows at 1,000/s with one second of burst: at least ~5 s (unthrottled: under 3 s here).
    expect(seconds).toBeGreaterThan(4.5);
  });
});
