/**
 * A recursive-descent parser for a filter condition, one function per level of MySQL's grammar
 * (sql_yacc.yy `expr` → `bool_pri` → `predicate` → `bit_expr` → `simple_expr`), so precedence is
 * MySQL's own: OR < XOR < AND < NOT < comparison/IS < IN/BETWEEN/LIKE < + - < * / DIV % MOD
 * < unary - and !. Anything outside the supported subset is rejected here, naming the part.
 *
 * Hand-written rather than taken from a library: node-sql-parser 5.4 parses `a = 1 OR b = 2 AND
 * c = 3` as `(a = 1 OR b = 2) AND c = 3` and has no `<=>`; sqlparser-rs 0.62 (WASM) parses
 * `a DIV 2 = 1` as `a DIV (2 = 1)` and binds XOR above AND. A filter evaluated with the wrong
 * precedence would silently disagree with the source's own WHERE.
 */
import type { ArithmeticOp, CompareOp, Expr, Literal, Span } from './syntax.ts';
import { tokenize, type Token } from './tokens.ts';
import { UnsupportedConditionError } from './unsupported.ts';

const COMPARE: Record<string, CompareOp> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '<=>': '<=>' };
const MULTIPLY: Record<string, ArithmeticOp> = { '*': '*', '/': '/', '%': '%', DIV: 'DIV', MOD: '%' };
const BITWISE = new Set(['|', '&', '<<', '>>', '^', '~']);
/** Words that cannot be a bare column name here: operators of the grammar, or constructs not supported. */
const KEYWORDS = new Set([
  'AND',
  'OR',
  'XOR',
  'NOT',
  'IS',
  'IN',
  'BETWEEN',
  'LIKE',
  'ESCAPE',
  'DIV',
  'MOD',
  'NULL',
  'TRUE',
  'FALSE',
  'UNKNOWN',
  'REGEXP',
  'RLIKE',
  'SOUNDS',
  'MEMBER',
  'COLLATE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'INTERVAL',
  'EXISTS',
  'SELECT',
  'WITH',
  'VALUES',
  'BINARY',
  'CAST',
  'CONVERT',
  'MATCH',
  'ROW',
  'DEFAULT',
  'ANY',
  'ALL',
  'SOME',
  'ORDER',
  'GROUP',
  'LIMIT',
  'HAVING',
  'UNION',
  'FROM',
  'WHERE',
]);

export function parseCondition(source: string): Expr {
  return new ConditionParser(source).parse();
}

class ConditionParser {
  readonly #source: string;
  readonly #tokens: Token[];
  #i = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
  }

  parse(): Expr {
    if (this.#peek().kind === 'end') throw new UnsupportedConditionError('the condition is empty', '');
    const e = this.#or();
    const t = this.#peek();
    if (t.kind === 'end') return e;
    if (this.#isOp(t, ';')) this.#fail(t.start, this.#source.length, 'a filter is one condition: nothing may follow a ";"');
    if (t.kind === 'word' && ['ORDER', 'GROUP', 'LIMIT', 'HAVING', 'UNION'].includes(t.value.toUpperCase())) {
      this.#fail(t.start, this.#source.length, 'a filter is a WHERE condition only: ORDER BY, GROUP BY, LIMIT, HAVING and UNION do not belong in it');
    }
    return this.#unexpected(t);
  }

  #or(): Expr {
    let l = this.#xor();
    for (;;) {
      const t = this.#peek();
      if (this.#isOp(t, '||')) this.#fail(t.start, t.end, "'||' is OR or string concatenation depending on the source's sql_mode (PIPES_AS_CONCAT); write OR");
      if (!this.#isWord(t, 'OR')) return l;
      this.#next();
      const r = this.#xor();
      l = { t: 'logic', op: 'OR', l, r, span: join(l, r) };
    }
  }

  #xor(): Expr {
    let l = this.#and();
    while (this.#isWord(this.#peek(), 'XOR')) {
      this.#next();
      const r = this.#and();
      l = { t: 'logic', op: 'XOR', l, r, span: join(l, r) };
    }
    return l;
  }

  #and(): Expr {
    let l = this.#not();
    while (this.#isWord(this.#peek(), 'AND') || this.#isOp(this.#peek(), '&&')) {
      this.#next();
      const r = this.#not();
      l = { t: 'logic', op: 'AND', l, r, span: join(l, r) };
    }
    return l;
  }

  #not(): Expr {
    const t = this.#peek();
    if (!this.#isWord(t, 'NOT')) return this.#booleanPrimary();
    this.#next();
    const e = this.#not();
    return { t: 'not', e, span: [t.start, e.span[1]] };
  }

  /** Comparisons and IS tests, left-associative as in MySQL (`a = b = c` is `(a = b) = c`). */
  #booleanPrimary(): Expr {
    let l = this.#predicate();
    for (;;) {
      const t = this.#peek();
      const op = t.kind === 'op' ? COMPARE[t.value] : undefined;
      if (op) {
        this.#next();
        const next = this.#peek();
        if (next.kind === 'word' && ['ANY', 'ALL', 'SOME'].includes(next.value.toUpperCase())) this.#fail(next.start, this.#source.length, 'subqueries are not supported');
        const r = this.#predicate();
        l = { t: 'compare', op, l, r, span: join(l, r) };
        continue;
      }
      if (this.#isWord(t, 'IS')) {
        this.#next();
        const negated = this.#isWord(this.#peek(), 'NOT');
        if (negated) this.#next();
        const what = this.#next();
        const name = what.kind === 'word' ? what.value.toUpperCase() : '';
        if (name !== 'NULL' && name !== 'TRUE' && name !== 'FALSE' && name !== 'UNKNOWN') this.#fail(t.start, what.end, 'IS must be followed by [NOT] NULL, TRUE, FALSE or UNKNOWN');
        l = { t: 'is', e: l, what: name as 'NULL', negated, span: [l.span[0], what.end] };
        continue;
      }
      return l;
    }
  }

  #predicate(): Expr {
    const e = this.#additive();
    let t = this.#peek();
    let negated = false;
    if (this.#isWord(t, 'NOT') && this.#peek(1).kind === 'word' && ['IN', 'BETWEEN', 'LIKE', 'REGEXP', 'RLIKE'].includes(this.#peek(1).value.toUpperCase())) {
      negated = true;
      this.#next();
      t = this.#peek();
    }
    if (t.kind !== 'word') return e;
    switch (t.value.toUpperCase()) {
      case 'IN': {
        this.#next();
        this.#expectOp('(');
        if (this.#isSubquery()) this.#fail(t.start, this.#source.length, 'subqueries are not supported');
        const list = [this.#or()];
        while (this.#isOp(this.#peek(), ',')) {
          this.#next();
          list.push(this.#or());
        }
        const close = this.#expectOp(')');
        return { t: 'in', e, list, negated, span: [e.span[0], close.end] };
      }
      case 'BETWEEN': {
        this.#next();
        const low = this.#additive();
        if (!this.#isWord(this.#peek(), 'AND')) this.#unexpected(this.#peek(), 'AND of BETWEEN … AND …');
        this.#next();
        const high = this.#predicate();
        return { t: 'between', e, low, high, negated, span: join(e, high) };
      }
      case 'LIKE': {
        this.#next();
        const pattern = this.#unary();
        let escape: Expr | null = null;
        if (this.#isWord(this.#peek(), 'ESCAPE')) {
          this.#next();
          escape = this.#unary();
        }
        return { t: 'like', e, pattern, escape, negated, span: join(e, escape ?? pattern) };
      }
      case 'REGEXP':
      case 'RLIKE':
      case 'SOUNDS':
      case 'MEMBER':
        return this.#fail(t.start, t.end, `${t.value.toUpperCase()} is not supported; use LIKE, IN or comparisons`);
      default:
        if (negated) this.#unexpected(t);
        return e;
    }
  }

  #additive(): Expr {
    let l = this.#multiplicative();
    for (;;) {
      const t = this.#peek();
      if (!this.#isOp(t, '+') && !this.#isOp(t, '-')) return l;
      this.#next();
      const r = this.#multiplicative();
      l = { t: 'arith', op: t.value as '+' | '-', l, r, span: join(l, r) };
    }
  }

  #multiplicative(): Expr {
    let l = this.#unary();
    for (;;) {
      const t = this.#peek();
      if (t.kind === 'op' && BITWISE.has(t.value)) this.#fail(t.start, t.end, 'bitwise operators are not supported');
      const op = t.kind === 'op' || t.kind === 'word' ? MULTIPLY[t.kind === 'word' ? t.value.toUpperCase() : t.value] : undefined;
      if (!op) return l;
      this.#next();
      const r = this.#unary();
      l = { t: 'arith', op, l, r, span: join(l, r) };
    }
  }

  #unary(): Expr {
    const t = this.#peek();
    if (this.#isOp(t, '-') || this.#isOp(t, '+') || this.#isOp(t, '!')) {
      this.#next();
      const e = this.#unary();
      const span: Span = [t.start, e.span[1]];
      if (t.value === '+') return e;
      return t.value === '-' ? { t: 'negate', e, span } : { t: 'not', e, span };
    }
    if (this.#isOp(t, '~')) this.#fail(t.start, t.end, 'bitwise operators are not supported');
    const e = this.#primary();
    const after = this.#peek();
    if (this.#isWord(after, 'COLLATE')) this.#fail(after.start, this.#peek(1).end, 'COLLATE is not supported: text compares case-insensitively, as the default collations do');
    return e;
  }

  #primary(): Expr {
    const t = this.#next();
    switch (t.kind) {
      case 'number':
        return { t: 'literal', value: numberLiteral(t.value), span: [t.start, t.end] };
      case 'string': {
        // Adjacent strings are one string in MySQL: 'a' 'b' is 'ab'.
        let value = t.value;
        let end = t.end;
        while (this.#peek().kind === 'string') {
          const s = this.#next();
          value += s.value;
          end = s.end;
        }
        return { t: 'literal', value: { kind: 'text', value }, span: [t.start, end] };
      }
      case 'quoted':
        return this.#column(t);
      case 'word':
        return this.#word(t);
      case 'op':
        if (t.value === '(') {
          const open = this.#i - 1;
          if (this.#isSubquery()) this.#fail(t.start, this.#source.length, 'subqueries are not supported');
          const e = this.#or();
          if (this.#isOp(this.#peek(), ',')) this.#fail(t.start, this.#closing(open), 'row constructors ((a, b) = (1, 2)) are not supported; compare each column');
          this.#expectOp(')');
          return e;
        }
        if (t.value === '@') return this.#fail(t.start, this.#peek().end, 'variables are not supported');
        if (t.value === '?') return this.#fail(t.start, t.end, 'placeholders are not supported');
        return this.#unexpected(t);
      case 'end':
        return this.#fail(t.start, t.end, 'the condition ends where a value was expected');
    }
  }

  #word(t: Token): Expr {
    const upper = t.value.toUpperCase();
    if (upper === 'CASE' || upper === 'INTERVAL' || upper === 'EXISTS' || upper === 'BINARY' || upper === 'MATCH' || upper === 'DEFAULT') {
      return this.#fail(t.start, t.end, `${upper} is not supported`);
    }
    if (this.#isOp(this.#peek(), '(')) {
      return this.#fail(
        t.start,
        this.#closing(this.#i),
        `functions (${t.value}(…)) are not supported: the stream evaluates conditions without the source, so only columns, literals and operators are allowed`,
      );
    }
    if (upper === 'NULL') return { t: 'literal', value: { kind: 'null' }, span: [t.start, t.end] };
    if (upper === 'TRUE' || upper === 'FALSE') return { t: 'literal', value: { kind: 'exact', digits: upper === 'TRUE' ? '1' : '0' }, span: [t.start, t.end] };
    if (this.#peek().kind === 'string') return this.#fail(t.start, this.#peek().end, `typed literals (${t.value} '…') are not supported; write the quoted value alone`);
    if (KEYWORDS.has(upper)) return this.#unexpected(t);
    return this.#column(t);
  }

  /** `name`, `table.name` or `db.table.name`; whether the qualifier fits the table is checked on compile. */
  #column(first: Token): Expr {
    const parts = [first.value];
    let end = first.end;
    while (this.#isOp(this.#peek(), '.') && parts.length < 3) {
      this.#next();
      const part = this.#next();
      if (part.kind !== 'word' && part.kind !== 'quoted') this.#unexpected(part, 'a column name after "."');
      parts.push(part.value);
      end = part.end;
    }
    const name = parts.pop()!;
    return { t: 'column', name, qualifier: parts, span: [first.start, end] };
  }

  #isSubquery(): boolean {
    const t = this.#peek();
    return t.kind === 'word' && ['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(t.value.toUpperCase());
  }

  /** End offset of the parenthesised run opening at token `open` (or the condition's end). */
  #closing(open: number): number {
    let depth = 0;
    for (let k = open; k < this.#tokens.length; k++) {
      const t = this.#tokens[k]!;
      if (this.#isOp(t, '(')) depth++;
      if (this.#isOp(t, ')') && --depth === 0) return t.end;
    }
    return this.#source.length;
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#i + ahead, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const t = this.#peek();
    if (t.kind !== 'end') this.#i++;
    return t;
  }

  #isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.value === op;
  }

  #isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.value.toUpperCase() === word;
  }

  #expectOp(op: string): Token {
    const t = this.#peek();
    if (!this.#isOp(t, op)) this.#unexpected(t, `"${op}"`);
    return this.#next();
  }

  #unexpected(t: Token, expected?: string): never {
    if (t.kind === 'end') this.#fail(t.start, t.end, `the condition ends too early${expected ? `; expected ${expected}` : ''}`);
    return this.#fail(t.start, t.end, `unexpected ${JSON.stringify(this.#source.slice(t.start, t.end))}${expected ? `; expected ${expected}` : ''}`);
  }

  #fail(start: number, end: number, reason: string): never {
    throw new UnsupportedConditionError(reason, this.#source.slice(start, end));
  }
}

function join(l: Expr, r: Expr): Span {
  return [l.span[0], r.span[1]];
}

function numberLiteral(text: string): Literal {
  if (/[eE]/.test(text)) return { kind: 'double', value: Number(text) };
  return { kind: 'exact', digits: text };
}
