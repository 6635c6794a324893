/**
 * Opens the task's state store beside its queue: state.json in the file queue's directory, or
 * `<prefix>:state` in the Redis queue's Redis. Every entry, the local runner and the dts commands
 * open it here, so they all read and write the same state.
 */
import { join } from 'node:path';
import { taskDir } from '../compose.ts';
import { resolveSecret } from '../secrets.ts';
import { FileTaskStateStore, type Task, type TaskStateStore } from '../../task/index.ts';

export function stateFileOf(task: Task, baseDir: string): string {
  return join(taskDir(task, baseDir), 'state.json');
}

export async function openTaskStateStore(task: Task, baseDir: string, origin: string): Promise<TaskStateStore> {
  if (task.queue.type === 'file') return new FileTaskStateStore(stateFileOf(task, baseDir));
  const url = resolveSecret(task.queue.url, 'queue.url', origin).reveal();
  // Loaded on demand, as the Redis queue is: a file-queue task never loads the Redis client.
  const { createRedisTaskStateStore } = await import('../../task/state/redis-store.ts');
  return createRedisTaskStateStore(url, task.queue.prefix ?? `dts:${task.name}`);
}
