/**
 * The retry-window function (timer): the task's status as stored (RUNNING, PAUSED, STOPPED,
 * FAILED with the reason, COMPLETED), the retry windows that apply to it and the ones open now.
 *
 * The windows themselves are enforced by each stage (ops/supervise.ts) from the start stored in
 * the task state, so they span FC invocations: when one runs out, the stage records the task
 * FAILED and every function sees it. This function reports that state; it reads it from where the
 * task keeps it (state.json beside a file queue, `<prefix>:state` beside a Redis queue).
 *
 * It also evaluates the task's alert rules (ops/alerts) at every tick, whatever the task's status
 * (a FAILED task's other functions skip; this one still runs, so `failed` notifies), and returns
 * what it sent. Alert state lives in the task state, so `for 5m` spans ticks.
 */
import type { Logger } from '../../log.ts';
import { evaluateAlerts, type AlertsOutcome } from '../../ops/alerts/index.ts';
import type { Task, TaskState } from '../../task/index.ts';
import { alertWebhookOf, openQueue } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import type { RetryWindowEvent } from '../fc/event-schemas.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import { configuredTask } from './task-config.ts';

export interface RecordedState {
  /** Where the state is kept: a file path, or the Redis key. */
  readonly file: string;
  readonly recorded: boolean;
  readonly state: TaskState | null;
}

/** The task's stored state (null when nothing was recorded yet). */
export async function recordedTaskState(task: Task, baseDir: string, origin = 'task'): Promise<RecordedState> {
  const store = await openTaskStateStore(task, baseDir, origin);
  try {
    const state = await store.read();
    return { file: store.where, recorded: state !== null, state };
  } finally {
    await store.close();
  }
}

/** One evaluation of the task's alert rules against its stored state and its queue's latency. */
async function tickAlerts(task: Task, baseDir: string, origin: string, log: Logger): Promise<AlertsOutcome> {
  const webhook = alertWebhookOf(task, origin);
  const store = await openTaskStateStore(task, baseDir, origin);
  try {
    const queue = await openQueue(task, baseDir, origin, { writer: false });
    try {
      return await evaluateAlerts({ task, webhook, store, queue, log: log.child({ stage: 'alerts' }) });
    } finally {
      await queue.close();
    }
  } finally {
    await store.close();
  }
}

export const retryWindowEntry: Entry<RetryWindowEvent> = async (event, _context, log) => {
  const { task, origin, baseDir } = await configuredTask(event);
  const alerts = task.alerts ? await tickAlerts(task, baseDir, origin, log) : null;
  const { file, recorded, state } = await recordedTaskState(task, baseDir, origin);
  const open = Object.entries(state?.retryWindows ?? {});
  return {
    task: task.name,
    recorded,
    stateFile: file,
    status: state?.status ?? null,
    since: state?.at ?? null,
    reason: state?.reason ?? null,
    windows: { connectionMinutes: task.advanced.retryConnectionMinutes, otherMinutes: task.advanced.retryOtherMinutes },
    // Only when a stage is retrying: stage → since (ISO), attempts, last error.
    ...(alerts ? { alerts: { firing: alerts.firing, sent: alerts.sent, failed: alerts.failed } } : {}),
    ...(open.length > 0
      ? { retrying: Object.fromEntries(open.map(([stage, w]) => [stage, { since: new Date(w.since).toISOString(), attempts: w.attempts, lastError: w.lastError?.message ?? null }])) }
      : {}),
  };
};
