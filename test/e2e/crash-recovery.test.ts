/**
 * The guarantee that matters most: kill the task with SIGKILL in the middle of a large stream,
 * start it again, and every row arrives, in order; a row delivered twice carries the same id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { consumeMessages, createTopic, sourceConnection, stack, tempDir, topicHighWatermark, uniqueName, waitFor, type ConsumedMessage } from '../helpers/stack.ts';

const db = uniqueName('crash');
const topic = uniqueName('crash');
const ROWS = 60_000;
const PER_TRANSACTION = 300;

async function insertRange(conn: mysql.Connection, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += PER_TRANSACTION) {
    const values: string[] = [];
    for (let id = start; id < start + PER_TRANSACTION && id <= to; id++) values.push(`(${id}, 'payload-${id}')`);
    await conn.query(`INSERT INTO ${db}.events VALUES ${values.join(',')}`);
  }
}

describe('crash recovery', () => {
  let conn: mysql.Connection;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE TABLE ${db}.events (id INT PRIMARY KEY, payload VARCHAR(100))`);
    await createTopic(topic);
  });

  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  it('loses nothing and keeps order across SIGKILL', { timeout: 240_000 }, async () => {
    const dir = await tempDir('crash');
    const taskFile = await writeTaskFile(dir, {
      name: 'crash',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5601 },
      objects: [{ database: db, tables: ['events'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'file', dir: `${dir}/queue` },
      // Small batches so that the kill lands between many appends and commits.
      reader: { batchMaxRecords: 500 },
    });

    const first = startTaskProcess(taskFile);
    await first.waitForLog('reader streaming');
    const writing = insertRange(conn, 1, ROWS / 2);
    await waitFor(async () => (await topicHighWatermark(topic)) >= 5_000, 60_000, '5,000 rows in Kafka').catch((err: Error) => {
      throw new Error(`${err.message}; the task's log:\n${first.stderr()}`);
    });
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    await writing;
    const beforeRestart = await topicHighWatermark(topic);
    expect(beforeRestart).toBeLessThan(ROWS);
    await insertRange(conn, ROWS / 2 + 1, ROWS); // written while the task is down

    const second = startTaskProcess(taskFile);
    await second.waitForLog('reader streaming');
    // Read until the last row's first copy: duplicates also raise the topic's offsets, so a count of
    // messages alone would stop early while rows still wait in the queue.
    const rowOf = (m: ConsumedMessage) => Number((m.json.data as { id: string }[])[0]!.id);
    const messages = await consumeMessages(topic, (ms) => rowOf(ms.at(-1)!) === ROWS, 120_000);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
    expect(second.stderr()).toContain('task stopped');

    const firstCopy = new Map<number, number>(); // row id → record id of its first copy
    let lastRow = 0;
    let duplicates = 0;
    for (const m of messages) {
      const row = rowOf(m);
      const recordId = m.json.id as number;
      const seen = firstCopy.get(row);
      if (seen === undefined) {
        expect(row).toBe(lastRow + 1); // first copies arrive in source order, none missing
        lastRow = row;
        firstCopy.set(row, recordId);
      } else {
        expect(recordId).toBe(seen); // a duplicate is recognizable by its id
        duplicates += 1;
      }
    }
    expect(firstCopy.size).toBe(ROWS);
    expect(messages.length).toBe(ROWS + duplicates);
    console.log(`crash test: ${beforeRestart} in Kafka at the kill, ${duplicates} duplicates`);
    // Record ids follow the rows: strictly increasing over first copies.
    const ids = [...firstCopy.values()];
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });
});
