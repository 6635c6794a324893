/**
 * A compiled expression: its static kind (column-kinds.ts) and a function from a row to a value of
 * that kind, or null for SQL NULL. Kinds are decided once at compile time, so a type MySQL would
 * compare differently from what this evaluator can do is rejected before the task starts, never
 * guessed per row. Also the conversions MySQL applies between kinds.
 */
import type { Row } from '../../record/index.ts';
import type { TextCollation } from './collations/text-collation.ts';
import type { Kind } from './column-kinds.ts';
import { exactToDouble, ONE, ZERO, type Exact } from './exact-number.ts';
import type { Span } from './syntax.ts';
import { textToDouble } from './text-collation.ts';
import { UnsupportedConditionError } from './unsupported.ts';

export type Evaluate = (row: Row) => unknown;

export interface Typed {
  readonly kind: Kind;
  readonly eval: Evaluate;
  readonly span: Span;
  /** Set for literals: the value is the same for every row (and a text literal may convert to a column's type). */
  readonly literal?: { readonly text?: string };
  readonly enumLike?: boolean;
  /** A text column's collation; text literals have none (MySQL compares them by the column's). */
  readonly collation?: TextCollation;
  /** For a column: its value as the row holds it (LIKE reads DECIMAL and DATETIME as MySQL prints them). */
  readonly raw?: Evaluate;
}

/** Three-valued logic: true, false, or null for unknown. */
export type Truth = boolean | null;

export const latin1 = new TextDecoder('latin1');

export function fromTruth(t: Truth): Exact | null {
  return t === null ? null : t ? ONE : ZERO;
}

/** Fails the compile, quoting the part of the condition the node came from. */
export function reject(source: string, span: Span, reason: string): never {
  throw new UnsupportedConditionError(reason, source.slice(span[0], span[1]));
}

const KIND_NAMES: Record<Kind, string> = { exact: 'number', double: 'number', text: 'text', binary: 'binary string', datetime: 'DATE/DATETIME/TIMESTAMP value', time: 'TIME value', null: 'NULL' };

export function kindName(kind: Kind): string {
  return KIND_NAMES[kind];
}

/** The node as a DOUBLE, as MySQL converts for mixed comparisons and arithmetic. */
export function asDouble(source: string, n: Typed): (row: Row) => number | null {
  const e = n.eval;
  if (n.enumLike) reject(source, n.span, 'an ENUM or SET column used as a number means its index in MySQL; compare it with its text instead');
  switch (n.kind) {
    case 'exact':
      return (row) => {
        const v = e(row) as Exact | null;
        return v === null ? null : exactToDouble(v);
      };
    case 'double':
      return e as (row: Row) => number | null;
    case 'text':
      return (row) => {
        const v = e(row) as string | null;
        return v === null ? null : textToDouble(v);
      };
    case 'binary':
      return (row) => {
        const v = e(row) as Uint8Array | null;
        return v === null ? null : textToDouble(latin1.decode(v));
      };
    case 'null':
      return () => null;
    default:
      return reject(source, n.span, `a ${kindName(n.kind)} cannot be used as a number here; compare it with a quoted literal such as '2024-01-31 00:00:00'`);
  }
}

/** The node as a condition: non-zero is true, as MySQL tests a value in WHERE. */
export function asTruth(source: string, n: Typed): (row: Row) => Truth {
  if (n.kind === 'exact' && !n.enumLike) {
    // Every comparison and logic node is exact 0/1: the hot path, without a detour through DOUBLE.
    const e = n.eval;
    return (row) => {
      const v = e(row) as Exact | null;
      return v === null ? null : v.units !== 0n;
    };
  }
  const d = asDouble(source, n);
  return (row) => {
    const v = d(row);
    return v === null ? null : v !== 0;
  };
}
