/**
 * Polls the task state so that a `dts pause` or `dts stop` written by another process stops this
 * one's stages within `everyMs`. Polling, not notification: the file store and the Redis store both
 * answer a read cheaply, and a missed poll only delays the stop by one interval.
 */
import type { Logger } from '../log.ts';
import { isActive, type TaskState, type TaskStateStore } from '../task/index.ts';
import { defaults } from '../task/defaults.ts';

export const defaultStatePollMs: number = defaults.statePollMs;

/** Calls `onInactive` once with the first state read that is not RUNNING; returns the stop function. */
export function watchTaskState(store: TaskStateStore, log: Logger, onInactive: (state: TaskState) => void, everyMs = defaultStatePollMs): () => void {
  let stopped = false;
  let reading = false;
  const timer = setInterval(() => {
    if (reading || stopped) return;
    reading = true;
    store
      .read()
      .then((state) => {
        if (stopped || isActive(state)) return;
        stopped = true;
        clearInterval(timer);
        onInactive(state!);
      })
      .catch((err: unknown) => log.warn('cannot read the task state; trying again', { where: store.where, error: (err as Error).message }))
      .finally(() => (reading = false));
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
