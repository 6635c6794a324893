/**
 * FC's reserved concurrency for one function: at most `limit` invocations at a time, across all
 * its triggers. A tick that finds every slot taken is not run (FC throttles it, and with
 * `maxAsyncEventAgeInSeconds` it is dropped); the caller logs it. null: no limit.
 */
export interface InvocationSlots {
  /** A release function when a slot was free, null when the tick must be dropped. */
  tryAcquire(): (() => void) | null;
  readonly running: number;
}

export function createInvocationSlots(limit: number | null): InvocationSlots {
  let running = 0;
  return {
    tryAcquire() {
      if (limit !== null && running >= limit) return null;
      running += 1;
      let released = false;
      return () => {
        if (released) return; // releasing twice must not free another invocation's slot
        released = true;
        running -= 1;
      };
    },
    get running() {
      return running;
    },
  };
}
