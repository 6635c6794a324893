/**
 * Runs a long-lived stage (the reader, a deliverer) under the task's retry windows: a failure is
 * retried with backoff while its window lasts, progress reported by the stage ends the streak,
 * and a fatal error or an expired window ends the stage with the reason.
 *
 * With `stored`, the window's start lives in the task state (beside the queue), not in this
 * process: a stage that starts failing records when, a later invocation continues that streak, a
 * success clears it, and when the window runs out the task is recorded FAILED with the reason, so
 * every other function and command sees it.
 */
import { DtsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { failed, retryWindowClosed, retryWindowFailed, type FailureReason, type TaskStateStore } from '../task/index.ts';
import { classifyFailure, RetryWindow, sleep, type BackoffOptions, type RetryWindows } from './retry.ts';

export interface StoredWindow {
  readonly store: TaskStateStore;
  /** The stage's name in the state: `reader`, `deliver:<destination>`. */
  readonly stage: string;
}

export interface SuperviseOptions {
  readonly windows: RetryWindows;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
  readonly stored?: StoredWindow;
}

/** What the state records of an error: message, code and context (typed errors carry no secrets or row values). */
export function failureReason(err: unknown): FailureReason {
  if (err instanceof DtsError) return { message: err.message, code: err.code, context: err.context };
  return { message: err instanceof Error ? err.message : String(err), ...((err as { code?: unknown })?.code ? { code: String((err as { code?: unknown }).code) } : {}) };
}

/** `run` is called again after each retriable failure; it calls `progress()` whenever work succeeded. */
export async function supervise(run: (progress: () => void) => Promise<void>, options: SuperviseOptions): Promise<void> {
  const window = new RetryWindow(options.windows, options.backoff);
  const { stored, log } = options;
  // A window may be open in the store from an earlier invocation: the first success closes it.
  let storedMayBeOpen = stored !== undefined;
  let closing: Promise<unknown> = Promise.resolve();
  const progress = () => {
    window.succeeded();
    if (!stored || !storedMayBeOpen) return;
    storedMayBeOpen = false;
    closing = stored.store.update(retryWindowClosed(stored.stage)).catch((err: unknown) => {
      storedMayBeOpen = true;
      log.warn('cannot record the end of the retry window; retrying on the next success', { error: (err as Error).message });
    });
  };
  try {
    while (!options.signal.aborted) {
      try {
        await run(progress);
        return;
      } catch (err) {
        if (options.signal.aborted) return;
        if (stored && classifyFailure(err) !== 'fatal') {
          await closing;
          storedMayBeOpen = true;
          const state = await stored.store.update(retryWindowFailed(stored.stage, Date.now(), failureReason(err)));
          const open = state?.retryWindows?.[stored.stage];
          if (open) window.continueFrom(open.since, open.attempts);
        }
        const decision = window.failed(err);
        if (!decision.retry) {
          if (stored) await stored.store.update(failed(stored.stage, failureReason(decision.error)));
          throw decision.error;
        }
        log.warn('retrying after failure', { error: (err as Error).message, attempt: window.attempts, delayMs: decision.delayMs });
        if (!(await sleep(decision.delayMs, options.signal))) return;
      }
    }
  } finally {
    await closing;
  }
}
