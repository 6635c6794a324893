/**
 * MySQL LIKE: `%` any run, `_` one character, the escape character (default `\`) makes the next
 * one literal. Matching is over the whole value and, unlike `=`, trailing spaces count. Text
 * matches character by character by the collation's weights of each (`'Ä' LIKE 'a'` under
 * `_ci`, not under `_bin`); binary values match byte for byte.
 */
import type { TextCollation } from './collations/text-collation.ts';

export type LikeMatcher = (value: string) => boolean;

type Part = { readonly t: 'any' } | { readonly t: 'one' } | { readonly t: 'char'; readonly key: string };

/** `escape` is one character, or '' for none. `collation` null: value and pattern are latin1 views of bytes. */
export function likeMatcher(pattern: string, escape: string, collation: TextCollation | null): LikeMatcher {
  const key = collation ? (c: string) => collation.charKey(c) : (c: string) => c;
  const parts: Part[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== '' && c === escape && i + 1 < chars.length) parts.push({ t: 'char', key: key(chars[++i]!) });
    else if (c === '%') parts.push({ t: 'any' });
    else if (c === '_') parts.push({ t: 'one' });
    else parts.push({ t: 'char', key: key(c) });
  }
  return (value) => matchFrom([...value].map(key), parts);
}

/** Wildcard matching with one backtrack point (the last `%`): linear in practice, never exponential. */
function matchFrom(value: readonly string[], parts: readonly Part[]): boolean {
  let v = 0;
  let p = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const part = parts[p];
    if (part && (part.t === 'one' || (part.t === 'char' && part.key === value[v]))) {
      v++;
      p++;
    } else if (part?.t === 'any') {
      starP = p++;
      starV = v;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (parts[p]?.t === 'any') p++;
  return p === parts.length;
}
