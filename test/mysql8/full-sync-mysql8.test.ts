/**
 * The full sync on what only MySQL 8 has: INVISIBLE columns (SELECT * leaves them out, the binlog
 * row image has them: DTS delivers them, copied and streamed alike), functional indexes (a hidden
 * generated column that must never show up, with primary-key chunking unchanged), a unique key on
 * utf8mb4_0900_ai_ci text (NO PAD, accent- and case-insensitive: chunk boundaries compare in the
 * column's collation), and a run stopped in the middle and resumed. Checked on the queue itself.
 */
import { describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { isRowRecord, type RowRecord } from '../../shared/record/index.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { startTask, taskFor, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';

const source = useDatabase(
  'fs8',
  "CREATE TABLE ${db}.inv (id INT PRIMARY KEY, v VARCHAR(10), secret VARCHAR(10) INVISIBLE DEFAULT 'hidden', n INT)",
  "CREATE TABLE ${db}.fx (id INT PRIMARY KEY, name VARCHAR(20), doc JSON, INDEX ((LOWER(name))), UNIQUE INDEX ((CAST(doc->>'$.n' AS UNSIGNED))))",
  'CREATE TABLE ${db}.ci (code VARCHAR(20) COLLATE utf8mb4_0900_ai_ci NOT NULL, n INT NOT NULL, UNIQUE KEY (code))',
  'CREATE TABLE ${db}.big (id INT PRIMARY KEY, v VARCHAR(20))',
);

async function queueRows(dir: string): Promise<RowRecord[]> {
  const queue = await createFileQueue(dir, { consumers: [], writer: false });
  try {
    const rows: RowRecord[] = [];
    for (let after = 0; ;) {
      const entries = await queue.read(after, { maxBatches: 1000 });
      if (entries.length === 0) return rows;
      for (const e of entries) rows.push(...e.batch.records.filter(isRowRecord));
      after = entries.at(-1)!.seq;
    }
  } finally {
    await queue.close();
  }
}

const value = (r: RowRecord, name: string) => (r.after ?? r.before)![r.schema.columns.findIndex((c) => c.name === name)];
const names = (r: RowRecord) => r.schema.columns.map((c) => c.name);
const opsOf = (rows: readonly RowRecord[], key: string) => rows.map((r) => `${r.op} ${String(value(r, key))}`);

describe('full sync on MySQL 8', () => {
  it('copies INVISIBLE columns like the binlog carries them', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.inv (id, v, secret, n) VALUES (1, 'one', 's1', 10), (2, 'two', DEFAULT, 20)`);
    // SELECT * leaves the column out: the copy must name it.
    const [star] = (await conn.query(`SELECT * FROM ${db}.inv WHERE id = 1`)) as unknown as [Record<string, unknown>[]];
    expect(Object.keys(star[0]!)).toEqual(['id', 'v', 'n']);
    const dir = await tempDir('fs8inv');
    const task = startTask(taskFor({ database: db, tables: ['inv'], topic: uniqueName('fs8inv'), dir }, { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'] }));
    try {
      await task.ready;
      await conn.query(`INSERT INTO ${db}.inv (id, v, secret, n) VALUES (101, 'one', 's101', 10)`);
      const rows = await waitFor(
        async () => {
          const r = await queueRows(dir);
          return r.length >= 3 ? r : undefined;
        },
        30_000,
        'two copied rows and one streamed row',
      );
      expect(opsOf(rows, 'id').sort()).toEqual(['INIT 1', 'INIT 2', 'INSERT 101']);
      const init = rows.find((r) => r.op === 'INIT' && value(r, 'id') === 1)!;
      const insert = rows.find((r) => r.op === 'INSERT')!;
      expect(names(init)).toEqual(['id', 'v', 'secret', 'n']);
      expect(init.schema.columns).toEqual(insert.schema.columns);
      expect(init.after).toEqual([1, 'one', 's1', 10]);
      expect(insert.after).toEqual([101, 'one', 's101', 10]);
      expect(rows.find((r) => value(r, 'id') === 2)!.after).toEqual([2, 'two', 'hidden', 20]);
    } finally {
      await task.stop();
    }
  });

  it("never shows a functional index's hidden column, and chunks by the primary key", { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.fx VALUES ${Array.from({ length: 500 }, (_, i) => `(${i + 1}, 'Name${i + 1}', '{"n": ${i + 1}}')`).join(',')}`);
    const dir = await tempDir('fs8fx');
    const task = startTask(
      taskFor({ database: db, tables: ['fx'], topic: uniqueName('fs8fx'), dir }, { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], fullSync: { chunkRows: 40, workers: 3 } }),
    );
    try {
      await task.ready;
      await conn.query(`UPDATE ${db}.fx SET name = 'Changed' WHERE id = 250`);
      await conn.query(`INSERT INTO ${db}.fx VALUES (501, 'New', '{"n": 501}')`);
      const rows = await waitFor(
        async () => {
          const r = await queueRows(dir);
          return r.filter((x) => x.op === 'INIT').length >= 499 && r.length >= 501 ? r : undefined;
        },
        30_000,
        'the copy and the two changes',
      );
      for (const r of rows) expect(names(r), `${r.op} ${String(value(r, 'id'))}`).toEqual(['id', 'name', 'doc']);
      const copied = rows.filter((r) => r.op === 'INIT').map((r) => value(r, 'id') as number);
      // Row 250 changed before or after its chunk: exactly once either way, copied before its UPDATE or through the UPDATE alone.
      const copied250 = rows.findIndex((r) => r.op === 'INIT' && value(r, 'id') === 250);
      if (copied250 >= 0) expect(copied250).toBeLessThan(rows.findIndex((r) => r.op === 'UPDATE'));
      const expected = Array.from({ length: 500 }, (_, i) => i + 1).filter((id) => id !== 250 || copied250 >= 0);
      expect([...copied].sort((a, b) => a - b)).toEqual(expected);
      expect(rows.filter((r) => r.op !== 'INIT').map((r) => `${r.op} ${String(value(r, 'id'))} ${String(value(r, 'name'))}`)).toEqual(['UPDATE 250 Changed', 'INSERT 501 New']);
      expect(rows.find((r) => r.op === 'INIT' && value(r, 'id') === 7)!.after).toEqual([7, 'Name7', '{"n": 7}']);
    } finally {
      await task.stop();
    }
  });

  it('copies each row of a utf8mb4_0900_ai_ci unique key once, across chunk and range boundaries', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    // NO PAD: 'a', 'a ' and 'a  ' are three keys; accent- and case-insensitive: 'A' and 'á' would be 'a' again.
    const bases = Array.from({ length: 40 }, (_, i) => `${['a', 'B', 'é', 'Ö', 'ç'][i % 5]}${['x', 'Y', 'ñ', 'Å'][Math.floor(i / 5) % 4]}${Math.floor(i / 20)}`);
    const codes = ['', ' ', 'a', 'a ', 'a  ', ...bases.flatMap((b) => [b, `${b} `])];
    const values = codes.map((c, i) => `(${conn.escape(c)}, ${i})`);
    await conn.query(`INSERT INTO ${db}.ci VALUES ${values.join(',')}`);
    for (const dup of ['A', 'á', 'Á ']) await expect(conn.query(`INSERT INTO ${db}.ci VALUES (${conn.escape(dup)}, -1)`)).rejects.toThrow(/Duplicate entry/);
    const dir = await tempDir('fs8ci');
    const task = startTask(
      taskFor({ database: db, tables: ['ci'], topic: uniqueName('fs8ci'), dir }, { source: sourceWithOwnServerId(), syncTypes: ['full'], fullSync: { chunkRows: 7, workers: 3 } }),
    );
    expect((await task.outcome).status).toBe('COMPLETED');
    const rows = await queueRows(dir);
    expect(rows.every((r) => r.op === 'INIT')).toBe(true);
    expect(rows[0]!.schema.pkNames).toEqual(['code']);
    const hex = (s: unknown) => Buffer.from(s as string).toString('hex');
    expect(rows.map((r) => hex(value(r, 'code'))).sort()).toEqual(codes.map(hex).sort());
    expect(rows.map((r) => value(r, 'n') as number).sort((a, b) => a - b)).toEqual(codes.map((_, i) => i));
  });

  it('resumes a stopped run from its last chunk: every row once, changes made while stopped by the stream', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.big VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(',')}`);
    const dir = await tempDir('fs8resume');
    const topic = uniqueName('fs8resume');
    const options = { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'] as ('full' | 'incremental')[], fullSync: { chunkRows: 100, workers: 1, throttle: { rowsPerSecond: 1500 } } };
    const first = startTask(taskFor({ database: db, tables: ['big'], topic, dir }, options));
    await first.ready;
    await waitFor(async () => (await queueRows(dir)).length >= 600, 30_000, '600 copied rows');
    await first.stop();
    const before = await queueRows(dir);
    const copiedBefore = before.map((r) => value(r, 'id') as number);
    expect(copiedBefore.length).toBeGreaterThanOrEqual(600);
    expect(copiedBefore.length).toBeLessThan(3000);
    // While it is stopped: a copied row, and two rows not copied yet.
    await conn.query(`UPDATE ${db}.big SET v = 'changed' WHERE id IN (1, 2990)`);
    await conn.query(`DELETE FROM ${db}.big WHERE id = 2995`);
    const second = startTask(taskFor({ database: db, tables: ['big'], topic, dir }, options));
    try {
      await second.ready;
      const rows = await waitFor(
        async () => {
          const r = await queueRows(dir);
          return r.length >= 2998 + 3 ? r : undefined;
        },
        60_000,
        'the rest of the copy and the three changes',
      );
      await new Promise((r) => setTimeout(r, 300));
      const all = await queueRows(dir);
      expect(all).toHaveLength(rows.length);
      const copied = all.filter((r) => r.op === 'INIT').map((r) => value(r, 'id') as number);
      // In key order, each once: the second run started after the first one's last chunk.
      expect(copied).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1).filter((id) => id !== 2990 && id !== 2995));
      expect(all.slice(0, copiedBefore.length)).toEqual(before);
      expect(all.filter((r) => r.op !== 'INIT').map((r) => `${r.op} ${String(value(r, 'id'))} ${String(value(r, 'v'))}`)).toEqual(['UPDATE 1 changed', 'UPDATE 2990 changed', 'DELETE 2995 v2995']);
    } finally {
      await second.stop();
    }
  });
});
