/**
 * binlog_transaction_compression=ON (MySQL 8.0.20+): each transaction is one zstd-compressed
 * TRANSACTION_PAYLOAD event. The reader must deliver exactly what it delivers with compression off:
 * the same records (values, types, order), the same transaction boundaries and positions (a
 * record carries its transaction's GTID event position; a transaction resumes after its payload),
 * and a restart in the middle of a compressed transaction neither loses nor repeats a row.
 */
import { describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import type { QueueEntry } from '../../shared/queue/types.ts';
import type { ChangeRecord } from '../../shared/record/index.ts';
import { consumeMessages, createTopic, stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import { binlogEnd, binlogEvents, comparable, DEFAULTS, useSettings, type BinlogEvent } from './binlog-settings.ts';

const COLUMNS = `id INT PRIMARY KEY, u BIGINT UNSIGNED, d DECIMAL(20,6), dt DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(3), y YEAR,
  f FLOAT, vc VARCHAR(40), bl BLOB, e ENUM('a','b'), s SET('x','y'), bt BIT(8), j JSON`;
const tables = ['plain_t', 'zstd_t', 'plain_u', 'zstd_u'].map((t) => `CREATE TABLE \${db}.${t} (${t.endsWith('_u') ? 'id INT PRIMARY KEY, v VARCHAR(20)' : COLUMNS})`);

async function storedBatches(dir: string): Promise<QueueEntry[]> {
  const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
  try {
    return await queue.read(0, { maxBatches: 100_000 });
  } finally {
    await queue.close();
  }
}

const rowRecords = (entries: readonly QueueEntry[]): ChangeRecord[] => entries.flatMap((e) => e.batch.records);

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
    const entries = await storedBatches(dir);
    expect((await task.stop()).status).toBe('STOPPED');
    expect(messages).toHaveLength(2 * PER_RUN);
    expect(messages.map((m) => m.json.id)).toEqual(Array.from({ length: 2 * PER_RUN }, (_, i) => i + 1));
    const plain = messages.slice(0, PER_RUN);
    const zstd = messages.slice(PER_RUN);
    expect(plain.map((m) => [m.json.table, m.json.type])).toEqual([
      ...[['plain_t', 'INSERT'], ['plain_t', 'INSERT'], ['plain_t', 'INSERT'], ['plain_t', 'UPDATE'], ['plain_t', 'UPDATE'], ['plain_t', 'DELETE']],
      ...[['plain_u', 'INSERT'], ['plain_u', 'INSERT'], ['plain_t', 'UPDATE'], ['plain_u', 'UPDATE'], ['plain_u', 'DELETE']],
      ['plain_t', 'ALTER'],
      ['plain_t', 'INSERT'],
      ...[['plain_t', 'UPDATE'], ['plain_t', 'UPDATE'], ['plain_t', 'UPDATE']],
    ]);
    expect(zstd.map((m) => comparable(m, 'zstd_', 'plain_'))).toEqual(plain.map((m) => comparable(m, 'zstd_', 'plain_')));
    // A few values spelled out, so the comparison is not between two equally wrong runs.
    expect((zstd[0]!.json.data as Record<string, unknown>[])[0]).toMatchObject({ id: '1', u: '18446744073709551615', d: '-12345678901234.123456', dt: '2024-02-29 23:59:59.999999', tm: '-838:59:59.000', vc: 'héllo ✓' });
    expect((zstd[3]!.json.data as Record<string, unknown>[])[0]!.j).toBe('{"a": [1, 2.5, "x"], "k": 1, "n": -9007199254740993, "bb": {"c": null}}');

    // The compressed run really was compressed: four payloads, the DDL as a plain query.
    const plainEvents = (await binlogEvents(c, plainFrom.file, plainFrom.position)).filter((e) => e.pos < zstdFrom.position || plainFrom.file !== zstdFrom.file);
    const zstdEvents = (await binlogEvents(c, zstdFrom.file, zstdFrom.position)).filter((e) => !e.inner);
    expect(plainEvents.filter((e) => e.type === 'Transaction_payload')).toHaveLength(0);
    expect(zstdEvents.map((e) => e.type).filter((t) => t !== 'Gtid')).toEqual(['Transaction_payload', 'Transaction_payload', 'Query', 'Transaction_payload', 'Transaction_payload']);

    // Positions: every record of a transaction carries its GTID event's position and GTID; the
    // batch that ends it resumes at the payload's end, the next transaction's start.
    const records = rowRecords(entries).filter((r) => r.op === 'DDL' ? r.table === 'zstd_t' : r.schema.table.startsWith('zstd_'));
    expect(records).toHaveLength(PER_RUN);
    const gtids = zstdEvents.filter((e) => e.type === 'Gtid');
    const groups = [6, 5, 1, 1, 3];
    let at = 0;
    groups.forEach((n, k) => {
      const gtid = /'([^']+)'/.exec(gtids[k]!.info)![1];
      for (const r of records.slice(at, at + n)) expect([r.source.file, r.source.position, r.source.gtid]).toEqual([zstdFrom.file, gtids[k]!.pos, gtid]);
      at += n;
    });
    const ends = new Set(zstdEvents.filter((e: BinlogEvent) => e.type === 'Transaction_payload' || e.type === 'Query').map((e) => e.end));
    const zstdBatches = entries.filter((e) => e.batch.records.some((r) => records.includes(r)));
    for (const e of zstdBatches) {
      expect(e.batch.endsTransaction).toBe(true);
      expect(ends.has(e.batch.resume.position)).toBe(true);
    }
    expect(zstdBatches.at(-1)!.batch.resume.position).toBe(zstdEvents.at(-1)!.end);
  });
});

void stack;
