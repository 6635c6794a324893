/**
 * The lexer for a filter condition, read as MySQL reads it under its default sql_mode: `'…'` and
 * `"…"` are strings with backslash escapes (no ANSI_QUOTES, no NO_BACKSLASH_ESCAPES), `` `…` `` an
 * identifier, `-- `, `#` and `/* *\/` comments. Every token keeps its offsets so an error can quote
 * the exact part of the condition it is about.
 */
import { UnsupportedConditionError } from './unsupported.ts';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or string content (escapes resolved); the operator; the number's digits. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

// Longest first, so `<=>` is not read as `<=` then `>`.
const OPERATORS = ['<=>', '<<', '>>', '<=', '>=', '<>', '!=', ':=', '&&', '||', '=', '<', '>', '(', ')', ',', '+', '-', '*', '/', '%', '!', '&', '|', '^', '~', '.', '@', '?', ';', '{', '}', '[', ']'];

/** MySQL's backslash escapes. `\%` and `\_` keep their backslash: LIKE reads them as literal `%` and `_`. */
const ESCAPES: Record<string, string> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\', '%': '\\%', _: '\\_' };

const WORD_START = /[A-Za-z_$\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (start: number, end: number, reason: string): never => {
    throw new UnsupportedConditionError(reason, source.slice(start, end));
  };
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // `--` starts a comment only when a space or control character follows (`a--1` is a minus minus one).
    if (c === '#' || (source.startsWith('--', i) && (i + 2 >= source.length || source.charCodeAt(i + 2) <= 32))) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) fail(i, source.length, 'the comment is not closed');
      // MySQL executes the text of /*! … */ and MariaDB of /*M! … */: it is not a comment there.
      if (source[i + 2] === '!' || source.startsWith('M!', i + 2)) fail(i, close + 2, 'executable comments (/*! … */) are not supported');
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const { text, end } = readQuoted(source, i, c, true);
      if (end < 0) fail(start, source.length, 'the string is not closed');
      tokens.push({ kind: 'string', value: text, start, end });
      i = end;
      continue;
    }
    if (c === '`') {
      const { text, end } = readQuoted(source, i, '`', false);
      if (end < 0) fail(start, source.length, 'the quoted identifier is not closed');
      tokens.push({ kind: 'quoted', value: text, start, end });
      i = end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      if (/^0[xXbB]/.test(source.slice(i, i + 2)) && WORD_PART.test(source[i + 2] ?? '')) fail(start, wordEnd(source, i), 'hexadecimal and bit literals are not supported');
      const m = NUMBER.exec(source.slice(i))!;
      const end = i + m[0].length;
      if (WORD_PART.test(source[end] ?? '')) fail(start, wordEnd(source, end), 'a name cannot start with a digit here; quote it with backticks');
      tokens.push({ kind: 'number', value: m[0], start, end });
      i = end;
      continue;
    }
    if (WORD_START.test(c)) {
      const end = wordEnd(source, i);
      const word = source.slice(i, end);
      if (source[end] === "'" && /^(?:x|b|n|_\w+)$/i.test(word)) fail(start, end + 1, 'hexadecimal, bit, national and charset-introduced strings are not supported; write a plain quoted string');
      tokens.push({ kind: 'word', value: word, start, end });
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) fail(start, start + 1, `unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'op', value: op!, start, end: start + op!.length });
    i += op!.length;
  }
  tokens.push({ kind: 'end', value: '', start: source.length, end: source.length });
  return tokens;
}

function wordEnd(source: string, from: number): number {
  let i = from;
  while (i < source.length && WORD_PART.test(source[i]!)) i++;
  return i;
}

/** A quoted run; the quote doubled stands for itself. Returns end -1 when the closing quote is missing. */
function readQuoted(source: string, from: number, quote: string, escapes: boolean): { text: string; end: number } {
  let text = '';
  let i = from + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (escapes && c === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      text += ESCAPES[next] ?? next;
      i += 2;
      continue;
    }
    if (c === quote) {
      if (source[i + 1] === quote) {
        text += quote;
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    text += c;
    i++;
  }
  return { text, end: -1 };
}
