/**
 * Compiles a parsed condition against a table's columns into a predicate over rows. The row
 * matches when the condition is TRUE; FALSE and unknown (NULL) do not match, as in a WHERE clause.
 * Everything that could evaluate differently from the source is rejected here, at compile time.
 */
import type { Row, TableSchema } from '../../record/index.ts';
import { columnKind } from './column-kinds.ts';
import { collationNamed, CONNECTION_COLLATION } from './collations/text-collation.ts';
import { compareNodes } from './compare-nodes.ts';
import { addExact, divideExact, exactFromInteger, exactToString, integerDivideExact, multiplyExact, negateExact, parseExact, remainderExact, subtractExact, type Exact } from './exact-number.ts';
import { likeMatcher } from './like-pattern.ts';
import { parseCondition } from './parse-condition.ts';
import type { ArithmeticOp, Expr, Span } from './syntax.ts';
import { asDouble, asTruth, fromTruth, latin1, reject, type Truth, type Typed } from './typed-node.ts';

export type RowPredicate = (row: Row) => boolean;

/** Throws UnsupportedConditionError naming the part of `condition` that cannot be evaluated. */
export function compileCondition(condition: string, schema: TableSchema): RowPredicate {
  const root = new Compiler(condition, schema).compile(parseCondition(condition));
  const truth = asTruth(condition, root);
  return (row) => truth(row) === true;
}

class Compiler {
  readonly #source: string;
  readonly #schema: TableSchema;

  constructor(source: string, schema: TableSchema) {
    this.#source = source;
    this.#schema = schema;
  }

  compile(e: Expr): Typed {
    const span = e.span;
    switch (e.t) {
      case 'literal':
        return this.#literal(e);
      case 'column':
        return this.#column(e);
      case 'not': {
        const t = this.#truth(e.e);
        return { kind: 'exact', span, eval: (row) => fromTruth(not(t(row))) };
      }
      case 'logic':
        return this.#logic(e.op, this.#truth(e.l), this.#truth(e.r), span);
      case 'compare':
        return compareNodes(this.#source, e.op, this.compile(e.l), this.compile(e.r), span);
      case 'is':
        return this.#is(e);
      case 'in': {
        // MySQL: TRUE if any element is equal, else NULL if the value or any element is NULL, else FALSE: an OR of `=`.
        const value = this.compile(e.e);
        const tests = e.list.map((item) => asTruth(this.#source, compareNodes(this.#source, '=', value, this.compile(item), item.span)));
        const any = tests.reduce((acc, t) => (row) => or(acc(row), t(row)));
        return { kind: 'exact', span, eval: (row) => fromTruth(e.negated ? not(any(row)) : any(row)) };
      }
      case 'between': {
        const value = this.compile(e.e);
        const low = asTruth(this.#source, compareNodes(this.#source, '>=', value, this.compile(e.low), span));
        const high = asTruth(this.#source, compareNodes(this.#source, '<=', value, this.compile(e.high), span));
        return {
          kind: 'exact',
          span,
          eval: (row) => {
            const t = and(low(row), high(row));
            return fromTruth(e.negated ? not(t) : t);
          },
        };
      }
      case 'like':
        return this.#like(e);
      case 'arith':
        return this.#arithmetic(e.op, this.compile(e.l), this.compile(e.r), span);
      case 'negate':
        return this.#negate(this.compile(e.e), span);
    }
  }

  #truth(e: Expr): (row: Row) => Truth {
    return asTruth(this.#source, this.compile(e));
  }

  #literal(e: Extract<Expr, { t: 'literal' }>): Typed {
    const v = e.value;
    const span = e.span;
    switch (v.kind) {
      case 'null':
        return { kind: 'null', span, eval: () => null, literal: {} };
      case 'exact': {
        const exact = parseExact(v.digits)!;
        return { kind: 'exact', span, eval: () => exact, literal: {} };
      }
      case 'double':
        return { kind: 'double', span, eval: () => v.value, literal: {} };
      case 'text':
        return { kind: 'text', span, eval: () => v.value, literal: { text: v.value } };
    }
  }

  #column(e: Extract<Expr, { t: 'column' }>): Typed {
    const { database, table, columns } = this.#schema;
    const q = e.qualifier;
    if ((q.length === 1 && q[0] !== table) || (q.length === 2 && (q[0] !== database || q[1] !== table))) {
      reject(this.#source, e.span, `\`${q.join('.')}\` is not this table (${database}.${table}); write the column name alone`);
    }
    // Column names are case-insensitive in MySQL.
    const index = columns.findIndex((c) => c.name.toLowerCase() === e.name.toLowerCase());
    if (index < 0) reject(this.#source, e.span, `unknown column \`${e.name}\` (${database}.${table} has ${columns.map((c) => c.name).join(', ')})`);
    const kind = columnKind(columns[index]!);
    const read = kind.read;
    return { kind: kind.kind, enumLike: kind.enumLike, collation: kind.collation, span: e.span, eval: (row) => read(row[index] ?? null), raw: (row) => row[index] ?? null };
  }

  #logic(op: 'AND' | 'OR' | 'XOR', l: (row: Row) => Truth, r: (row: Row) => Truth, span: Span): Typed {
    const combine = op === 'AND' ? and : op === 'OR' ? or : xor;
    return { kind: 'exact', span, eval: (row) => fromTruth(combine(l(row), r(row))) };
  }

  #is(e: Extract<Expr, { t: 'is' }>): Typed {
    const span = e.span;
    let test: (row: Row) => boolean;
    if (e.what === 'NULL') {
      const value = this.compile(e.e).eval;
      test = (row) => value(row) === null;
    } else {
      const t = this.#truth(e.e);
      const want = e.what === 'TRUE' ? true : e.what === 'FALSE' ? false : null;
      test = (row) => t(row) === want;
    }
    return { kind: 'exact', span, eval: (row) => fromTruth(test(row) !== e.negated) };
  }

  #like(e: Extract<Expr, { t: 'like' }>): Typed {
    const value = this.compile(e.e);
    const pattern = this.compile(e.pattern);
    const escape = e.escape ? this.compile(e.escape) : null;
    const span = e.span;
    if (pattern.kind === 'null' || value.kind === 'null') return { kind: 'exact', span, eval: () => null };
    if (pattern.literal?.text === undefined) reject(this.#source, pattern.span, 'a LIKE pattern must be a quoted string');
    const escapeChar = escape === null ? '\\' : escape.literal?.text;
    if (escapeChar === undefined || [...escapeChar].length > 1) reject(this.#source, escape!.span, 'ESCAPE takes one quoted character');
    let text: (row: Row) => string | null;
    let binary = false;
    // A column's collation decides which characters match; anything else LIKE reads as text in the connection's.
    const collation = value.collation ?? collationNamed(CONNECTION_COLLATION)!;
    switch (value.kind) {
      case 'text':
        text = value.eval as (row: Row) => string | null;
        break;
      case 'binary': {
        binary = true;
        const bytes = value.eval;
        text = (row) => {
          const v = bytes(row) as Uint8Array | null;
          return v === null ? null : latin1.decode(v);
        };
        break;
      }
      case 'exact': {
        // A column reads as MySQL prints it (DECIMAL keeps its scale, BIT is its number); other numbers print as their digits.
        const exact = value.eval;
        text = (row) => {
          const v = exact(row) as Exact | null;
          return v === null ? null : exactToString(v);
        };
        break;
      }
      case 'datetime':
      case 'time': {
        if (!value.raw) reject(this.#source, value.span, 'LIKE on a computed date or time is not supported');
        const raw = value.raw;
        text = (row) => {
          const v = raw(row);
          return v === null ? null : String(v);
        };
        break;
      }
      default:
        return reject(this.#source, value.span, 'LIKE on FLOAT/DOUBLE values is not supported (MySQL prints them in a format of its own); compare with < and > instead');
    }
    const patternText = binary ? latin1.decode(new TextEncoder().encode(pattern.literal!.text)) : pattern.literal!.text!;
    const matches = likeMatcher(patternText, escapeChar!, binary ? null : collation);
    return {
      kind: 'exact',
      span,
      eval: (row) => {
        const v = text(row);
        if (v === null) return null;
        return fromTruth(matches(v) !== e.negated);
      },
    };
  }

  #arithmetic(op: ArithmeticOp, l: Typed, r: Typed, span: Span): Typed {
    if (l.kind === 'null' || r.kind === 'null') return { kind: 'null', span, eval: () => null };
    if (l.kind === 'exact' && r.kind === 'exact' && !l.enumLike && !r.enumLike) {
      const f = EXACT_OPS[op];
      const a = l.eval;
      const b = r.eval;
      return {
        kind: 'exact',
        span,
        eval: (row) => {
          const x = a(row) as Exact | null;
          if (x === null) return null;
          const y = b(row) as Exact | null;
          return y === null ? null : f(x, y);
        },
      };
    }
    const a = asDouble(this.#source, l);
    const b = asDouble(this.#source, r);
    const f = DOUBLE_OPS[op];
    return {
      kind: op === 'DIV' ? 'exact' : 'double',
      span,
      eval: (row) => {
        const x = a(row);
        if (x === null) return null;
        const y = b(row);
        return y === null ? null : f(x, y);
      },
    };
  }

  #negate(n: Typed, span: Span): Typed {
    if (n.kind === 'null') return n;
    if (n.kind === 'exact' && !n.enumLike) {
      const e = n.eval;
      return {
        kind: 'exact',
        span,
        eval: (row) => {
          const v = e(row) as Exact | null;
          return v === null ? null : negateExact(v);
        },
      };
    }
    const d = asDouble(this.#source, n);
    return {
      kind: 'double',
      span,
      eval: (row) => {
        const v = d(row);
        return v === null ? null : -v;
      },
    };
  }
}

const EXACT_OPS: Record<ArithmeticOp, (a: Exact, b: Exact) => Exact | null> = {
  '+': addExact,
  '-': subtractExact,
  '*': multiplyExact,
  '/': divideExact,
  '%': remainderExact,
  DIV: integerDivideExact,
};

/** DOUBLE arithmetic; division by zero is NULL, DIV truncates to an integer. */
const DOUBLE_OPS: Record<ArithmeticOp, (a: number, b: number) => unknown> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? null : a / b),
  '%': (a, b) => (b === 0 ? null : a % b),
  DIV: (a, b) => (b === 0 || !Number.isFinite(a / b) ? null : exactFromInteger(BigInt(Math.trunc(a / b)))),
};

function not(t: Truth): Truth {
  return t === null ? null : !t;
}

function and(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function or(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

function xor(a: Truth, b: Truth): Truth {
  return a === null || b === null ? null : a !== b;
}
