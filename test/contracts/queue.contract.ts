/**
 * The Queue contract: every adapter runs this one suite (`queueContract('file', { newQueue })`).
 * Both adapters (file, redis) meet every test; an adapter that cannot should say why in its own
 * file rather than skip here. Tests check contents, order and counts, not only that calls succeed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueRangeError } from '../../shared/queue/index.ts';
import type { Queue } from '../../shared/queue/index.ts';
import type { Batch, DdlRecord, RowRecord, TableSchema } from '../../shared/record/index.ts';
import { makeBatch, ORDERS } from '../helpers/queue-batches.ts';

export interface QueueHarness {
  readonly queue: Queue;
  /** Closes the current queue and opens a new one on the same storage. */
  reopen(): Promise<Queue>;
  /** Closes whatever is open and deletes the storage. */
  cleanup(): Promise<void>;
}

export interface QueueContractOptions {
  /**
   * A fresh, empty queue. Storage must be small enough per unit (segment size) that appending 60
   * batches of `makeBatch` makes retention able to drop something once every consumer passed 30.
   */
  newQueue(consumers: readonly string[]): Promise<QueueHarness>;
}

export function queueContract(name: string, options: QueueContractOptions): void {
  const harnesses: QueueHarness[] = [];

  const open = async (consumers: readonly string[] = ['kafka', 'fc']) => {
    const h = await options.newQueue(consumers);
    harnesses.push(h);
    return h;
  };
  const test = (title: string, fn: () => Promise<void>, timeout?: number) => it(title, fn, timeout);

  describe(`Queue contract: ${name}`, () => {
    afterEach(async () => {
      await Promise.all(harnesses.splice(0).map((h) => h.cleanup()));
    });

    test('append numbers batches 1, 2, 3 … and read returns them in order', async () => {
      const { queue } = await open();
      const seqs = [];
      for (let i = 1; i <= 5; i++) seqs.push(await queue.append(makeBatch(i)));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      const entries = await queue.read(0);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      entries.forEach((e) => expect(e.batch).toStrictEqual(makeBatch(e.seq)));
      expect((await queue.read(2)).map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(await queue.read(5)).toEqual([]);
      expect(await queue.read(99)).toEqual([]);
    });

    test('last() is null on an empty queue and the last batch after reopen', async () => {
      const h = await open();
      expect(await h.queue.last()).toBeNull();
      for (let i = 1; i <= 3; i++) await h.queue.append(makeBatch(i));
      expect(await h.queue.last()).toStrictEqual({ seq: 3, batch: makeBatch(3) });
      const queue = await h.reopen();
      expect(await queue.last()).toStrictEqual({ seq: 3, batch: makeBatch(3) });
      expect(await queue.append(makeBatch(4))).toBe(4);
      expect((await queue.last())?.seq).toBe(4);
    });

    test('appended batches survive reopen intact and numbering continues', async () => {
      const h = await open();
      for (let i = 1; i <= 20; i++) await h.queue.append(makeBatch(i, 1 + (i % 5)));
      const queue = await h.reopen();
      const entries = await queue.read(0);
      expect(entries.map((e) => e.seq)).toEqual(range(1, 20));
      entries.forEach((e) => expect(e.batch).toStrictEqual(makeBatch(e.seq, 1 + (e.seq % 5))));
      expect(await queue.append(makeBatch(21))).toBe(21);
      expect((await queue.stats()).lastSeq).toBe(21);
    });

    test('read stops at maxBatches and at maxRecords, always returning at least one batch', async () => {
      const { queue } = await open();
      for (let i = 1; i <= 70; i++) await queue.append(makeBatch(i, 3));
      expect((await queue.read(0)).map((e) => e.seq)).toEqual(range(1, 64)); // default maxBatches
      expect((await queue.read(0, { maxBatches: 4 })).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect((await queue.read(10, { maxRecords: 7 })).map((e) => e.seq)).toEqual([11, 12, 13]); // 3+3 < 7 ≤ 9
      expect((await queue.read(10, { maxRecords: 6 })).map((e) => e.seq)).toEqual([11, 12]);
      expect((await queue.read(10, { maxRecords: 1 })).map((e) => e.seq)).toEqual([11]);
      expect((await queue.read(10, { maxRecords: 0 })).map((e) => e.seq)).toEqual([11]);
      expect((await queue.read(68, { maxBatches: 10 })).map((e) => e.seq)).toEqual([69, 70]);
    });

    test('read stops once the stored bytes reach maxBytes, always returning at least one batch', async () => {
      const { queue } = await open();
      for (let i = 1; i <= 6; i++) await queue.append(makeBatch(i, 3));
      expect((await queue.read(0, { maxBytes: 1 })).map((e) => e.seq)).toEqual([1]);
      expect((await queue.read(0, { maxBytes: 0 })).map((e) => e.seq)).toEqual([1]);
      expect((await queue.read(0, { maxBytes: 10 * 1024 * 1024 })).map((e) => e.seq)).toEqual(range(1, 6));
      // Growing the limit byte by byte adds batches one at a time, in order, never skipping one.
      const counts = new Set<number>();
      for (let maxBytes = 1; counts.size < 6 && maxBytes < 1 << 16; maxBytes += 8) counts.add((await queue.read(0, { maxBytes })).length);
      expect([...counts]).toEqual([1, 2, 3, 4, 5, 6]);
    });

    test('a waiting read wakes as soon as a batch is appended', async () => {
      const { queue } = await open();
      await queue.append(makeBatch(1));
      const started = Date.now();
      const pending = queue.read(1, { waitMs: 10_000 });
      await sleep(150);
      await queue.append(makeBatch(2));
      const entries = await pending;
      expect(entries.map((e) => e.seq)).toEqual([2]);
      expect(entries[0]!.batch).toStrictEqual(makeBatch(2));
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    test('a waiting read returns [] after waitMs when nothing is appended', async () => {
      const { queue } = await open();
      await queue.append(makeBatch(1));
      const started = Date.now();
      expect(await queue.read(1, { waitMs: 300 })).toEqual([]);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(280);
      expect(waited).toBeLessThan(2_000);
      // with data there, a wait is no wait
      const again = Date.now();
      expect((await queue.read(0, { waitMs: 5_000 })).map((e) => e.seq)).toEqual([1]);
      expect(Date.now() - again).toBeLessThan(1_000);
    });

    test('an abort signal ends a wait early with []', async () => {
      const { queue } = await open();
      const controller = new AbortController();
      const started = Date.now();
      const pending = queue.read(0, { waitMs: 20_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 150);
      expect(await pending).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2_000);
      // the queue still works after an aborted wait
      await queue.append(makeBatch(1));
      expect((await queue.read(0, { waitMs: 1_000 })).map((e) => e.seq)).toEqual([1]);
    });

    test('cursors start at 0, persist across reopen and never move back', async () => {
      const h = await open(['kafka', 'fc']);
      for (let i = 1; i <= 10; i++) await h.queue.append(makeBatch(i));
      expect(await h.queue.cursor('kafka')).toBe(0);
      await h.queue.commit('kafka', 7);
      await h.queue.commit('fc', 3);
      await h.queue.commit('kafka', 5); // back: ignored
      expect(await h.queue.cursor('kafka')).toBe(7);
      const queue = await h.reopen();
      expect(await queue.cursor('kafka')).toBe(7);
      expect(await queue.cursor('fc')).toBe(3);
      expect(await queue.cursor('maxcompute')).toBe(0);
      await queue.commit('fc', 10);
      expect((await queue.stats()).cursors).toEqual({ kafka: 7, fc: 10 });
    });

    test('commit past the last seq throws QueueRangeError and changes nothing', async () => {
      const { queue } = await open();
      await queue.append(makeBatch(1));
      await expect(queue.commit('kafka', 2)).rejects.toBeInstanceOf(QueueRangeError);
      expect(await queue.cursor('kafka')).toBe(0);
    });

    test('a consumer note is null until written, kept per consumer, replaced whole, cleared by null, and survives reopen', async () => {
      const h = await open(['kafka', 'fc']);
      expect(await h.queue.readNote('kafka')).toBeNull();
      const first = JSON.stringify({ sessions: [{ table: 'shop.orders', id: 'a1', blocks: [0, 1] }], through: 41 });
      await h.queue.writeNote('kafka', first);
      await h.queue.writeNote('fc', 'fc note: ünïcødé 😀');
      expect(await h.queue.readNote('kafka')).toBe(first);
      const second = 'x'.repeat(70_000); // larger than the first, then smaller: no leftover bytes
      await h.queue.writeNote('kafka', second);
      expect(await h.queue.readNote('kafka')).toBe(second);
      await h.queue.writeNote('kafka', 'short');
      expect(await h.queue.readNote('kafka')).toBe('short');
      await h.queue.writeNote('kafka', '');
      expect(await h.queue.readNote('kafka')).toBe(''); // an empty note is a note, not none
      await h.queue.writeNote('kafka', 'kept');
      // Names that are not safe path segments stay separate notes.
      await h.queue.writeNote('..', 'dots');
      await h.queue.writeNote('a/b', 'slash');
      let queue = await h.reopen();
      expect(await queue.readNote('kafka')).toBe('kept');
      expect(await queue.readNote('fc')).toBe('fc note: ünïcødé 😀');
      expect(await queue.readNote('..')).toBe('dots');
      expect(await queue.readNote('a/b')).toBe('slash');
      expect(await queue.readNote('maxcompute')).toBeNull();
      await queue.writeNote('kafka', null);
      await queue.writeNote('kafka', null); // clearing twice is fine
      expect(await queue.readNote('kafka')).toBeNull();
      queue = await h.reopen();
      expect(await queue.readNote('kafka')).toBeNull();
      expect(await queue.readNote('fc')).toBe('fc note: ünïcødé 😀');
      // Notes are not cursors: neither moves the other.
      expect(await queue.cursor('kafka')).toBe(0);
      expect(await queue.cursor('fc')).toBe(0);
    });

    test('concurrent note writes of one consumer end with the last one written', async () => {
      const { queue } = await open(['kafka']);
      await Promise.all(Array.from({ length: 20 }, (_, i) => queue.writeNote('kafka', `note ${i}`)));
      expect(await queue.readNote('kafka')).toBe('note 19');
    });

    test('retention keeps everything while one consumer has never committed', async () => {
      const { queue } = await open(['kafka', 'fc']);
      for (let i = 1; i <= 60; i++) await queue.append(makeBatch(i));
      await queue.commit('kafka', 60);
      const stats = await queue.stats();
      expect(stats).toEqual({ lastSeq: 60, firstSeq: 1, cursors: { kafka: 60, fc: 0 } });
      expect((await queue.read(0, { maxBatches: 100 })).map((e) => e.seq)).toEqual(range(1, 60));
    });

    test('retention drops only what every consumer passed, and reading below it throws QueueRangeError', async () => {
      const { queue } = await open(['kafka', 'fc']);
      for (let i = 1; i <= 60; i++) await queue.append(makeBatch(i));
      await queue.commit('kafka', 60);
      await queue.commit('fc', 30);
      const { firstSeq } = await queue.stats();
      expect(firstSeq).toBeGreaterThan(1); // something was dropped …
      expect(firstSeq).toBeLessThanOrEqual(31); // … and nothing fc has not passed
      const fromFirst = await queue.read(firstSeq - 1, { maxBatches: 100 });
      expect(fromFirst.map((e) => e.seq)).toEqual(range(firstSeq, 60));
      expect(fromFirst[0]!.batch).toStrictEqual(makeBatch(firstSeq));
      await expect(queue.read(firstSeq - 2)).rejects.toBeInstanceOf(QueueRangeError);
      await expect(queue.read(0)).rejects.toBeInstanceOf(QueueRangeError);

      // every consumer at the end: the last batch stays, so the reader can resume from it
      await queue.commit('fc', 60);
      expect((await queue.last())?.seq).toBe(60);
      expect((await queue.stats()).lastSeq).toBe(60);
      expect(await queue.append(makeBatch(61))).toBe(61);
      expect((await queue.read(60)).map((e) => e.seq)).toEqual([61]);
    });

    test('a producer and two consumers in parallel: each consumer sees every seq once, in order', async () => {
      const total = 2_000;
      const { queue } = await open(['kafka', 'fc']);
      const consume = async (consumer: string, maxBatches: number) => {
        const seen: number[] = [];
        let at = await queue.cursor(consumer);
        while (at < total) {
          const entries = await queue.read(at, { maxBatches, waitMs: 1_000 });
          for (const e of entries) {
            seen.push(e.seq);
            if (e.batch.lastRecordId !== e.seq) throw new Error(`${consumer}: seq ${e.seq} holds the batch of record ${e.batch.lastRecordId}`);
            at = e.seq;
          }
          if (entries.length > 0) await queue.commit(consumer, at);
        }
        return seen;
      };
      const produce = async () => {
        for (let i = 1; i <= total; i++) {
          const seq = await queue.append(makeBatch(i, 1));
          if (seq !== i) throw new Error(`append ${i} got seq ${seq}`);
        }
      };
      const [, kafka, fc] = await Promise.all([produce(), consume('kafka', 7), consume('fc', 64)]);
      expect(kafka).toEqual(range(1, total));
      expect(fc).toEqual(range(1, total));
      const stats = await queue.stats();
      expect(stats.lastSeq).toBe(total);
      expect(stats.cursors).toEqual({ kafka: total, fc: total });
    }, 180_000);

    test('Buffer values, big strings, DDL and shared schema objects round-trip exactly', async () => {
      const { queue } = await open();
      const batch = exoticBatch();
      await queue.append(batch);
      const [entry] = await queue.read(0);
      expect(entry!.seq).toBe(1);
      const got = entry!.batch;
      const [a, b, c, ddl] = got.records as [RowRecord, RowRecord, RowRecord, DdlRecord];
      // bytes: Buffer in, Buffer out, same bytes; a Uint8Array comes back as a Buffer too
      expect(Buffer.isBuffer(a.after![1])).toBe(true);
      expect(Buffer.compare(a.after![1] as Buffer, allBytes)).toBe(0);
      expect(Buffer.isBuffer(a.after![2])).toBe(true);
      expect((a.after![2] as Buffer).length).toBe(0);
      expect(Buffer.isBuffer(b.after![1])).toBe(true);
      expect([...(b.after![1] as Buffer)]).toEqual([1, 2, 3, 250]);
      // strings and numbers exactly
      expect(c.after![6]).toBe(bigText);
      expect(a.after!.slice(3)).toEqual(['18446744073709551615', 2 ** 53 - 1, -1.5e-300, null]);
      expect(ddl).toStrictEqual(batch.records[3]);
      // one schema object per table, one source object per transaction, as appended
      expect(a.schema).toBe(b.schema);
      expect(a.schema).not.toBe(c.schema);
      expect(a.source).toBe(c.source);
      expect(a.schema).toStrictEqual(BLOBS);
      expect(c.schema).toStrictEqual(ORDERS_COPY);
      expect(got.resume).toStrictEqual(batch.resume);
      expect(got.lastRecordId).toBe(batch.lastRecordId);
    });
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const bigText = 'ünïcødé 😀 €'.repeat(300_000); // ~4 MB of UTF-8
const col = (name: string, type: string, typeCode: number) => ({ name, type, typeCode, unsigned: false, charset: null, nullable: true, key: name === 'id' });
const BLOBS: TableSchema = {
  database: 'shop',
  table: 'blobs',
  columns: [
    col('id', 'int(11)', 3),
    col('data', 'longblob', 251),
    col('empty', 'varbinary(16)', 253),
    col('big', 'bigint(20) unsigned', 8),
    col('safe', 'bigint(20)', 8),
    col('tiny', 'double', 5),
    col('nothing', 'int(11)', 3),
  ],
  pkNames: ['id'],
};
const ORDERS_COPY: TableSchema = { ...ORDERS };

function exoticBatch(): Batch {
  const source = { serverId: 7, file: 'mysql-bin.000009', position: 123, gtid: null, timestampMs: 1_767_322_000_000, txId: '77' };
  const blobs = { ...BLOBS };
  const orders = { ...ORDERS_COPY };
  return {
    records: [
      { id: 1, seq: 0, source, op: 'INSERT', schema: blobs, before: null, after: [1, Buffer.from(allBytes), Buffer.alloc(0), '18446744073709551615', 2 ** 53 - 1, -1.5e-300, null] },
      { id: 2, seq: 1, source, op: 'INIT', schema: blobs, before: null, after: [2, new Uint8Array([1, 2, 3, 250]), null, '0', 0, 0, null] },
      {
        id: 3,
        seq: 2,
        source,
        op: 'UPDATE',
        schema: orders,
        before: [3, 'a', '1.00', 0.5, '2026-01-01 00:00:00.000000', null, 'old'],
        after: [3, 'b', '2.00', 0.25, '2026-01-01 00:00:00.000001', null, bigText],
      },
      { id: 4, seq: 3, source: { ...source, txId: null }, op: 'DDL', kind: 'ALTER_TABLE', database: 'shop', table: 'orders', sql: 'ALTER TABLE orders ADD COLUMN `ß` int' },
    ],
    resume: { file: 'mysql-bin.000009', position: 456, gtidSet: null, nextRecordId: 5 },
    endsTransaction: true,
    lastRecordId: 4,
  } satisfies Batch;
}
