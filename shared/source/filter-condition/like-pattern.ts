/**
 * MySQL LIKE as a RegExp: `%` any run, `_` one character, the escape character (default `\`) makes
 * the next one literal. Matching is over the whole value and, unlike `=`, trailing spaces count.
 * For text both sides are folded as `=` folds them (case- and accent-insensitive); binary values
 * match byte for byte, case-sensitively.
 */
import { foldText } from './text-collation.ts';

export type LikeMatcher = (value: string) => boolean;

/** `escape` is one character, or '' for none. `binary`: value and pattern are latin1 views of bytes. */
export function likeMatcher(pattern: string, escape: string, binary: boolean): LikeMatcher {
  const fold = binary ? (s: string) => s : foldText;
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== '' && c === escape && i + 1 < chars.length) {
      source += quote(fold(chars[++i]!));
    } else if (c === '%') {
      source += '[\\s\\S]*';
    } else if (c === '_') {
      source += '[\\s\\S]';
    } else {
      source += quote(fold(c));
    }
  }
  const re = new RegExp(`^${source}$`, binary ? '' : 'u');
  return (value) => re.test(fold(value));
}

function quote(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
