/**
 * A condition this evaluator cannot read or evaluate faithfully. It names the offending part of the
 * condition; the caller adds the table, the whole condition and the config path (FilterConditionError).
 */
export class UnsupportedConditionError extends Error {
  /** The exact text of the condition this is about (`NOW()`, `a IN (SELECT …)`, `||`). */
  readonly part: string;

  constructor(reason: string, part: string) {
    super(reason);
    this.name = new.target.name;
    this.part = part;
  }
}
