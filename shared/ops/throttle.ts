/**
 * Rate limits as DTS offers them ("Enable Throttling"): queries per second to the source, rows per
 * second and MB per second. Each limit is a token bucket holding one second's worth, so short
 * bursts pass and the average holds; a cost larger than the bucket waits for its whole share.
 */
import { sleep } from './retry.ts';

export interface RateLimits {
  readonly queriesPerSecond?: number;
  readonly rowsPerSecond?: number;
  readonly mbPerSecond?: number;
}

/** What throttled stages call: before a query, and after rows were read (or sent). */
export interface Throttle {
  beforeQuery(signal?: AbortSignal): Promise<void>;
  afterRows(rows: number, bytes: number, signal?: AbortSignal): Promise<void>;
}

class Bucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly perSecond: number,
    readonly now: () => number,
  ) {
    this.#tokens = perSecond;
    this.#at = now();
  }

  /** Takes `cost` tokens (going into debt if need be) and returns how long to wait to repay it. */
  take(cost: number): number {
    const t = this.now();
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((t - this.#at) / 1000) * this.perSecond);
    this.#at = t;
    this.#tokens -= cost;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.perSecond) * 1000;
  }
}

export const unthrottled: Throttle = { beforeQuery: async () => {}, afterRows: async () => {} };

export function createThrottle(limits: RateLimits | undefined, now: () => number = Date.now): Throttle {
  if (!limits || (!limits.queriesPerSecond && !limits.rowsPerSecond && !limits.mbPerSecond)) return unthrottled;
  const queries = limits.queriesPerSecond ? new Bucket(limits.queriesPerSecond, now) : null;
  const rows = limits.rowsPerSecond ? new Bucket(limits.rowsPerSecond, now) : null;
  const bytes = limits.mbPerSecond ? new Bucket(limits.mbPerSecond * 1024 * 1024, now) : null;
  return {
    async beforeQuery(signal) {
      const wait = queries?.take(1) ?? 0;
      if (wait > 0) await sleep(wait, signal);
    },
    async afterRows(n, size, signal) {
      const wait = Math.max(rows?.take(n) ?? 0, bytes?.take(size) ?? 0);
      if (wait > 0) await sleep(wait, signal);
    },
  };
}
