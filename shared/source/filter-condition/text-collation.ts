/**
 * Text comparison as the default collations of MariaDB and MySQL 5.7 (`utf8mb4_general_ci`,
 * `latin1_swedish_ci`) behave for the cases filters use: case- and accent-insensitive
 * (`'CN' = 'cn'`, `'é' = 'E'`), trailing spaces ignored (PAD SPACE: `'a' = 'a '`), and ordered by
 * the upper-cased letter, which is general_ci's weight for ASCII (so `'_' > 'A'`).
 * Limits: binary or case-sensitive collations (`_bin`, `_cs`), MySQL 8's NO PAD `utf8mb4_0900_ai_ci`
 * and language-specific orderings (Swedish `ü` = `y`) are not emulated.
 */

const COMBINING_MARKS = /\p{Mn}/gu;
const TRAILING_SPACES = / +$/;

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;

/** The comparison key of a text: accents stripped, upper-cased. ASCII (most keys and codes) skips the Unicode steps. */
export function foldText(text: string): string {
  if (ASCII.test(text)) return text.toUpperCase();
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase();
}

export function compareText(a: string, b: string): number {
  const x = foldText(a.replace(TRAILING_SPACES, ''));
  const y = foldText(b.replace(TRAILING_SPACES, ''));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Bytes compared unsigned, shorter first on a common prefix (binary strings, BINARY/VARBINARY/BLOB). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const NUMERIC_PREFIX = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** A string in a numeric context, as MySQL converts it: its leading number, or 0 (`'12abc'` → 12, `'abc'` → 0). */
export function textToDouble(text: string): number {
  const m = NUMERIC_PREFIX.exec(text);
  return m ? Number(m[0]) : 0;
}
