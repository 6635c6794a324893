/** Cutting records into invocations: counts, bytes (exact event sizes), order, and oversize records. */
import { describe, expect, it } from 'vitest';
import { fcEvent } from '../../../../shared/encode/fc-records/index.ts';
import type { ChangeRecord } from '../../../../shared/record/index.ts';
import { planInvocations, type PlannedStep } from '../../../../shared/sink/fc/index.ts';
import { makeBatch } from '../../../helpers/queue-batches.ts';

// Records whose encoding is a string of a chosen length: the plan only measures bytes.
const records = makeBatch(1, 10).records;
const sized = (lengths: number[]) => {
  const byId = new Map(records.map((r, i) => [r.id, 'x'.repeat(lengths[i] ?? 1)]));
  return (r: ChangeRecord) => byId.get(r.id)!;
};
const ids = (steps: PlannedStep[]) => steps.map((s) => (s.kind === 'invoke' ? s.records.map((r) => r.id) : `too-large ${s.record.id} (${s.bytes})`));

describe('planInvocations', () => {
  it.each([
    // [record lengths, limits, expected invocations]
    [[10, 10, 10, 10, 10], { maxRecords: 2, maxBytes: 1000, maxRecordBytes: 100 }, [[1, 2], [3, 4], [5]]],
    // An event of records 10 + 10 + 10 is 14 + 30 + 2 commas = 46 bytes: 46 fits, 45 does not.
    [[10, 10, 10, 10], { maxRecords: 100, maxBytes: 46, maxRecordBytes: 20 }, [[1, 2, 3], [4]]],
    [
      [10, 10, 10, 10],
      { maxRecords: 100, maxBytes: 45, maxRecordBytes: 20 },
      [
        [1, 2],
        [3, 4],
      ],
    ],
    [[20, 1, 20], { maxRecords: 100, maxBytes: 37, maxRecordBytes: 20 }, [[1, 2], [3]]],
    // A record above maxRecordBytes: what precedes it is invoked, then it is reported, nothing after.
    [[10, 10, 101, 10], { maxRecords: 100, maxBytes: 1000, maxRecordBytes: 100 }, [[1, 2], 'too-large 3 (101)']],
    [[101, 10], { maxRecords: 100, maxBytes: 1000, maxRecordBytes: 100 }, ['too-large 1 (101)']],
    [[100], { maxRecords: 1, maxBytes: 114, maxRecordBytes: 100 }, [[1]]],
  ])('%j with %j → %j', (lengths, limits, expected) => {
    const encode = sized(lengths);
    expect(ids([...planInvocations(records.slice(0, lengths.length), encode, limits)])).toEqual(expected);
  });

  it('reports the exact size of each event and never passes maxBytes', () => {
    const lengths = [5, 17, 3, 40, 9, 22, 1, 30, 8, 12];
    const encode = sized(lengths);
    const steps = [...planInvocations(records, encode, { maxRecords: 4, maxBytes: 64, maxRecordBytes: 50 })];
    for (const step of steps) {
      if (step.kind !== 'invoke') throw new Error('unexpected');
      expect(step.bytes).toBe(fcEvent(step.texts).length);
      expect(step.bytes).toBeLessThanOrEqual(64);
      expect(step.texts).toEqual(step.records.map(encode));
    }
    expect(steps.flatMap((s) => (s.kind === 'invoke' ? s.records.map((r) => r.id) : []))).toEqual(records.map((r) => r.id));
  });

  it('counts multi-byte characters as UTF-8 bytes', () => {
    const encode = () => 'ü'.repeat(10); // 20 bytes each
    expect(ids([...planInvocations(records.slice(0, 3), encode, { maxRecords: 10, maxBytes: 14 + 41, maxRecordBytes: 20 })])).toEqual([[1, 2], [3]]);
    expect(ids([...planInvocations(records.slice(0, 1), encode, { maxRecords: 10, maxBytes: 1000, maxRecordBytes: 19 })])).toEqual(['too-large 1 (20)']);
  });

  it('encodes lazily: nothing past an oversize record is encoded', () => {
    const seen: number[] = [];
    const encode = (r: ChangeRecord) => (seen.push(r.id), r.id === 2 ? 'x'.repeat(200) : 'x');
    expect(ids([...planInvocations(records.slice(0, 5), encode, { maxRecords: 10, maxBytes: 1000, maxRecordBytes: 100 })])).toEqual([[1], 'too-large 2 (200)']);
    expect(seen).toEqual([1, 2]);
  });
});
