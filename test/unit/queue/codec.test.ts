import { describe, expect, it } from 'vitest';
import { CODEC_VERSION, decodeBatch, encodeBatch } from '../../../shared/queue/codec.ts';
import { QueueCorruptError } from '../../../shared/queue/errors.ts';
import type { Batch, RowRecord } from '../../../shared/record/index.ts';
import { makeBatch, ORDERS } from '../../helpers/queue-batches.ts';

describe('queue codec', () => {
  it('round-trips a batch exactly, behind a version byte', () => {
    const batch = makeBatch(7, 5);
    const bytes = encodeBatch(batch);
    expect(bytes[0]).toBe(CODEC_VERSION);
    expect(decodeBatch(bytes)).toStrictEqual(batch);
  });

  it('returns byte values as Buffers that own their bytes', () => {
    const batch = makeBatch(1, 1);
    const record = batch.records[0] as RowRecord;
    const u8: Batch = { ...batch, records: [{ ...record, after: [1, new Uint8Array([9, 8, 7]), Buffer.from('xyz'), Buffer.alloc(0)] }] };
    const bytes = encodeBatch(u8);
    const after = (decodeBatch(bytes).records[0] as RowRecord).after!;
    for (const v of after.slice(1)) expect(Buffer.isBuffer(v)).toBe(true);
    expect([...(after[1] as Buffer)]).toEqual([9, 8, 7]);
    expect((after[2] as Buffer).toString()).toBe('xyz');
    expect((after[3] as Buffer).length).toBe(0);
    // decoded values are copies: reusing the payload buffer (a network read buffer) cannot change them
    bytes.fill(0);
    expect([...(after[1] as Buffer)]).toEqual([9, 8, 7]);
    expect((after[2] as Buffer).toString()).toBe('xyz');
  });

  it('writes a schema the records share once, and keeps it shared', () => {
    const shared = makeBatch(1, 200);
    const copied: Batch = { ...shared, records: shared.records.map((r) => ({ ...r, schema: structuredClone(ORDERS) }) as RowRecord) };
    const sharedBytes = encodeBatch(shared);
    const copiedBytes = encodeBatch(copied);
    const schemaBytes = encodeBatch({ ...shared, records: [] }).length; // baseline without records
    expect(copiedBytes.length - sharedBytes.length).toBeGreaterThan(199 * 300); // ORDERS serializes to > 300 bytes
    expect(schemaBytes).toBeLessThan(sharedBytes.length);
    const decoded = decodeBatch(sharedBytes).records as RowRecord[];
    expect(new Set(decoded.map((r) => r.schema)).size).toBe(1);
    expect(new Set(decoded.map((r) => r.source)).size).toBe(1);
  });

  it('rejects bytes it cannot read with QueueCorruptError naming where they came from', () => {
    const where = { path: '/q/00000000000000000001.seg', offset: 128, seq: 3 };
    const good = encodeBatch(makeBatch(1));
    const newer = Buffer.from(good);
    newer[0] = 2;
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /too short/],
      [newer, /format version 2, this build reads version 1/],
      [Buffer.concat([Buffer.from([CODEC_VERSION]), Buffer.from('not v8 at all')]), /does not decode as a batch/],
      [good.subarray(0, good.length / 2), /does not decode as a batch/],
      [encodeBatch({ nope: true } as unknown as Batch), /not a batch/],
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
      expect((err as QueueCorruptError).context).toEqual(where);
    }
  });
});
