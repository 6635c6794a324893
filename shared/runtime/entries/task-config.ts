/**
 * Which task an FC function runs: `taskFile` in the event, else DTS_TASK_FILE (deployed next to
 * the code), else the local demo task. Loaded and validated once per instance.
 */
import { resolve } from 'node:path';
import { loadTask, type Task } from '../../task/index.ts';

const cache = new Map<string, Promise<Task>>();

export async function configuredTask(event: { readonly taskFile?: string }): Promise<{ task: Task; origin: string; baseDir: string }> {
  const file = resolve(event.taskFile ?? process.env.DTS_TASK_FILE ?? 'examples/local.yaml');
  let loading = cache.get(file);
  if (!loading) {
    loading = loadTask(file);
    loading.catch(() => cache.delete(file));
    cache.set(file, loading);
  }
  return { task: await loading, origin: file, baseDir: process.env.DTS_BASE_DIR ?? process.cwd() };
}

/**
 * How long this invocation may work: the event's `maxRunMs`, never past the function's timeout less
 * a margin to close the queue and record state before FC ends the invocation (a tenth of the
 * timeout, at most 30 s).
 */
export function runBudgetMs(maxRunMs: number | undefined, timeoutSeconds: number): number {
  const timeoutMs = timeoutSeconds * 1000;
  const ceiling = Math.max(1_000, timeoutMs - Math.min(30_000, timeoutMs / 10));
  return Math.min(maxRunMs ?? ceiling, ceiling);
}

/**
 * An invocation's stop signal: aborted by `stop` or once the budget is spent. A timer of its own,
 * not AbortSignal.timeout inside AbortSignal.any: Node 20 may collect such a timeout signal
 * before it fires (nodejs/node#57736), and the invocation would then run until FC kills it.
 * `end()` clears the timer.
 */
export function invocationSignal(budgetMs: number, stop: AbortController): { signal: AbortSignal; end(): void } {
  const timer = setTimeout(() => stop.abort(new DOMException(`the run budget of ${budgetMs} ms is spent`, 'TimeoutError')), budgetMs);
  return { signal: stop.signal, end: () => clearTimeout(timer) };
}
