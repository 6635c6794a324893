import { describe, expect, it } from 'vitest';
import { droppableSegments, keepFromSeq, retentionFloor } from '../../../shared/queue/retention.ts';

describe('retentionFloor', () => {
  it.each<{ consumers: string[]; cursors: Record<string, number>; floor: number }>([
    { consumers: ['kafka', 'fc'], cursors: { kafka: 10, fc: 4 }, floor: 4 },
    { consumers: ['kafka', 'fc'], cursors: { kafka: 10 }, floor: 0 }, // fc never committed: holds everything
    { consumers: ['kafka'], cursors: { kafka: 10, gone: 2 }, floor: 10 }, // unregistered cursors hold nothing
    { consumers: [], cursors: { kafka: 10 }, floor: 0 }, // nobody registered: keep everything
  ])('$consumers with $cursors → $floor', ({ consumers, cursors, floor }) => {
    expect(retentionFloor(consumers, cursors)).toBe(floor);
  });
});

describe('droppableSegments', () => {
  const seg = (firstSeq: number, lastSeq: number) => ({ firstSeq, lastSeq });
  const three = [seg(1, 10), seg(11, 20), seg(21, 30)];
  it.each([
    { segments: three, floor: 0, n: 0 },
    { segments: three, floor: 9, n: 0 }, // partly passed: kept whole
    { segments: three, floor: 10, n: 1 },
    { segments: three, floor: 25, n: 2 },
    { segments: three, floor: 30, n: 2 }, // never the active segment
    { segments: [seg(1, 10), seg(11, 10)], floor: 10, n: 0 }, // empty active: keep the one holding the last seq
    { segments: [seg(1, 10)], floor: 10, n: 0 },
    { segments: [], floor: 5, n: 0 },
  ])('floor $floor over $segments.length segments → $n', ({ segments, floor, n }) => {
    expect(droppableSegments(segments, floor)).toBe(n);
  });
});

describe('keepFromSeq', () => {
  it.each([
    { floor: 0, lastSeq: 0, keep: 1 },
    { floor: 0, lastSeq: 50, keep: 1 },
    { floor: 30, lastSeq: 50, keep: 31 },
    { floor: 50, lastSeq: 50, keep: 50 }, // the last batch stays for last()
  ])('floor $floor, last $lastSeq → keep from $keep', ({ floor, lastSeq, keep }) => {
    expect(keepFromSeq(floor, lastSeq)).toBe(keep);
  });
});
