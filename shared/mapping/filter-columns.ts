/** The columns a filter condition names (lower case), to refuse a mapping that renames or drops one. */
import { parseCondition } from '../source/filter-condition/parse-condition.ts';
import type { Expr } from '../source/filter-condition/syntax.ts';

/** Null when the condition does not parse (the reader's validation reports that, with the reason). */
export function filterColumns(condition: string): Set<string> | null {
  let root: Expr;
  try {
    root = parseCondition(condition);
  } catch {
    return null;
  }
  const out = new Set<string>();
  const visit = (e: Expr | null): void => {
    if (e === null) return;
    switch (e.t) {
      case 'column':
        out.add(e.name.toLowerCase());
        return;
      case 'literal':
        return;
      case 'not':
      case 'negate':
      case 'is':
        return visit(e.e);
      case 'logic':
      case 'compare':
      case 'arith':
        visit(e.l);
        return visit(e.r);
      case 'in':
        visit(e.e);
        return e.list.forEach(visit);
      case 'between':
        visit(e.e);
        visit(e.low);
        return visit(e.high);
      case 'like':
        visit(e.e);
        visit(e.pattern);
        return visit(e.escape);
    }
  };
  visit(root);
  return out;
}
