import { describe, expect, it } from 'vitest';
import { QueueRangeError } from '../../../shared/queue/errors.ts';
import { assertSeq, isReadFull, readLimits, readOrWait } from '../../../shared/queue/read-limits.ts';
import type { QueueEntry } from '../../../shared/queue/types.ts';

describe('readLimits', () => {
  it('defaults to 64 batches, no record limit, 8 MiB, no wait', () => {
    expect(readLimits()).toEqual({ maxBatches: 64, maxRecords: Infinity, maxBytes: 8 * 1024 * 1024, waitMs: 0 });
    expect(readLimits({ maxBatches: 0, waitMs: -5, maxBytes: 100 })).toEqual({ maxBatches: 1, maxRecords: Infinity, maxBytes: 100, waitMs: 0 });
  });
});

describe('isReadFull', () => {
  it.each([
    { maxBatches: 3, maxRecords: Infinity, batches: 2, records: 100, full: false },
    { maxBatches: 3, maxRecords: Infinity, batches: 3, records: 3, full: true },
    { maxBatches: 64, maxRecords: 10, batches: 0, records: 0, full: false },
    { maxBatches: 64, maxRecords: 0, batches: 0, records: 0, full: false }, // at least one batch
    { maxBatches: 64, maxRecords: 10, batches: 2, records: 9, full: false },
    { maxBatches: 64, maxRecords: 10, batches: 3, records: 10, full: true },
    { maxBatches: 64, maxRecords: 10, batches: 1, records: 500, full: true },
  ])('$batches batches / $records records of ($maxBatches, $maxRecords) → $full', ({ maxBatches, maxRecords, batches, records, full }) => {
    expect(isReadFull({ maxBatches, maxRecords, maxBytes: Infinity, waitMs: 0 }, batches, records)).toBe(full);
  });

  it.each([
    { batches: 0, bytes: 0, full: false },
    { batches: 1, bytes: 999, full: false },
    { batches: 1, bytes: 1000, full: true },
    { batches: 1, bytes: 50_000, full: true }, // one batch over the limit is still returned alone
  ])('$batches batches / $bytes bytes of 1000 → $full', ({ batches, bytes, full }) => {
    expect(isReadFull({ maxBatches: 64, maxRecords: Infinity, maxBytes: 1000, waitMs: 0 }, batches, 0, bytes)).toBe(full);
  });
});

describe('assertSeq', () => {
  it('accepts non-negative integers and names the queue otherwise', () => {
    expect(() => assertSeq('read: afterSeq', 0, '/q')).not.toThrow();
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => assertSeq('read: afterSeq', bad, '/q')).toThrow(QueueRangeError);
    }
    expect(() => assertSeq('read: afterSeq', -1, '/q')).toThrow('read: afterSeq must be a non-negative integer seq, got -1 (queue /q)');
  });
});

describe('readOrWait', () => {
  const entry = { seq: 1 } as unknown as QueueEntry;

  it('returns what is available without waiting, reading with the limits of the options', async () => {
    const waits: number[] = [];
    const seen: unknown[] = [];
    const read = async (limits: unknown) => (seen.push(limits), [entry]);
    const got = await readOrWait(
      { waitMs: 1000, maxBatches: 3 },
      () => false,
      read,
      async (left) => void waits.push(left),
    );
    expect(got).toEqual([entry]);
    expect(seen).toEqual([{ maxBatches: 3, maxRecords: Infinity, maxBytes: 8 * 1024 * 1024, waitMs: 1000 }]);
    expect(waits).toEqual([]);
  });

  it('waits for an append and looks again, until something is there', async () => {
    const reads: QueueEntry[][] = [[], [], [entry]];
    let waits = 0;
    const wait = async (left: number) => {
      expect(left).toBeGreaterThan(59_000);
      waits++;
    };
    expect(
      await readOrWait(
        { waitMs: 60_000 },
        () => false,
        async () => reads.shift() ?? [],
        wait,
      ),
    ).toEqual([entry]);
    expect(waits).toBe(2);
  });

  it('does not wait at all with waitMs 0, on an aborted signal, or on a closed queue', async () => {
    let waits = 0;
    const wait = async () => void waits++;
    const empty = async () => [];
    expect(await readOrWait({ waitMs: 0 }, () => false, empty, wait)).toEqual([]);
    expect(await readOrWait({ waitMs: 60_000, signal: AbortSignal.abort() }, () => false, empty, wait)).toEqual([]);
    expect(await readOrWait({ waitMs: 60_000 }, () => true, empty, wait)).toEqual([]);
    expect(waits).toBe(0);
  });
});
