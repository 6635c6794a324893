/**
 * Text comparison by a column's collation, exactly as the server compares: each character's
 * weights come from the server's own WEIGHT_STRING (data/*.ts), never from this runtime's Unicode
 * tables (ICU's root order differs from MySQL's UCA 9.0.0 on quotes, Han and characters added
 * since). Two strings compare by their weight sequences, level by level (`_as_cs`: base letter,
 * then accent, then case). PAD SPACE collations (`_general_ci`, `_unicode_ci`, latin1, `utf8mb4_bin`)
 * compare the longer string's tail with spaces, so `'a' = 'a '` but `'a\t' < 'a'`; NO PAD ones
 * (`utf8mb4_0900_*`) count trailing spaces (`'cn ' > 'cn'`). A collation not listed here has no
 * exact evaluation and is refused (collationNamed returns undefined).
 */
import { InvariantError } from '../../../errors.ts';
import { decodeTable, type WeightTable } from './weight-data.ts';
import { WEIGHTS as GENERAL_CI } from './data/utf8mb4_general_ci.ts';
import { WEIGHTS as UNICODE_CI } from './data/utf8mb4_unicode_ci.ts';
import { WEIGHTS as UCA900_AI_CI } from './data/utf8mb4_0900_ai_ci.ts';
import { WEIGHTS as UCA900_AS_CS } from './data/utf8mb4_0900_as_cs.ts';
import { WEIGHTS as LATIN1_SWEDISH_CI } from './data/latin1_swedish_ci.ts';
import { WEIGHTS as LATIN1_GENERAL_CI } from './data/latin1_general_ci.ts';
import { WEIGHTS as LATIN1_GENERAL_CS } from './data/latin1_general_cs.ts';
import { WEIGHTS as LATIN1_BIN } from './data/latin1_bin.ts';

export interface TextCollation {
  readonly name: string;
  compare(a: string, b: string): number;
  /** One character's weights as a string: LIKE matches a character when the keys are equal. */
  charKey(ch: string): string;
}

type Levels = readonly (readonly number[])[];

interface Rules {
  /** The weights of a code point the table does not cover. */
  readonly missing: (cp: number) => Levels;
  /** PAD SPACE: the space's level-1 unit a shorter string is padded with; null for NO PAD. */
  readonly padUnit: number | null;
  /** LIKE tells apart characters the table does not cover by code point (the `_unicode_ci` LIKE does, its `=` does not). */
  readonly likeMissingByCodePoint?: boolean;
}

class WeighedCollation implements TextCollation {
  readonly name: string;
  readonly #table: () => WeightTable;
  readonly #rules: Rules;
  /** Recent sort keys: a condition's literal is compared with every row, and key values repeat. */
  readonly #keys = new Map<string, number[]>();

  constructor(name: string, table: () => WeightTable, rules: Rules) {
    this.name = name;
    this.#table = table;
    this.#rules = rules;
  }

  #weights(cp: number): Levels {
    return this.#table().weights(cp) ?? this.#rules.missing(cp);
  }

  /** The sort key: level-1 units, then (multi-level collations) 0 and level 2, 0 and level 3. */
  key(text: string): number[] {
    const { contractions } = this.#table();
    const levels: number[][] = [[]];
    let held: number | undefined; // a character waiting to see whether the next one contracts with it
    const add = (w: Levels) => {
      for (let l = 0; l < w.length; l++) {
        const units = w[l]!;
        const out = (levels[l] ??= []);
        for (let u = 0; u < units.length; u++) out.push(units[u]!);
      }
    };
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (held !== undefined) {
        const pair = contractions.get(held)?.get(cp);
        if (pair) {
          add(pair);
          held = undefined;
          continue;
        }
        add(this.#weights(held));
      }
      held = cp;
    }
    if (held !== undefined) add(this.#weights(held));
    if (levels.length === 1) return levels[0]!;
    const key = levels[0]!;
    for (let l = 1; l < levels.length; l++) key.push(0, ...levels[l]!);
    return key;
  }

  #cachedKey(text: string): number[] {
    let k = this.#keys.get(text);
    if (!k) {
      if (this.#keys.size >= 1024) this.#keys.clear();
      this.#keys.set(text, (k = this.key(text)));
    }
    return k;
  }

  compare(a: string, b: string): number {
    const x = this.#cachedKey(a);
    const y = this.#cachedKey(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    const pad = this.#rules.padUnit;
    if (pad === null || x.length === y.length) return Math.sign(x.length - y.length);
    // PAD SPACE: the longer string's tail against spaces; the first unit that differs decides.
    const [longer, sign] = x.length > y.length ? [x, 1] : [y, -1];
    for (let i = n; i < longer.length; i++) if (longer[i] !== pad) return longer[i]! > pad ? sign : -sign;
    return 0;
  }

  charKey(ch: string): string {
    const cp = ch.codePointAt(0)!;
    const w = this.#table().weights(cp);
    if (!w && this.#rules.likeMissingByCodePoint) return `U+${cp}`;
    return (w ?? this.#rules.missing(cp)).map((l) => l.join('.')).join('|');
  }
}

/** Code point order: `utf8mb4_bin` and `utf8mb4_0900_bin` (UTF-8 byte order is code point order). */
class CodePointCollation implements TextCollation {
  readonly name: string;
  readonly #pad: boolean;

  constructor(name: string, pad: boolean) {
    this.name = name;
    this.#pad = pad;
  }

  compare(a: string, b: string): number {
    const x = Array.from(a, (c) => c.codePointAt(0)!);
    const y = Array.from(b, (c) => c.codePointAt(0)!);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    if (!this.#pad || x.length === y.length) return Math.sign(x.length - y.length);
    const [longer, sign] = x.length > y.length ? [x, 1] : [y, -1];
    for (let i = n; i < longer.length; i++) if (longer[i] !== 0x20) return longer[i]! > 0x20 ? sign : -sign;
    return 0;
  }

  charKey(ch: string): string {
    return ch;
  }
}

function lazy(text: string): () => WeightTable {
  let table: WeightTable | undefined;
  return () => (table ??= decodeTable(text));
}

/** Characters past the BMP weigh as U+FFFD in MySQL's and MariaDB's pre-UCA-9 utf8mb4 collations. */
const REPLACEMENT: Levels = [[0xfffd]];
const general = lazy(GENERAL_CI);
const unicode = lazy(UNICODE_CI);
const ai = lazy(UCA900_AI_CI);
const as = lazy(UCA900_AS_CS);
const bmp = (padUnit: number, likeMissingByCodePoint = false): Rules => ({ missing: () => REPLACEMENT, padUnit, likeMissingByCodePoint });
/** A character latin1 cannot hold is stored as `?` (a literal compared with a latin1 column is converted so). */
function latin1(name: string, text: string): TextCollation {
  const table = lazy(text);
  return new WeighedCollation(name, table, { missing: () => table().weights(0x3f)!, padUnit: 0x20 });
}
const noTable = (name: string): Rules => ({
  missing: (cp) => {
    throw new InvariantError(`${name} has no weights for U+${cp.toString(16).toUpperCase()}`);
  },
  padUnit: null,
});

const FACTORIES: Record<string, () => TextCollation> = {
  utf8mb4_general_ci: () => new WeighedCollation('utf8mb4_general_ci', general, bmp(0x20)),
  utf8mb3_general_ci: () => new WeighedCollation('utf8mb3_general_ci', general, bmp(0x20)),
  utf8_general_ci: () => new WeighedCollation('utf8_general_ci', general, bmp(0x20)),
  utf8mb4_unicode_ci: () => new WeighedCollation('utf8mb4_unicode_ci', unicode, bmp(0x209, true)),
  utf8mb3_unicode_ci: () => new WeighedCollation('utf8mb3_unicode_ci', unicode, bmp(0x209, true)),
  utf8_unicode_ci: () => new WeighedCollation('utf8_unicode_ci', unicode, bmp(0x209, true)),
  // The tables cover every code point (unassigned ones with UCA's implicit weights).
  utf8mb4_0900_ai_ci: () => new WeighedCollation('utf8mb4_0900_ai_ci', ai, noTable('utf8mb4_0900_ai_ci')),
  utf8mb4_0900_as_cs: () => new WeighedCollation('utf8mb4_0900_as_cs', as, noTable('utf8mb4_0900_as_cs')),
  utf8mb4_bin: () => new CodePointCollation('utf8mb4_bin', true),
  utf8mb3_bin: () => new CodePointCollation('utf8mb3_bin', true),
  utf8_bin: () => new CodePointCollation('utf8_bin', true),
  utf8mb4_0900_bin: () => new CodePointCollation('utf8mb4_0900_bin', false),
  latin1_swedish_ci: () => latin1('latin1_swedish_ci', LATIN1_SWEDISH_CI),
  latin1_general_ci: () => latin1('latin1_general_ci', LATIN1_GENERAL_CI),
  latin1_general_cs: () => latin1('latin1_general_cs', LATIN1_GENERAL_CS),
  latin1_bin: () => latin1('latin1_bin', LATIN1_BIN),
};

export const SUPPORTED_COLLATIONS: readonly string[] = Object.keys(FACTORIES);

const made = new Map<string, TextCollation>();

/** The collation by its server name (`utf8mb4_0900_ai_ci`), or undefined when it cannot be evaluated exactly. */
export function collationNamed(name: string): TextCollation | undefined {
  const key = name.toLowerCase();
  const factory = FACTORIES[key];
  if (!factory) return undefined;
  let c = made.get(key);
  if (!c) made.set(key, (c = factory()));
  return c;
}

/**
 * What two literals compare by: the connection's collation. Every source connection of the
 * product (connection-options.ts) sets utf8mb4_general_ci, so the full sync's WHERE does too.
 */
export const CONNECTION_COLLATION = 'utf8mb4_general_ci';
