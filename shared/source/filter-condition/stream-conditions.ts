/**
 * Filter conditions on the binlog stream. Each condition is compiled against the TableSchema the
 * row event carries, once per schema object: the stream hands out a new object when the table's
 * shape changes (ALTER), so the WeakMap recompiles then and forgets shapes nobody holds. A
 * condition that no longer compiles (a column it names was dropped) stops the task with a
 * non-retriable error naming table, condition and binlog position: passing or dropping rows the
 * condition cannot judge would silently diverge from "the source filtered".
 */
import type { TableSchema } from '../../record/index.ts';
import type { RowPredicate } from './compile-condition.ts';
import { filterImages, type Image, type ImageRun, type RowOp } from './filter-images.ts';
import { compileTableCondition, type TableCondition } from './table-condition.ts';

export class StreamConditions {
  readonly #conditions: ReadonlyMap<string, TableCondition>;
  readonly #compiled = new WeakMap<TableSchema, RowPredicate | null>();

  /** `conditions` keyed `db.table` (table-condition.ts `tableConditionsOf`). */
  constructor(conditions: ReadonlyMap<string, TableCondition>) {
    this.#conditions = conditions;
  }

  get size(): number {
    return this.#conditions.size;
  }

  /** The event's rows as runs for the assembler; a table without a filter passes whole. `position` is asked only on failure. */
  apply<I extends Image>(op: RowOp, schema: TableSchema, images: readonly I[], position: () => string): ImageRun<I>[] {
    const matches = this.#predicate(schema, position);
    return matches ? filterImages(op, images, matches) : [{ op, images: [...images] }];
  }

  #predicate(schema: TableSchema, position: () => string): RowPredicate | null {
    let p = this.#compiled.get(schema);
    if (p === undefined) {
      const tableCondition = this.#conditions.get(`${schema.database}.${schema.table}`);
      p = tableCondition ? compileTableCondition(tableCondition, schema, position()) : null;
      this.#compiled.set(schema, p);
    }
    return p;
  }
}
