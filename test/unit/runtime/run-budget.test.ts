/** An invocation's work budget: the event's maxRunMs, never past the function timeout less a margin to close and record state. */
import { describe, expect, it } from 'vitest';
import { invocationSignal, runBudgetMs } from '../../../shared/runtime/entries/task-config.ts';

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

describe('invocationSignal', () => {
  it('aborts once the budget is spent, with a TimeoutError naming it, even when nothing else holds the signal', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const { signal } = invocationSignal(60, stop);
    const reason = await new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(reason).toMatchObject({ name: 'TimeoutError', message: 'the run budget of 60 ms is spent' });
  });

  it('aborts at once with the stop controller, and end() clears the timer', async () => {
    const stop = new AbortController();
    const budget = invocationSignal(30, stop);
    stop.abort();
    expect(budget.signal.aborted).toBe(true);
    const other = new AbortController();
    const ended = invocationSignal(30, other);
    ended.end();
    await new Promise((r) => setTimeout(r, 80));
    expect(ended.signal.aborted).toBe(false);
  });
});
