/**
 * Which task an FC function runs: `taskFile` in the event, else DTS_TASK_FILE (deployed next to
 * the code), else the local demo task. Loaded and validated once per instance.
 */
import { resolve } from 'node:path';
import { loadTask, type Task } from '../../task/index.ts';
import type { EntryEvent } from '../fc/handler.ts';

const cache = new Map<string, Promise<Task>>();

export async function configuredTask(event: EntryEvent): Promise<{ task: Task; origin: string; baseDir: string }> {
  const file = resolve(typeof event.taskFile === 'string' ? event.taskFile : (process.env.DTS_TASK_FILE ?? 'examples/local.yaml'));
  let loading = cache.get(file);
  if (!loading) {
    loading = loadTask(file);
    loading.catch(() => cache.delete(file));
    cache.set(file, loading);
  }
  return { task: await loading, origin: file, baseDir: process.env.DTS_BASE_DIR ?? process.cwd() };
}

/** How long this invocation may work: the event's `maxRunMs`, else the function timeout less a margin. */
export function runBudgetMs(event: EntryEvent, timeoutSeconds: number): number {
  if (typeof event.maxRunMs === 'number' && event.maxRunMs > 0) return event.maxRunMs;
  return Math.max(5_000, timeoutSeconds * 1000 - 30_000);
}
