/**
 * The task's status as DTS shows it: Running, Stopped, or Failed with the reason. Kept beside the
 * queue so that `status` reads it and a restarted task knows why the last run ended.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** COMPLETED: a full-sync-only task finished (DTS shows "Completed"). */
export type TaskStatus = 'RUNNING' | 'STOPPED' | 'FAILED' | 'COMPLETED';

export interface TaskState {
  readonly status: TaskStatus;
  readonly at: string;
  /** Why the task failed: the error's message, code and context (no secrets, no row values). */
  readonly reason?: { readonly message: string; readonly code?: string; readonly context?: unknown };
  /** The full data sync's progress when the run ended (rows, tables, completed). */
  readonly fullSync?: unknown;
}

export async function writeTaskState(file: string, state: TaskState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
}

export async function readTaskState(file: string): Promise<TaskState | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TaskState;
  } catch {
    return null;
  }
}
