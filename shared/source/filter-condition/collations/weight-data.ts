/**
 * The text form of a collation's weight table (collations/data/*.ts, written by
 * generate-weights.ts): one line per run of characters, `cp[+n] L1[|L2|L3]`, each level its
 * weight units as 4-hex-digit groups. In a run of n further characters the last level-1 unit
 * grows by one per character (alphabets and UCA's implicit weights are such runs); a run of
 * ignorable characters (no level-1 unit) repeats the same weights. A contraction is a line
 * `cp,cp L1[|L2|L3]`: two characters weighed as one.
 */

export interface CollationSource {
  readonly collation: string;
  readonly charset: 'utf8mb4' | 'latin1';
  /** Bytes per weight unit in WEIGHT_STRING's result. */
  readonly unitBytes: 1 | 2;
  /** The last code point the table covers (utf8mb4 only). */
  readonly maxCodePoint: number;
  /** Search for contractions; or the collation whose contractions (the same DUCET pairs) to weigh again. */
  readonly contractions: boolean | string;
}

export const COLLATION_SOURCES: readonly CollationSource[] = [
  { collation: 'utf8mb4_general_ci', charset: 'utf8mb4', unitBytes: 2, maxCodePoint: 0xffff, contractions: false },
  { collation: 'utf8mb4_unicode_ci', charset: 'utf8mb4', unitBytes: 2, maxCodePoint: 0xffff, contractions: true },
  { collation: 'utf8mb4_0900_ai_ci', charset: 'utf8mb4', unitBytes: 2, maxCodePoint: 0x10ffff, contractions: true },
  { collation: 'utf8mb4_0900_as_cs', charset: 'utf8mb4', unitBytes: 2, maxCodePoint: 0x10ffff, contractions: 'utf8mb4_0900_ai_ci' },
  { collation: 'latin1_swedish_ci', charset: 'latin1', unitBytes: 1, maxCodePoint: 0xff, contractions: false },
  { collation: 'latin1_general_ci', charset: 'latin1', unitBytes: 1, maxCodePoint: 0xff, contractions: false },
  { collation: 'latin1_general_cs', charset: 'latin1', unitBytes: 1, maxCodePoint: 0xff, contractions: false },
  { collation: 'latin1_bin', charset: 'latin1', unitBytes: 1, maxCodePoint: 0xff, contractions: false },
];

/** One character (or a contraction's two) and its weights per level. */
export interface Entry {
  readonly cps: readonly number[];
  readonly levels: readonly (readonly number[])[];
}

/** WEIGHT_STRING's hex as levels: units of `unitBytes`, levels separated by a zero unit. */
export function splitLevels(hex: string, unitBytes: number): number[][] {
  const width = unitBytes * 2;
  const levels: number[][] = [[]];
  for (let i = 0; i < hex.length; i += width) {
    const unit = parseInt(hex.slice(i, i + width), 16);
    if (unit === 0 && unitBytes === 2) levels.push([]);
    else levels.at(-1)!.push(unit);
  }
  return levels;
}

const h4 = (n: number) => n.toString(16).padStart(4, '0');

function levelsText(levels: readonly (readonly number[])[]): string {
  return levels.map((l) => l.map(h4).join('')).join('|');
}

export function encodeEntries(entries: readonly Entry[]): string {
  const lines: string[] = [];
  let run: { start: number; count: number; levels: readonly (readonly number[])[]; text: string } | null = null;
  const flush = () => {
    if (run) lines.push(`${run.start.toString(16)}${run.count > 0 ? `+${run.count.toString(16)}` : ''} ${run.text}`);
    run = null;
  };
  // By code point: lookups search the runs; contractions last.
  const sorted = [...entries].sort((a, b) => a.cps.length - b.cps.length || a.cps[0]! - b.cps[0]! || (a.cps[1] ?? 0) - (b.cps[1] ?? 0));
  for (const e of sorted) {
    if (e.cps.length > 1) {
      flush();
      lines.push(`${e.cps.map((c) => c.toString(16)).join(',')} ${levelsText(e.levels)}`);
      continue;
    }
    const cp = e.cps[0]!;
    const text = levelsText(e.levels);
    if (run && cp === run.start + run.count + 1 && levelsText(successorN(run.levels, run.count + 1)) === text) {
      run.count++;
      continue;
    }
    flush();
    run = { start: cp, count: 0, levels: e.levels, text };
  }
  flush();
  return lines.join('\n');
}

/** The weights of the character `n` places after a run's first. */
function successorN(levels: readonly (readonly number[])[], n: number): number[][] {
  const [first = [], ...rest] = levels;
  if (first.length === 0) return levels.map((l) => [...l]);
  return [[...first.slice(0, -1), first.at(-1)! + n], ...rest.map((l) => [...l])];
}

/** A decoded table: character runs searched by code point, and contractions by their two characters. */
export interface WeightTable {
  /** Weights per level of one code point; undefined when the table does not cover it. */
  weights(cp: number): readonly (readonly number[])[] | undefined;
  readonly contractions: ReadonlyMap<number, ReadonlyMap<number, readonly (readonly number[])[]>>;
}

export function decodeTable(text: string): WeightTable {
  const starts: number[] = [];
  const counts: number[] = [];
  const runLevels: number[][][] = [];
  const contractions = new Map<number, Map<number, number[][]>>();
  for (const line of text.split('\n')) {
    const [key, weights = ''] = line.split(' ');
    const levels = weights.split('|').map((l) => Array.from({ length: l.length / 4 }, (_, i) => parseInt(l.slice(i * 4, i * 4 + 4), 16)));
    if (key!.includes(',')) {
      const [a, b] = key!.split(',').map((c) => parseInt(c, 16));
      let tails = contractions.get(a!);
      if (!tails) contractions.set(a!, (tails = new Map()));
      tails.set(b!, levels);
      continue;
    }
    const [start, count = '0'] = key!.split('+');
    starts.push(parseInt(start!, 16));
    counts.push(parseInt(count, 16));
    runLevels.push(levels);
  }
  const cache = new Map<number, readonly (readonly number[])[]>();
  return {
    contractions,
    weights(cp) {
      const hit = cache.get(cp);
      if (hit) return hit;
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= cp) lo = mid;
        else hi = mid - 1;
      }
      const offset = cp - starts[lo]!;
      if (offset < 0 || offset > counts[lo]!) return undefined;
      const w = offset === 0 ? runLevels[lo]! : successorN(runLevels[lo]!, offset);
      if (cache.size < 65536) cache.set(cp, w);
      return w;
    },
  };
}
