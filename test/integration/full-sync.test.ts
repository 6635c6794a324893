/**
 * Full data sync beside the binlog, end to end into Kafka: while random inserts, updates and
 * deletes run, a chunked snapshot copies the table; when both are done, the last image per key
 * read back from Kafka equals the source table row for row. Then key shapes (composite, string,
 * sparse, empty) with a full-only task that ends COMPLETED with exactly the source's rows.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { consumeMessages, stack, startTask, taskFor, tempDir, uniqueName, useDatabase, type ConsumedMessage } from '../helpers/stack.ts';

const ROWS = 6000;
const source = useDatabase(
  'fullsync',
  'CREATE TABLE ${db}.t (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DECIMAL(12,2), d DATETIME(3))',
  'CREATE TABLE ${db}.pairs (region CHAR(2) NOT NULL, seq INT NOT NULL, v VARCHAR(10), PRIMARY KEY (region, seq))',
  'CREATE TABLE ${db}.words (word VARCHAR(30) PRIMARY KEY, n INT)',
  'CREATE TABLE ${db}.sparse (id BIGINT UNSIGNED PRIMARY KEY, v INT)',
  'CREATE TABLE ${db}.empty_one (id INT PRIMARY KEY, v INT)',
);

type State = Map<string, string>;

/** Applies Canal JSON messages in order: the last image per key (INSERT/UPDATE set it, DELETE removes it). */
function replay(messages: readonly ConsumedMessage[], table: string, key: string[], columns: string[], state: State = new Map()): State {
  for (const m of messages) {
    const j = m.json as { table: string; type: string; isDdl: boolean; data: Record<string, string | null>[] | null };
    if (j.isDdl || j.table !== table || !j.data) continue;
    for (const row of j.data) {
      const k = key.map((c) => row[c]).join('|');
      if (j.type === 'DELETE') state.delete(k);
      else state.set(k, columns.map((c) => row[c] ?? '\\N').join('|'));
    }
  }
  return state;
}

async function sourceState(table: string, key: string[], columns: string[]): Promise<State> {
  const cols = columns.map((c) => `IFNULL(CAST(${c} AS CHAR), '\\\\N')`).join(", '|', ");
  const [rows] = await source.conn().query(`SELECT CONCAT(${key.map((k) => `CAST(${k} AS CHAR)`).join(", '|', ")}) AS k, CONCAT(${cols}) AS v FROM ${source.db}.${table}`);
  return new Map((rows as { k: string; v: string }[]).map((r) => [r.k, r.v]));
}

function checksum(state: State): string {
  return createHash('sha256').update([...state.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('\n')).digest('hex');
}

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
    const columns = ['id', 'a', 'b', 'c', 'd'];
    const expected = await sourceState('t', ['id'], columns);
    const seen: State = new Map();
    let applied = 0;
    await consumeMessages(
      topic,
      (messages) => {
        replay(messages.slice(applied), 't', ['id'], columns, seen);
        applied = messages.length;
        return seen.size === expected.size && checksum(seen) === checksum(expected);
      },
      120_000,
    ).catch((err: Error) => {
      const missing = [...expected.keys()].filter((k) => seen.get(k) !== expected.get(k)).slice(0, 5);
      throw new Error(`${err.message}; ${changes} changes; Kafka has ${seen.size} keys, source ${expected.size}; first differences: ${missing.map((k) => `${k}: kafka=${seen.get(k)} source=${expected.get(k)}`).join('; ')}`);
    });
    expect(changes).toBeGreaterThan(100);
    expect(checksum(seen)).toBe(checksum(expected));
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
      const fromKafka = replay(messages, t.table, t.key, t.columns);
      const count = messages.filter((m) => (m.json as { table: string }).table === t.table).length;
      expect(count, t.table).toBe(fromKafka.size);
      expect(checksum(fromKafka), t.table).toBe(checksum(await sourceState(t.table, t.key, t.columns)));
    }
    expect(messages.filter((m) => (m.json as { table: string }).table === 'empty_one')).toHaveLength(0);
    // Within each range rows arrive in key order; ids increase in the order Kafka has them.
    const ids = messages.map((m) => (m.json as { id: number }).id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });
});
void stack;
