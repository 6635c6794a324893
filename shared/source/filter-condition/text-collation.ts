/**
 * Conversions MySQL applies to strings outside a collation: binary strings compare byte by byte,
 * and a string in a numeric context becomes its leading number. Text by collation: collations/.
 */

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
