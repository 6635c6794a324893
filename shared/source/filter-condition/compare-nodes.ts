/**
 * MySQL's comparison rules (refman "Type Conversion in Expression Evaluation") for two compiled
 * nodes: NULL makes the result unknown (except `<=>`); text with text compares by the column's
 * collation (collations/text-collation.ts; two literals by the connection's); a binary string with any string compares bytes; exact with exact compares
 * exactly; a temporal column with a quoted constant converts the constant to a date-time (or TIME);
 * an exact column with a string constant that is a plain number compares exactly (MySQL converts
 * the constant to the column's type); everything else compares as DOUBLE.
 */
import type { Row } from '../../record/index.ts';
import { compareExact, parseExact, type Exact } from './exact-number.ts';
import type { CompareOp, Span } from './syntax.ts';
import { parseDateTimeLiteral, parseTime } from './temporal.ts';
import { collationNamed, CONNECTION_COLLATION } from './collations/text-collation.ts';
import { compareBytes } from './text-collation.ts';
import { asDouble, fromTruth, kindName, reject, type Typed } from './typed-node.ts';

type Comparator = (a: never, b: never) => number;

const utf8 = new TextEncoder();

export function compareNodes(source: string, op: CompareOp, l: Typed, r: Typed, span: Span): Typed {
  const [left, right, cmp] = comparable(source, l, r);
  const test = outcome(op);
  const c = cmp as (a: unknown, b: unknown) => number;
  if (op === '<=>') {
    return {
      kind: 'exact',
      span,
      eval: (row) => {
        const a = left(row);
        const b = right(row);
        if (a === null || b === null) return fromTruth(a === b);
        return fromTruth(c(a, b) === 0);
      },
    };
  }
  return {
    kind: 'exact',
    span,
    eval: (row) => {
      const a = left(row);
      if (a === null) return null;
      const b = right(row);
      return b === null ? null : fromTruth(test(c(a, b)));
    },
  };
}

function outcome(op: CompareOp): (c: number) => boolean {
  switch (op) {
    case '=':
    case '<=>':
      return (c) => c === 0;
    case '<>':
      return (c) => c !== 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '>':
      return (c) => c > 0;
    case '>=':
      return (c) => c >= 0;
  }
}

type Side = (row: Row) => unknown;

/** Both sides brought to one comparable form, and how to order them. */
function comparable(source: string, l: Typed, r: Typed): [Side, Side, Comparator] {
  if (l.kind === 'null' || r.kind === 'null') return [l.eval, r.eval, () => 0];
  if (isTemporal(l) || isTemporal(r)) return temporal(source, l, r);
  if (l.kind === 'text' && r.kind === 'text') return [l.eval, r.eval, textOrder(source, l, r)];
  if (isString(l) && isString(r)) return [asBytes(l), asBytes(r), compareBytes];
  if (l.kind === 'exact' && r.kind === 'exact') return [l.eval, r.eval, compareExact];
  if (l.kind === 'exact' && !l.enumLike && exactConstant(r)) return [l.eval, constant(exactConstant(r)!), compareExact];
  if (r.kind === 'exact' && !r.enumLike && exactConstant(l)) return [constant(exactConstant(l)!), r.eval, compareExact];
  return [asDouble(source, l), asDouble(source, r), (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0)];
}

function isTemporal(n: Typed): boolean {
  return n.kind === 'datetime' || n.kind === 'time';
}

function isString(n: Typed): boolean {
  return n.kind === 'text' || n.kind === 'binary';
}

function asBytes(n: Typed): Side {
  if (n.kind === 'binary') return n.eval;
  return (row) => {
    const v = n.eval(row) as string | null;
    return v === null ? null : utf8.encode(v);
  };
}

function constant(value: unknown): Side {
  return () => value;
}

/** A text literal that is a plain decimal number (`'42'`, `'-1.50'`), as an exact number. */
function exactConstant(n: Typed): Exact | undefined {
  return n.kind === 'text' && n.literal?.text !== undefined ? parseExact(n.literal.text) : undefined;
}

function temporal(source: string, l: Typed, r: Typed): [Side, Side, Comparator] {
  const kind = isTemporal(l) ? l.kind : r.kind;
  const side = (n: Typed, other: Typed): Side => {
    if (n.kind === kind) return n.eval;
    const text = n.literal?.text;
    if (n.kind === 'text' && text !== undefined) {
      const value = kind === 'time' ? parseTime(text) : parseDateTimeLiteral(text);
      if (value === undefined) {
        const form = kind === 'time' ? "'HH:MM:SS[.ffffff]'" : "'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]' or 'YYYYMMDD[HHMMSS]'";
        reject(source, n.span, `this cannot be read as a ${kindName(kind)} to compare with ${source.slice(other.span[0], other.span[1])}; write it as ${form}`);
      }
      return constant(value);
    }
    return reject(
      source,
      n.span,
      `a ${kindName(other.kind)} compares here only with another such column or a quoted literal such as ${kind === 'time' ? "'12:30:00'" : "'2024-01-31 00:00:00'"}, not with a ${kindName(n.kind)}`,
    );
  };
  const order = kind === 'time' ? (a: number, b: number) => a - b : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [side(l, r), side(r, l), order];
}

/** MySQL's coercibility: a column's collation wins over a literal's; two columns must agree. */
function textOrder(source: string, l: Typed, r: Typed): Comparator {
  if (l.collation && r.collation && l.collation.name !== r.collation.name) {
    reject(
      source,
      [l.span[0], r.span[1]],
      `compares columns of different collations (${l.collation.name}, ${r.collation.name}), which MySQL resolves by rules this evaluator does not follow; compare each column with a literal instead`,
    );
  }
  const collation = l.collation ?? r.collation ?? collationNamed(CONNECTION_COLLATION)!;
  return (a: string, b: string) => collation.compare(a, b);
}
