/**
 * The control function: `npm run dts -- status|pause|resume|stop` for a deployed task, invoked on
 * demand (`s invoke -e '{"action":"pause"}'`, `npm run invoke -- control event.json`). It writes
 * the same stored state the commands write, through the same code (task-state/lifecycle.ts,
 * task-status.ts), so a refused operation fails with the same message, and every other function
 * sees the change at its next state poll or invocation.
 */
import { z } from 'zod';
import type { Entry } from '../fc/handler.ts';
import { changeTaskLifecycle } from '../task-state/lifecycle.ts';
import { taskStatus } from '../task-state/task-status.ts';
import { configuredTask } from './task-config.ts';

export const CONTROL_ACTIONS = ['status', 'pause', 'resume', 'stop'] as const;

export const controlEvent = z.strictObject({
  action: z.enum(CONTROL_ACTIONS).describe(`one of ${CONTROL_ACTIONS.map((a) => `"${a}"`).join(', ')} (a string)`),
  taskFile: z.string().min(1).describe('the path of a task file (a non-empty string); default DTS_TASK_FILE').optional(),
});

export type ControlEvent = z.output<typeof controlEvent>;

/** `status`: the report `dts status --json` prints; an operation: `{ task, before, after }` as `dts <operation> --json` prints. */
export const controlEntry: Entry<ControlEvent> = async (event) => {
  const { task, origin, baseDir } = await configuredTask(event);
  if (event.action === 'status') return { ...(await taskStatus(task, baseDir, origin)) };
  const { before, after } = await changeTaskLifecycle(task, baseDir, origin, event.action);
  return { task: task.name, before: before?.status ?? null, after: after.status };
};
