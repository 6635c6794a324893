/**
 * Retention as pure decisions. A batch may be dropped only when every registered consumer has
 * committed past it; a consumer that never committed holds everything, so a destination added later
 * still sees every stored batch.
 */

/**
 * The highest seq every registered consumer has committed: batches up to it may be dropped.
 * No registered consumers means nobody vouched for anything, so nothing is dropped (0).
 */
export function retentionFloor(consumers: readonly string[], cursors: Readonly<Record<string, number>>): number {
  if (consumers.length === 0) return 0;
  return Math.min(...consumers.map((c) => cursors[c] ?? 0));
}

export interface SeqRange {
  readonly firstSeq: number;
  /** Last seq stored in the range; firstSeq - 1 when it is empty. */
  readonly lastSeq: number;
}

/**
 * How many leading segments can be deleted: those wholly at or below the floor. Never the last one
 * (it is being appended to) nor the one holding the last seq (an empty last segment, left by a
 * crash right after a roll, would otherwise leave `last()` with nothing to answer: the reader
 * resumes from it).
 */
export function droppableSegments(segments: readonly SeqRange[], floor: number): number {
  const lastSeq = segments.at(-1)?.lastSeq ?? 0;
  let n = 0;
  while (n < segments.length - 1 && segments[n]!.lastSeq <= floor && segments[n]!.lastSeq < lastSeq) n++;
  return n;
}

/**
 * The oldest seq a log that trims entry by entry (Redis) keeps: one past the floor, but never past
 * the last seq, so the last batch stays readable for `last()` however far consumers got.
 */
export function keepFromSeq(floor: number, lastSeq: number): number {
  return Math.max(1, Math.min(floor, lastSeq - 1) + 1);
}
