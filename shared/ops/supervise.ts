/**
 * Runs a long-lived stage (the reader, a deliverer) under the task's retry windows: a failure is
 * retried with backoff while its window lasts, progress reported by the stage ends the streak,
 * and a fatal error or an expired window ends the stage with the reason.
 */
import type { Logger } from '../log.ts';
import { RetryWindow, sleep, type BackoffOptions, type RetryWindows } from './retry.ts';

export interface SuperviseOptions {
  readonly windows: RetryWindows;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
}

/** `run` is called again after each retriable failure; it calls `progress()` whenever work succeeded. */
export async function supervise(run: (progress: () => void) => Promise<void>, options: SuperviseOptions): Promise<void> {
  const window = new RetryWindow(options.windows, options.backoff);
  const progress = () => window.succeeded();
  while (!options.signal.aborted) {
    try {
      await run(progress);
      return;
    } catch (err) {
      if (options.signal.aborted) return;
      const decision = window.failed(err);
      if (!decision.retry) throw decision.error;
      options.log.warn('retrying after failure', { error: (err as Error).message, attempt: window.attempts, delayMs: decision.delayMs });
      if (!(await sleep(decision.delayMs, options.signal))) return;
    }
  }
}
