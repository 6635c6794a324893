/**
 * A full data sync killed with SIGKILL in the middle of a table resumes from its last stored
 * chunk, not from the start, while updates and deletes keep running; in the end Kafka's last
 * image per key equals the source table. Progress shows in the task's status lines.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { createTopic, kafka, stack, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';
import { consumeUntilEqual, sourceTableState, stateChecksum } from '../helpers/table-state.ts';

const ROWS = 20_000;
const CHUNK = 300;
const source = useDatabase('fscrash', 'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(40), qty INT)');

async function topicSize(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('full sync after a crash', () => {
  it('resumes from the last chunk and ends equal to the source', { timeout: 240_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    for (let i = 0; i < ROWS; i += 2000) await conn.query(`INSERT INTO ${db}.items VALUES ${Array.from({ length: 2000 }, (_, j) => `(${i + j + 1}, 'item-${i + j + 1}', ${j})`).join(',')}`);
    const topic = uniqueName('fscrash');
    await createTopic(topic);
    const dir = await tempDir('fscrash');
    const taskFile = await writeTaskFile(dir, {
      name: 'fscrash',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5701 },
      objects: [{ database: db, tables: ['items'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'file', dir: `${dir}/queue` },
      syncTypes: ['full', 'incremental'],
      fullSync: { chunkRows: CHUNK, workers: 2, throttle: { rowsPerSecond: 3000 } },
    });
    let writing = true;
    let changes = 0;
    const writer = (async () => {
      while (writing) {
        const id = 1 + Math.floor(Math.random() * ROWS);
        if (Math.random() < 0.7) await conn.query(`UPDATE ${db}.items SET qty = qty + 1, name = CONCAT(name, '+') WHERE id = ${id}`);
        else await conn.query(`DELETE FROM ${db}.items WHERE id = ${id}`);
        changes++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    // However the test ends, the writer stops before the database is dropped.
    onTestFinished(async () => {
      writing = false;
      await writer.catch(() => {});
    });

    const first = startTaskProcess(taskFile);
    // Kill once the status line showed the copy's progress (the table and its estimate) and 6,000 rows are in Kafka.
    const progressLine = new RegExp(`fullSync.*0/1 tables.*${db}\\.items [1-9]\\d*/~\\d+`);
    const stateFile = `${dir}/queue/state.json`;
    const statusShowsCopy = async () => (await readFile(stateFile, 'utf8').catch(() => '')).includes('"currentRows"');
    await waitFor(
      async () => progressLine.test(first.stderr()) && (await statusShowsCopy()) && (await topicSize(topic)) >= 6000,
      90_000,
      'progress in the log and the status, and 6,000 messages in Kafka',
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the task's log:\n${first.stderr()}`);
    });
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    const atKill = await topicSize(topic);
    // The task status (state.json beside the queue) carried the copy's progress too.
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { status: string; fullSync?: { current: string; currentRows: number; currentEstimate: number; completed: boolean } };
    expect(state).toMatchObject({ status: 'RUNNING', fullSync: { current: `${db}.items`, completed: false } });
    expect(state.fullSync!.currentRows).toBeGreaterThan(0);
    expect(state.fullSync!.currentEstimate).toBeGreaterThan(ROWS / 2);

    const second = startTaskProcess(taskFile);
    await second.waitForLog('reader streaming');
    await new Promise((r) => setTimeout(r, 1500));
    writing = false;
    await writer;

    const shape = { table: 'items', key: ['id'], columns: ['id', 'name', 'qty'] };
    const expected = await sourceTableState(conn, db, shape);
    const { messages, seen } = await consumeUntilEqual(topic, shape, expected, 150_000, `${changes} changes; the task's log:\n${second.stderr().slice(-3000)}`);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
    expect(stateChecksum(seen)).toBe(stateChecksum(expected));
    // Canal JSON writes full-sync rows as INSERT and the writers only update and delete, so INSERTs
    // are copied rows. Each row is copied by one record at most: resuming from the last chunk copies
    // nothing twice (starting over would copy everything sent before the kill again). Kafka may hold
    // a record twice, the batches delivered but not yet committed at the kill: the same record id
    // and message (but the encoding time), which a consumer drops by id.
    const copies = new Map<string, Set<number>>();
    const firstOf = new Map<number, string>();
    const redelivered: number[] = [];
    for (const m of messages.filter((x) => x.json.type === 'INSERT')) {
      const recordId = m.json.id as number;
      const text = JSON.stringify({ ...m.json, ts: null }); // ts is the encoding time
      const first = firstOf.get(recordId);
      if (first !== undefined) {
        expect(text).toBe(first);
        redelivered.push(recordId);
        continue;
      }
      firstOf.set(recordId, text);
      const key = (m.json.data as Record<string, string>[])[0]!.id!;
      copies.set(key, (copies.get(key) ?? new Set()).add(recordId));
    }
    const inserts = firstOf.size;
    expect(atKill).toBeGreaterThanOrEqual(6000);
    expect([...copies.entries()].filter(([, ids]) => ids.size > 1).map(([k]) => k)).toEqual([]);
    expect(inserts).toBe(copies.size);
    expect(inserts).toBeGreaterThanOrEqual(ROWS - changes);
    expect(inserts).toBeLessThanOrEqual(ROWS);
    console.log(`full-sync crash: ${atKill} messages at the kill, ${inserts} copied rows for ${ROWS}, ${changes} changes, ${redelivered.length} copied rows delivered again by Kafka`);
  });
});
