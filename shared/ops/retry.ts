/**
 * DTS retry windows, written once for every stage. Windows are deadlines, not counts: a failure
 * streak may last `connectionMs` when the failure is a lost connection and `otherMs` otherwise;
 * any success ends the streak. Whether an error is a connection failure, another retriable
 * failure, or fatal is a property of the error (its code and `retriable`), never of its text.
 */
import { DtsError, ErrorCodes, isRetriable } from '../errors.ts';
import { RetryWindowExceededError } from './errors.ts';
import { isConnectionFailureCode } from '../socket-errors.ts';
import { defaults } from '../task/defaults.ts';

export interface RetryWindows {
  readonly connectionMs: number;
  readonly otherMs: number;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export type FailureKind = 'connection' | 'other' | 'fatal';

const connectionCodes = new Set<string>([ErrorCodes.SOURCE_CONNECTION, ErrorCodes.SINK_CONNECTION]);

export function classifyFailure(err: unknown): FailureKind {
  if (!isRetriable(err)) return 'fatal';
  if (err instanceof DtsError) return connectionCodes.has(err.code) ? 'connection' : 'other';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return isConnectionFailureCode(code) ? 'connection' : 'other';
}

/** Exponential backoff with full jitter (random in [delay/2, delay]). */
export function backoffDelay(attempt: number, options: BackoffOptions = defaults.retryBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function isInsideRetryWindow(firstFailureAt: number, now: number, windowMs: number): boolean {
  return now - firstFailureAt < windowMs;
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly error: Error };

/** Tracks one failure streak. Call `failed` on each failure and `succeeded` on progress. */
export class RetryWindow {
  readonly #windows: RetryWindows;
  readonly #backoff: BackoffOptions;
  readonly #now: () => number;
  #firstFailureAt: number | null = null;
  #attempts = 0;

  constructor(windows: RetryWindows, backoff: BackoffOptions = defaults.retryBackoff, now: () => number = Date.now) {
    this.#windows = windows;
    this.#backoff = backoff;
    this.#now = now;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /**
   * Continues a streak that started earlier, in another invocation or process (the stored window
   * start): on FC each timer tick is a new process, and the window must span all of them.
   */
  continueFrom(firstFailureAt: number, attempts: number): void {
    this.#firstFailureAt = Math.min(this.#firstFailureAt ?? firstFailureAt, firstFailureAt);
    this.#attempts = Math.max(this.#attempts, attempts - 1);
  }

  succeeded(): void {
    this.#firstFailureAt = null;
    this.#attempts = 0;
  }

  failed(err: unknown): RetryDecision {
    const kind = classifyFailure(err);
    if (kind === 'fatal') return { retry: false, error: err instanceof Error ? err : new Error(String(err)) };
    const now = this.#now();
    this.#firstFailureAt ??= now;
    this.#attempts += 1;
    const windowMs = kind === 'connection' ? this.#windows.connectionMs : this.#windows.otherMs;
    const delayMs = backoffDelay(this.#attempts, this.#backoff);
    if (!isInsideRetryWindow(this.#firstFailureAt, now + delayMs, windowMs)) {
      return { retry: false, error: new RetryWindowExceededError(kind, Math.round((windowMs / 60_000) * 100) / 100, this.#attempts, this.#firstFailureAt, err) };
    }
    return { retry: true, delayMs };
  }
}

/** Sleeps, ending early (false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function windowsFromMinutes(advanced: { retryConnectionMinutes: number; retryOtherMinutes: number }): RetryWindows {
  return { connectionMs: advanced.retryConnectionMinutes * 60_000, otherMs: advanced.retryOtherMinutes * 60_000 };
}
