/**
 * The syntax tree of a filter condition: only the subset the evaluator supports exists here, so a
 * tree that parsed is a tree that can be compiled (type checks aside). `span` is [start, end) in the
 * condition text, for error messages.
 */

export type Span = readonly [number, number];

/** Literals keep their source form: exact numbers stay digit strings, never lossy JS numbers. */
export type Literal =
  | { readonly kind: 'null' }
  /** Integer or fixed-point literal (`100`, `-3`, `1.10`), exact. */
  | { readonly kind: 'exact'; readonly digits: string }
  /** Literal with an exponent (`1e3`): MySQL reads it as DOUBLE. */
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'text'; readonly value: string };

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | 'DIV';
export type LogicOp = 'AND' | 'OR' | 'XOR';

export type Expr =
  | { readonly t: 'literal'; readonly value: Literal; readonly span: Span }
  /** `qualifier` is what stood before the name: `[]`, `[table]` or `[database, table]`. */
  | { readonly t: 'column'; readonly name: string; readonly qualifier: readonly string[]; readonly span: Span }
  | { readonly t: 'not'; readonly e: Expr; readonly span: Span }
  | { readonly t: 'logic'; readonly op: LogicOp; readonly l: Expr; readonly r: Expr; readonly span: Span }
  | { readonly t: 'compare'; readonly op: CompareOp; readonly l: Expr; readonly r: Expr; readonly span: Span }
  | { readonly t: 'is'; readonly e: Expr; readonly what: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN'; readonly negated: boolean; readonly span: Span }
  | { readonly t: 'in'; readonly e: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly span: Span }
  | { readonly t: 'between'; readonly e: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly span: Span }
  | { readonly t: 'like'; readonly e: Expr; readonly pattern: Expr; readonly escape: Expr | null; readonly negated: boolean; readonly span: Span }
  | { readonly t: 'arith'; readonly op: ArithmeticOp; readonly l: Expr; readonly r: Expr; readonly span: Span }
  | { readonly t: 'negate'; readonly e: Expr; readonly span: Span };
