/**
 * The retry-window function (timer): the task's status as last recorded (RUNNING, STOPPED, or
 * FAILED with the reason) and the retry windows that apply to it.
 *
 * Thin until the retry-windows issue: it reports, it does not re-drive stalled destinations or fail
 * the task when a window runs out (today each function retries within the windows on its own, in
 * ops/supervise.ts). The status is the state file the local runtime writes beside the queue
 * (`<queue dir>/state.json`); FC functions do not write it yet, so a cloud deployment reports
 * `recorded: false` rather than a guess.
 */
import { join } from 'node:path';
import { readTaskState, type Task, type TaskState } from '../../task/index.ts';
import { taskDir } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import { configuredTask } from './task-config.ts';

export interface RecordedState {
  readonly file: string;
  readonly recorded: boolean;
  readonly state: TaskState | null;
}

/** The state file of the task and what it holds (null when nothing was recorded there). */
export async function recordedTaskState(task: Task, baseDir: string): Promise<RecordedState> {
  const file = join(taskDir(task, baseDir), 'state.json');
  const state = await readTaskState(file);
  return { file, recorded: state !== null, state };
}

export const retryWindowEntry: Entry = async (event) => {
  const { task, baseDir } = await configuredTask(event);
  const { file, recorded, state } = await recordedTaskState(task, baseDir);
  return {
    task: task.name,
    recorded,
    stateFile: file,
    status: state?.status ?? null,
    since: state?.at ?? null,
    reason: state?.reason ?? null,
    windows: { connectionMinutes: task.advanced.retryConnectionMinutes, otherMinutes: task.advanced.retryOtherMinutes },
  };
};
