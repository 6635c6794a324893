/**
 * The in-flight list as tables: which prefix of read batches the cursor may pass for a given
 * acknowledged record id, including batches that handed nothing and acknowledgements that land
 * inside a batch.
 */
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../shared/errors.ts';
import { acknowledgedPrefix, InflightBatches, type InflightBatch } from '../../../shared/queue/inflight.ts';

const b = (seq: number, lastId: number | null): InflightBatch => ({ seq, lastId });

describe('acknowledgedPrefix', () => {
  it.each<{ name: string; batches: InflightBatch[]; ack: number; prefix: number }>([
    { name: 'nothing in flight', batches: [], ack: 10, prefix: 0 },
    { name: 'nothing acknowledged', batches: [b(1, 3), b(2, 6)], ack: 0, prefix: 0 },
    { name: 'ack inside the first batch', batches: [b(1, 3), b(2, 6)], ack: 2, prefix: 0 },
    { name: 'ack at the end of the first batch', batches: [b(1, 3), b(2, 6)], ack: 3, prefix: 1 },
    { name: 'ack inside the second batch', batches: [b(1, 3), b(2, 6)], ack: 5, prefix: 1 },
    { name: 'everything', batches: [b(1, 3), b(2, 6)], ack: 6, prefix: 2 },
    { name: 'ack past what was handed', batches: [b(1, 3), b(2, 6)], ack: 99, prefix: 2 },
    { name: 'an empty batch first completes at once', batches: [b(1, null), b(2, 6)], ack: 0, prefix: 1 },
    { name: 'an empty batch after a pending one waits', batches: [b(1, 3), b(2, null), b(3, null)], ack: 2, prefix: 0 },
    { name: 'empty batches follow the batch before them', batches: [b(1, 3), b(2, null), b(3, null), b(4, 9)], ack: 3, prefix: 3 },
    { name: 'only empty batches', batches: [b(7, null), b(8, null)], ack: 0, prefix: 2 },
  ])('$name', ({ batches, ack, prefix }) => {
    expect(acknowledgedPrefix(batches, ack)).toBe(prefix);
  });
});

describe('InflightBatches', () => {
  it('removes and returns the acknowledged prefix, oldest first, and keeps the rest in order', () => {
    const list = new InflightBatches<InflightBatch & { records: number }>();
    list.add({ seq: 1, lastId: 3, records: 3 });
    list.add({ seq: 2, lastId: null, records: 0 });
    list.add({ seq: 3, lastId: 6, records: 3 });
    list.add({ seq: 4, lastId: 9, records: 3 });
    expect(list.complete(2)).toEqual([]);
    expect(list.size).toBe(4);
    expect(list.complete(5).map((x) => x.seq)).toEqual([1, 2]);
    expect(list.size).toBe(2);
    expect(list.complete(5)).toEqual([]);
    expect(list.complete(9)).toEqual([
      { seq: 3, lastId: 6, records: 3 },
      { seq: 4, lastId: 9, records: 3 },
    ]);
    expect(list.size).toBe(0);
    list.add({ seq: 5, lastId: null, records: 0 });
    expect(list.complete(9).map((x) => x.seq)).toEqual([5]);
  });

  it.each<{ name: string; first: InflightBatch; next: InflightBatch }>([
    { name: 'a seq that does not grow', first: b(3, 5), next: b(3, 8) },
    { name: 'a seq going back', first: b(3, 5), next: b(2, 8) },
    { name: 'a record id that does not grow', first: b(3, 5), next: b(4, 5) },
    { name: 'a record id below one handed earlier', first: b(3, 5), next: b(4, 4) },
  ])('refuses $name as a bug', ({ first, next }) => {
    const list = new InflightBatches();
    list.add(first);
    expect(() => list.add(next)).toThrow(InvariantError);
    expect(list.size).toBe(1);
  });

  it('accepts an empty batch between others without moving the id', () => {
    const list = new InflightBatches();
    list.add(b(1, 5));
    list.add(b(2, null));
    list.add(b(3, 6));
    expect(list.size).toBe(3);
  });
});
