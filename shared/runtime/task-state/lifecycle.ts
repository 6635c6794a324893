/**
 * Pause, resume and stop: each one write to the task's stored state, which every running process
 * (the local runner, each FC invocation) polls. Nothing is signalled directly, so the same
 * operation works on a local task and on a deployed one, running or not.
 */
import { resumed, withStatus, type Task, type TaskState } from '../../task/index.ts';
import { OperationRefusedError } from '../../ops/errors.ts';
import { openTaskStateStore } from './state-store.ts';

export type LifecycleOperation = 'pause' | 'resume' | 'stop';

/** Applies the operation; returns the state before and after. */
export async function changeTaskLifecycle(task: Task, baseDir: string, origin: string, operation: LifecycleOperation): Promise<{ before: TaskState | null; after: TaskState }> {
  const store = await openTaskStateStore(task, baseDir, origin);
  let before: TaskState | null = null;
  try {
    const after = await store.update((current) => {
      before = current;
      const status = current?.status ?? 'RUNNING';
      if (operation === 'pause') {
        if (status !== 'RUNNING') throw new OperationRefusedError(operation, task.name, status, 'only a RUNNING task can be paused; `resume` starts a stopped or failed one');
        return withStatus('PAUSED')(current);
      }
      if (operation === 'resume') return resumed(current);
      if (status === 'COMPLETED') throw new OperationRefusedError(operation, task.name, status, 'a completed task has nothing left to stop');
      return withStatus('STOPPED')(current);
    });
    return { before, after: after! };
  } finally {
    await store.close();
  }
}
