/**
 * Writes collations/data/*.ts: every character's collation weights as the server computes them
 * (WEIGHT_STRING), so the evaluator compares text exactly as the source does instead of guessing
 * from Unicode tables of another version. Run against the stack's MySQL 8 (the collations are
 * the same on MariaDB; the filter-conditions test compares both servers with the evaluator):
 *   npx tsx shared/source/filter-condition/collations/generate-weights.ts 33406 [collation …]
 * For the UCA 9.0.0 collations it also finds the contractions (`l·`, Cyrillic letter + breve …):
 * character pairs whose weights are not the two characters' weights one after the other.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { COLLATION_SOURCES, decodeTable, encodeEntries, splitLevels, type Entry } from './weight-data.ts';

const port = Number(process.argv[2] ?? 33406);
const outDir = join(fileURLToPath(new URL('.', import.meta.url)), 'data');
const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', charset: 'utf8mb4_general_ci' });

const hex = (s: string) => Buffer.from(s).toString('hex');

/** The weights of each text under `collation`, `unitBytes` bytes per weight unit. */
async function weightsOf(texts: string[], collation: string, charset: string, unitBytes: number): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let i = 0; i < texts.length; i += 2000) {
    const part = texts.slice(i, i + 2000);
    const literal = (t: string) => (charset === 'utf8mb4' ? `_utf8mb4 X'${hex(t)}'` : `CONVERT(_utf8mb4 X'${hex(t)}' USING ${charset})`);
    const sql = `SELECT ${part.map((t) => `HEX(WEIGHT_STRING(${literal(t)} COLLATE ${collation}))`).join(',')}`;
    const [rows] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [string[][]];
    for (const w of rows[0]!) out.push(splitLevels(w, unitBytes));
  }
  return out;
}

function codePoints(max: number): number[] {
  const cps: number[] = [];
  for (let c = 0; c <= max; c++) if (c < 0xd800 || c > 0xdfff) cps.push(c);
  return cps;
}

/** Characters of a single-byte charset: byte 0…255 as the server converts it to Unicode. */
async function charsetCharacters(charset: string): Promise<number[]> {
  const sql = `SELECT ${Array.from({ length: 256 }, (_, b) => `HEX(CONVERT(CONVERT(X'${b.toString(16).padStart(2, '0')}' USING ${charset}) USING utf8mb4))`).join(',')}`;
  const [rows] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [string[][]];
  return rows[0]!.map((h) => Buffer.from(h, 'hex').toString('utf8').codePointAt(0)!);
}

/** Pairs (head, tail) whose weights differ from head's then tail's: the collation's contractions. */
async function findContractions(collation: string, table: Map<number, number[][]>): Promise<Entry[]> {
  const weight = (cp: number) => table.get(cp)!;
  // Tails: marks and the letters UCA 9.0.0 contracts with (middle dot, Thai/Lao/Myanmar/Tai scripts).
  const tails = [...table.keys()].filter(
    (cp) =>
      /\p{M}/u.test(String.fromCodePoint(cp)) ||
      cp === 0xb7 ||
      cp === 0x387 ||
      (cp >= 0xe00 && cp <= 0xeff) ||
      (cp >= 0x1000 && cp <= 0x109f) ||
      (cp >= 0x1980 && cp <= 0x19df) ||
      (cp >= 0xaa80 && cp <= 0xaadf),
  );
  // Heads: characters with weights of their own (UCA's implicit weights, from 0xFB40, are computed, never contracted).
  const heads = [...table.keys()].filter((cp) => cp <= 0xffff && (weight(cp)[0]?.length ?? 0) > 0 && weight(cp)[0]![0]! < 0xfb40 && !/\p{M}/u.test(String.fromCodePoint(cp)));
  console.log(collation, heads.length, 'heads,', tails.length, 'tails');
  const found: Entry[] = [];
  const suspects: number[] = [];
  // Each head followed by every tail in turn, built on the server from one pattern, compared by MD5:
  // one hash per head says whether any of its pairs contracts.
  await conn.query(`SET @pattern = _utf8mb4 X'${hex(tails.map((t) => '\u0001' + String.fromCodePoint(t)).join(''))}'`);
  for (let i = 0; i < heads.length; i += 200) {
    const part = heads.slice(i, i + 200);
    const sql = `SELECT ${part.map((h) => `MD5(WEIGHT_STRING(REPLACE(@pattern, _utf8mb4 X'01', _utf8mb4 X'${hex(String.fromCodePoint(h))}') COLLATE ${collation}))`).join(',')}`;
    const [rows] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [string[][]];
    part.forEach((h, j) => {
      const expected = weightBytes(joinLevels(tails.flatMap((t) => [weight(h), weight(t)])));
      if (createHash('md5').update(expected).digest('hex') !== rows[0]![j]!.toLowerCase()) suspects.push(h);
    });
  }
  for (const h of suspects) {
    const pairs = tails.map((t) => String.fromCodePoint(h, t));
    const got = await weightsOf(pairs, collation, 'utf8mb4', 2);
    tails.forEach((t, j) => {
      if (JSON.stringify(joinLevels([weight(h), weight(t)])) !== JSON.stringify(got[j])) found.push({ cps: [h, t], levels: got[j]! });
    });
  }
  return found;
}

/** A weight string as WEIGHT_STRING returns it for a UCA 9.0.0 collation: 16-bit units, levels ended by 0000. */
function weightBytes(levels: number[][]): Buffer {
  const units = levels.flatMap((l, i) => (i < levels.length - 1 ? [...l, 0] : l));
  const b = Buffer.alloc(units.length * 2);
  units.forEach((u, i) => b.writeUInt16BE(u, i * 2));
  return b;
}

/** The contractions another collation's table lists (same characters, same DUCET pairs), weighed under `collation`. */
async function reweigh(collation: string, from: string): Promise<Entry[]> {
  const { WEIGHTS } = (await import(`./data/${from}.ts`)) as { WEIGHTS: string };
  const pairs = [...decodeTable(WEIGHTS).contractions].flatMap(([head, tails]) => [...tails.keys()].map((tail) => [head, tail]));
  const got = await weightsOf(
    pairs.map((p) => String.fromCodePoint(...p)),
    collation,
    'utf8mb4',
    2,
  );
  return pairs.map((cps, i) => ({ cps, levels: got[i]! }));
}

function joinLevels(parts: number[][][]): number[][] {
  const levels = Math.max(...parts.map((p) => p.length));
  return Array.from({ length: levels }, (_, l) => parts.flatMap((p) => p[l] ?? []));
}

// Further arguments: only these collations (all by default).
const only = new Set(process.argv.slice(3));
for (const source of COLLATION_SOURCES.filter((s) => only.size === 0 || only.has(s.collation))) {
  const chars = source.charset === 'utf8mb4' ? codePoints(source.maxCodePoint) : await charsetCharacters(source.charset);
  const weights = await weightsOf(
    chars.map((c) => String.fromCodePoint(c)),
    source.collation,
    source.charset,
    source.unitBytes,
  );
  const table = new Map(chars.map((c, i) => [c, weights[i]!]));
  const entries: Entry[] = chars.map((c, i) => ({ cps: [c], levels: weights[i]! }));
  const contractions = typeof source.contractions === 'string' ? await reweigh(source.collation, source.contractions) : source.contractions ? await findContractions(source.collation, table) : [];
  const text = encodeEntries([...entries, ...contractions]);
  writeFileSync(join(outDir, `${source.collation}.ts`), `// Generated by generate-weights.ts from WEIGHT_STRING on the server; do not edit.\nexport const WEIGHTS = ${JSON.stringify(text)};\n`);
  console.log(source.collation, chars.length, 'characters,', contractions.length, 'contractions,', text.length, 'bytes');
}
await conn.end();
