/** An invocation's work budget: the event's maxRunMs, never past the function timeout less a margin to close and record state. */
import { describe, expect, it } from 'vitest';
import { runBudgetMs } from '../../../shared/runtime/entries/task-config.ts';

describe('runBudgetMs', () => {
  it('takes maxRunMs when it fits in the timeout', () => {
    expect(runBudgetMs(840_000, 900)).toBe(840_000); // s.yaml's reader and deliverers
    expect(runBudgetMs(3_000, 10)).toBe(3_000);
  });

  it('without maxRunMs: the timeout less a tenth, at most 30 s', () => {
    expect(runBudgetMs(undefined, 900)).toBe(870_000);
    expect(runBudgetMs(undefined, 60)).toBe(54_000);
    expect(runBudgetMs(undefined, 10)).toBe(9_000);
  });

  it('caps a maxRunMs longer than the timeout allows', () => {
    expect(runBudgetMs(900_000, 900)).toBe(870_000);
    expect(runBudgetMs(60_000, 10)).toBe(9_000);
    expect(runBudgetMs(5_000, 1)).toBe(1_000);
  });
});
