/**
 * Group commit in the reader: while its queue is idle, a committed transaction is appended at once,
 * not at the next batchMaxDelayMs tick (here 60 s, and the checkpoint tick 5 s), so a quiet
 * source's change reaches the queue in well under a second; and a burst of transactions, some
 * committed while an append is in flight, arrives whole and in order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import type { QueueEntry } from '../../shared/queue/types.ts';
import { createTopic, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

describe('the reader appends committed transactions while its queue is idle', () => {
  const { db, conn: source } = useDatabase('groupcommit', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
  let conn: mysql.Connection;
  beforeAll(() => {
    conn = source();
  });

  it('appends a lone transaction without waiting for the batch delay, and a burst in order', { timeout: 60_000 }, async () => {
    const topic = uniqueName('groupcommit');
    await createTopic(topic);
    const dir = await tempDir('groupcommit');
    const task = taskFor({ database: db, tables: ['t'], topic, dir }, { reader: { batchMaxDelayMs: 60_000 } });
    const run = startTask(task);
    const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
    try {
      await run.ready;
      const committed = Date.now();
      await conn.query(`INSERT INTO ${db}.t VALUES (1, 'alone')`);
      const first = await rowsAfter(queue, 0, 1);
      // The 60 s delay and the 5 s checkpoint tick are the only other ways out of the reader.
      expect(Date.now() - committed).toBeLessThan(2500);
      expect(first.rows).toEqual([1]);

      for (let id = 2; id <= 201; id++) await conn.query(`INSERT INTO ${db}.t VALUES (${id}, 'burst')`);
      const burst = await rowsAfter(queue, first.seq, 200);
      expect(burst.rows).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    } finally {
      await queue.close();
      expect((await run.stop()).status).toBe('STOPPED');
    }
  });
});

/** Reads the queue after `afterSeq` until `count` row records arrived (within 10 s); their ids and the last seq read. */
async function rowsAfter(queue: Awaited<ReturnType<typeof createFileQueue>>, afterSeq: number, count: number): Promise<{ rows: number[]; seq: number }> {
  const rows: number[] = [];
  let seq = afterSeq;
  const deadline = Date.now() + 10_000;
  while (rows.length < count && Date.now() < deadline) {
    const entries: QueueEntry[] = await queue.read(seq, { waitMs: 100 });
    for (const { seq: s, batch } of entries) {
      seq = s;
      const ids = batch.records.flatMap((r) => (r.op === 'INSERT' ? [Number(r.after![0])] : []));
      rows.push(...ids);
    }
  }
  return { rows, seq };
}
