import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CODEC_VERSION, decodeBatch, encodeBatch, storedEntry } from '../../../shared/queue/codec.ts';
import { QueueCorruptError } from '../../../shared/queue/errors.ts';
import type { Batch, RowRecord } from '../../../shared/record/index.ts';
import { makeBatch, ORDERS } from '../../helpers/queue-batches.ts';
import { randomBatch, seeded } from './codec/random-batches.ts';

/** A payload as builds before version 2 wrote it: the version byte 1, then v8.serialize(batch). */
function v1Payload(batch: Batch): Buffer {
  return Buffer.concat([Buffer.from([1]), serialize(batch)]);
}

describe('queue codec', () => {
  it('writes version 2 and round-trips a batch exactly', () => {
    const batch = makeBatch(7, 5);
    const bytes = encodeBatch(batch);
    expect(CODEC_VERSION).toBe(2);
    expect(bytes[0]).toBe(2);
    expect(decodeBatch(bytes)).toStrictEqual(batch);
  });

  it('still reads version 1 (v8) payloads, so a queue written before the upgrade drains', () => {
    const rnd = seeded(21);
    for (const batch of [makeBatch(1, 4), ...Array.from({ length: 30 }, (_, i) => randomBatch(rnd, i * 100 + 1, 20))]) {
      const payload = v1Payload(batch);
      const decoded = decodeBatch(payload);
      expect(decoded).toStrictEqual(batch);
      // … with the same guarantees as version 2: shared schemas, byte values as Buffers of their own
      const rows = decoded.records.filter((r): r is RowRecord => r.op !== 'DDL');
      const tables = new Set(batch.records.filter((r): r is RowRecord => r.op !== 'DDL').map((r) => r.schema));
      expect(new Set(rows.map((r) => r.schema)).size).toBe(tables.size);
      payload.fill(0, 1);
      expect(decoded).toStrictEqual(batch);
    }
  });

  it('reads a version 1 payload from a plain Uint8Array with Buffers out', () => {
    const batch = makeBatch(2, 2);
    const decoded = decodeBatch(new Uint8Array(v1Payload(batch)));
    expect(Buffer.isBuffer((decoded.records[0] as RowRecord).after![5])).toBe(true);
    expect(decoded).toStrictEqual(batch);
  });

  it('is smaller than version 1 for the same batch', () => {
    const batch = makeBatch(1, 200);
    expect(encodeBatch(batch).length).toBeLessThan(v1Payload(batch).length * 0.8);
    expect(new Set((decodeBatch(encodeBatch(batch)).records as RowRecord[]).map((r) => r.schema))).toEqual(new Set([expect.objectContaining({ table: ORDERS.table })]));
  });

  it('rejects bytes it cannot read with QueueCorruptError naming where they came from', () => {
    const where = { path: '/q/00000000000000000001.seg', offset: 128, seq: 3 };
    const good = encodeBatch(makeBatch(1));
    const newer = Buffer.from(good);
    newer[0] = 7;
    const v1 = v1Payload(makeBatch(1));
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /too short/],
      [Buffer.from([2]), /is 1 bytes, too short/],
      [newer, /format version 7, this build reads versions 1 and 2: was the queue written by a newer build\?/],
      [Buffer.concat([Buffer.from([1]), Buffer.from('not v8 at all')]), /does not decode as a batch/],
      [v1.subarray(0, v1.length / 2), /does not decode as a batch/],
      [v1Payload({ nope: true } as unknown as Batch), /not a batch/],
      [good.subarray(0, good.length / 2), /is corrupt at byte \d+ of \d+: record \d of 3: /],
    ];
    for (const [bytes, message] of cases) {
      let err: unknown;
      try {
        decodeBatch(bytes, where);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(QueueCorruptError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain('(path /q/00000000000000000001.seg, offset 128, seq 3)');
      expect((err as QueueCorruptError).context).toEqual(where);
      expect((err as QueueCorruptError).retriable).toBe(false);
    }
  });

  it('a stored entry counts its records from the header and decodes them only when its batch is first read, once', () => {
    const where = { path: '/q/00000000000000000001.seg', offset: 64, seq: 5 };
    const batch = makeBatch(4, 7);
    const { entry, records } = storedEntry(5, encodeBatch(batch), where);
    expect([entry.seq, records]).toEqual([5, 7]);
    expect(entry.batch).toStrictEqual(batch);
    expect(entry.batch).toBe(entry.batch);
    // Records cut off: the header still counts them, reading the batch names the damage and where.
    const cut = encodeBatch(batch);
    const damaged = storedEntry(5, cut.subarray(0, cut.length - 20), where);
    expect(damaged.records).toBe(7);
    expect(() => damaged.entry.batch).toThrow(QueueCorruptError);
    expect(() => damaged.entry.batch).toThrow(/\(path \/q\/00000000000000000001\.seg, offset 64, seq 5\) is corrupt at byte \d+ of \d+: record 6 of 7/);
    // A header cut short fails at once; a version 1 payload is decoded at once (it has no header to count from).
    expect(() => storedEntry(5, cut.subarray(0, 3), where)).toThrow(QueueCorruptError);
    expect(storedEntry(5, v1Payload(batch), where).records).toBe(7);
  });
});
