/**
 * binlog_transaction_compression=ON (MySQL 8.0.20+): each transaction is one zstd-compressed
 * TRANSACTION_PAYLOAD event. The reader must deliver exactly what it delivers with compression off:
 * the same records (values, types, order), the same transaction boundaries and positions (a
 * record carries its transaction's GTID event position; a transaction resumes after its payload),
 * and a restart in the middle of a compressed transaction neither loses nor repeats a row.
 */
import { describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import type { QueueEntry } from '../../shared/queue/types.ts';
import type { ChangeRecord } from '../../shared/record/index.ts';
import { consumeMessages, createTopic, stack, startTask, taskFor, tempDir, topicHighWatermark, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';
import { storedEntries } from '../helpers/stored-queue.ts';
import { binlogEnd, binlogEvents, comparable, DEFAULTS, gtidOf, transactionsOn, useSettings, type BinlogEvent } from './binlog-settings.ts';

const COLUMNS = `id INT PRIMARY KEY, u BIGINT UNSIGNED, d DECIMAL(20,6), dt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(3), y YEAR,
  f FLOAT, vc VARCHAR(40), bl BLOB, e ENUM('a','b'), s SET('x','y'), bt BIT(8), j JSON`;
const tables = [
  ...['plain_t', 'zstd_t', 'plain_u', 'zstd_u'].map((t) => `CREATE TABLE \${db}.${t} (${t.endsWith('_u') ? 'id INT PRIMARY KEY, v VARCHAR(20)' : COLUMNS})`),
  'CREATE TABLE ${db}.huge (id INT PRIMARY KEY, v VARCHAR(200))',
  'CREATE TABLE ${db}.resume_g (id INT PRIMARY KEY, v VARCHAR(40))',
  'CREATE TABLE ${db}.resume_p (id INT PRIMARY KEY, v VARCHAR(40))',
];

const rowRecords = (entries: readonly QueueEntry[]): ChangeRecord[] => entries.flatMap((e) => e.batch.records);

/** One INSERT of `rows` generated rows: one transaction, so one payload with compression on. */
async function insertGenerated(c: mysql.Connection, table: string, from: number, rows: number, filler: number): Promise<void> {
  await c.query(`SET SESSION cte_max_recursion_depth = ${rows + 1}`);
  await c.query(`INSERT INTO ${table} (id, v) WITH RECURSIVE seq(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM seq WHERE n < ${from + rows - 1})
    SELECT n, CONCAT('row-', n, '-', REPEAT('x', ${filler})) FROM seq`);
}

describe('MySQL 8 compressed binlog transactions', () => {
  const { db, conn } = useDatabase('zstd', ...tables);

  /** Four transactions (one across two tables) and a DDL between them, on `t` and `u`. */
  async function scenario(t: string, u: string): Promise<void> {
    const c = conn();
    await c.query('BEGIN');
    await c.query(`INSERT INTO ${db}.${t} VALUES
      (1, 18446744073709551615, -12345678901234.123456, '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.499', '-838:59:59.000', 2155, 1.5, 'héllo ✓', x'00ff10', 'b', 'x,y', b'10100101', '{"a": [1, 2.5, "x"], "bb": {"c": null}, "n": -9007199254740993}'),
      (2, 0, 0, '1000-01-01 00:00:00', NULL, '00:00:00.001', 1901, -0, '', '', 'a', '', b'0', '[]'),
      (3, 42, 1.000001, '2026-12-03 10:00:00.5', '2000-01-01 00:00:00', '12:34:56', 2000, 3.25, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await c.query(`UPDATE ${db}.${t} SET vc = CONCAT(IFNULL(vc, ''), '!'), j = JSON_SET(IFNULL(j, '{}'), '$.k', id) WHERE id IN (1, 3)`);
    await c.query(`DELETE FROM ${db}.${t} WHERE id = 2`);
    await c.query('COMMIT');
    await c.query('BEGIN');
    await c.query(`INSERT INTO ${db}.${u} VALUES (10, 'u-one'), (11, 'u-two')`);
    await c.query(`UPDATE ${db}.${t} SET u = u - 1 WHERE id = 1`);
    await c.query(`UPDATE ${db}.${u} SET v = 'u-changed' WHERE id = 11`);
    await c.query(`DELETE FROM ${db}.${u} WHERE id = 10`);
    await c.query('COMMIT');
    await c.query(`ALTER TABLE ${db}.${t} ADD COLUMN extra INT NULL AFTER id`);
    await c.query(`INSERT INTO ${db}.${t} (id, extra, vc) VALUES (4, 40, 'after ddl')`);
    await c.query(`UPDATE ${db}.${t} SET extra = id * 100`);
  }
  /** Records the scenario gives, per transaction: 3+2+1 rows and 1 delete; 2+1+1+1; DDL; 1; 3. */
  const PER_RUN = 6 + 5 + 1 + 1 + 3;

  it('gives the same records, boundaries and positions as with compression off', { timeout: 60_000 }, async () => {
    const topic = uniqueName('zstd');
    await createTopic(topic);
    const dir = await tempDir('zstd');
    const task = startTask(taskFor({ database: db, tables: ['plain_t', 'zstd_t', 'plain_u', 'zstd_u'], topic, dir }));
    await task.ready;
    const c = conn();
    await useSettings(c, DEFAULTS);
    const plainFrom = await binlogEnd(c);
    await scenario('plain_t', 'plain_u');
    await useSettings(c, { compression: true, partialJson: false });
    const zstdFrom = await binlogEnd(c);
    await scenario('zstd_t', 'zstd_u');
    await useSettings(c, DEFAULTS);

    const messages = await consumeMessages(topic, 2 * PER_RUN);
    const entries = await storedEntries(dir);
    expect((await task.stop()).status).toBe('STOPPED');
    expect(messages).toHaveLength(2 * PER_RUN);
    expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: 2 * PER_RUN }, (_, i) => i + 1));
    const plain = messages.slice(0, PER_RUN);
    const zstd = messages.slice(PER_RUN);
    expect(plain.map((m) => [m.json.table, m.json.type])).toEqual([
      ...[
        ['plain_t', 'INSERT'],
        ['plain_t', 'INSERT'],
        ['plain_t', 'INSERT'],
        ['plain_t', 'UPDATE'],
        ['plain_t', 'UPDATE'],
        ['plain_t', 'DELETE'],
      ],
      ...[
        ['plain_u', 'INSERT'],
        ['plain_u', 'INSERT'],
        ['plain_t', 'UPDATE'],
        ['plain_u', 'UPDATE'],
        ['plain_u', 'DELETE'],
      ],
      ['plain_t', 'ALTER'],
      ['plain_t', 'INSERT'],
      ...[
        ['plain_t', 'UPDATE'],
        ['plain_t', 'UPDATE'],
        ['plain_t', 'UPDATE'],
      ],
    ]);
    expect(zstd.map((m) => comparable(m, 'zstd_', 'plain_'))).toEqual(plain.map((m) => comparable(m, 'zstd_', 'plain_')));
    // A few values spelled out, so the comparison is not between two equally wrong runs.
    expect((zstd[0]!.json.data as Record<string, unknown>[])[0]).toMatchObject({
      id: '1',
      u: '18446744073709551615',
      d: '-12345678901234.123456',
      dt: '2024-02-29 23:59:59.999999',
      tm: '-838:59:59.000',
      vc: 'héllo ✓',
    });
    expect((zstd[3]!.json.data as Record<string, unknown>[])[0]!.j).toBe('{"a": [1, 2.5, "x"], "k": 1, "n": -9007199254740993, "bb": {"c": null}}');

    // The compressed run really was compressed: four payloads, the DDL as a plain query.
    const plainTx = transactionsOn(await binlogEvents(c, plainFrom.file, plainFrom.position), db).filter((t) => !t.events.some((e) => e.info.includes('.zstd_')));
    const zstdTx = transactionsOn(await binlogEvents(c, zstdFrom.file, zstdFrom.position), db);
    expect(plainTx).toHaveLength(5);
    expect(plainTx.flatMap((t) => t.events).filter((e) => e.type === 'Transaction_payload')).toHaveLength(0);
    expect(zstdTx.map((t) => t.events.filter((e) => !e.inner).map((e) => e.type))).toEqual([
      ['Transaction_payload'],
      ['Transaction_payload'],
      ['Query'],
      ['Transaction_payload'],
      ['Transaction_payload'],
    ]);

    // Positions: every record of a transaction carries its GTID event's position and GTID; the
    // batch that ends it resumes at the payload's end, the next transaction's start.
    const records = rowRecords(entries).filter((r) => (r.op === 'DDL' ? r.table === 'zstd_t' : r.schema.table.startsWith('zstd_')));
    expect(records).toHaveLength(PER_RUN);
    const groups = [6, 5, 1, 1, 3];
    let at = 0;
    groups.forEach((n, k) => {
      const { gtid } = zstdTx[k]!;
      for (const r of records.slice(at, at + n)) expect([r.source.file, r.source.position, r.source.gtid]).toEqual([zstdFrom.file, gtid.pos, gtidOf(gtid)]);
      at += n;
    });
    const ends = new Set(zstdTx.map((t) => t.events[0]!.end));
    const zstdBatches = entries.filter((e) => e.batch.records.some((r) => records.includes(r)));
    for (const e of zstdBatches) {
      expect(e.batch.endsTransaction).toBe(true);
      expect(ends.has(e.batch.resume.position)).toBe(true);
    }
    expect(zstdBatches.at(-1)!.batch.resume.position).toBe(zstdTx.at(-1)!.events[0]!.end);
  });

  it('reads a 100,000-row compressed transaction piece by piece, every row once and in order', { timeout: 90_000 }, async () => {
    // 11 MB of row events in one payload (the 200,000-row case, with memory, is measured by huge-transaction-rss.ts).
    // Not a multiple of the batch size: the last piece is emitted at the commit.
    const ROWS = 100_001;
    const topic = uniqueName('huge');
    await createTopic(topic);
    const dir = await tempDir('huge');
    // No heartbeat: the last batch must end exactly at the payload, with no heartbeat transaction after it.
    const task = startTask(taskFor({ database: db, tables: ['huge'], topic, dir }, { advanced: { heartbeat: false } }));
    await task.ready;
    const c = conn();
    await useSettings(c, { compression: true, partialJson: false });
    const from = await binlogEnd(c);
    await insertGenerated(c, `${db}.huge`, 1, ROWS, 100);
    await useSettings(c, DEFAULTS);
    await waitFor(async () => (await topicHighWatermark(topic)) >= ROWS, 60_000, `${ROWS} messages in ${topic}`);
    expect((await task.stop()).status).toBe('STOPPED');
    expect(await topicHighWatermark(topic)).toBe(ROWS);

    const [tx] = transactionsOn(await binlogEvents(c, from.file, from.position), db);
    expect(tx!.events.filter((e) => !e.inner).map((e) => e.type)).toEqual(['Transaction_payload']);
    const {
      gtid,
      events: [payload],
    } = tx as { gtid: BinlogEvent; events: [BinlogEvent] };
    expect(Number(/decompressed_size=(\d+)/.exec(payload.info)![1])).toBeGreaterThan(10_000_000);
    expect(payload.end - payload.pos).toBeLessThan(2_500_000); // zstd'd to a fraction of that
    const entries = (await storedEntries(dir)).filter((e) => e.batch.records.length > 0);
    const records = rowRecords(entries);
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(records.every((r, i) => r.op === 'INSERT' && r.after![0] === i + 1 && r.source.position === gtid.pos)).toBe(true);
    // Batches of at most twice the batch size, cut inside the transaction: all but the last restart at its start.
    expect(entries.length).toBeGreaterThanOrEqual(ROWS / 10_000);
    expect(entries.every((e) => e.batch.records.length <= 10_000)).toBe(true);
    for (const e of entries.slice(0, -1)) expect([e.batch.endsTransaction, e.batch.resume.position, e.batch.resume.nextRecordId]).toEqual([false, gtid.pos, 1]);
    expect([entries.at(-1)!.batch.endsTransaction, entries.at(-1)!.batch.resume.position]).toEqual([true, payload.end]);
  });

  /**
   * A crash in the middle of a compressed transaction leaves the queue ending in a batch that
   * restarts at the transaction's start: the queue of a finished run, cut after such a batch, is
   * what the next run finds. It must send each remaining row once.
   */
  for (const by of ['gtid', 'file and position'] as const) {
    it(`resumes inside a compressed transaction by ${by}, losing and repeating nothing`, { timeout: 90_000 }, async () => {
      const table = by === 'gtid' ? 'resume_g' : 'resume_p';
      const c = conn();
      const start = await binlogEnd(c);
      const source = { host: '127.0.0.1', port: stack.mysqlPort, serverId: 6000 + (process.pid % 1000), ...(by === 'gtid' ? {} : { start }) };
      const run = async (dir: string, topic: string, write?: () => Promise<void>) => {
        const task = startTask(taskFor({ database: db, tables: [table], topic, dir }, { source, reader: { batchMaxRecords: 100 } }));
        await task.ready;
        await write?.();
        const messages = await consumeMessages(topic, 1010);
        expect((await task.stop()).status).toBe('STOPPED');
        return messages;
      };
      const firstDir = await tempDir('zresume');
      const firstTopic = uniqueName('zresume');
      await createTopic(firstTopic);
      await run(firstDir, firstTopic, async () => {
        await useSettings(c, { compression: true, partialJson: false });
        await insertGenerated(c, `${db}.${table}`, 1, 1000, 10);
        await c.query(`INSERT INTO ${db}.${table} VALUES ${Array.from({ length: 10 }, (_, i) => `(${2001 + i}, 'second')`).join(',')}`);
        await useSettings(c, DEFAULTS);
      });
      const entries = (await storedEntries(firstDir)).filter((e) => e.batch.records.length > 0);
      const cut = entries.findIndex((e) => !e.batch.endsTransaction) + 3;
      expect(entries[cut]!.batch.endsTransaction).toBe(false);
      expect(entries[cut]!.batch.resume.gtidSet === null).toBe(by !== 'gtid');
      const lastStored = entries[cut]!.batch.lastRecordId;
      expect(lastStored).toBeGreaterThan(300);
      expect(lastStored).toBeLessThan(1000);

      const dir = await tempDir('zresume');
      const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: true });
      for (const e of entries.slice(0, cut + 1)) await queue.append(e.batch);
      await queue.close();
      const topic = uniqueName('zresume');
      await createTopic(topic);
      const messages = await run(dir, topic);
      expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: 1010 }, (_, i) => i + 1));
      const ids = [...Array.from({ length: 1000 }, (_, i) => String(i + 1)), ...Array.from({ length: 10 }, (_, i) => String(2001 + i))];
      expect(messages.map((m) => (m.json.data as { id: string }[])[0]!.id)).toEqual(ids);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await topicHighWatermark(topic)).toBe(1010);
    });
  }
});
