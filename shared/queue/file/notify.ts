/**
 * Wake-ups for long-polling reads. An append in this process wakes every waiting reader of the same
 * directory at once; a reader also wakes every `pollMs` to look at the files, which is how it sees
 * appends made by a writer in another process.
 */
const waiters = new Map<string, Set<() => void>>();

export function notifyAppended(dir: string): void {
  const set = waiters.get(dir);
  if (!set) return;
  waiters.delete(dir);
  for (const wake of set) wake();
}

/** Resolves on the next append to `dir` in this process, after `ms`, or when `signal` aborts. */
export function waitForAppend(dir: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      waiters.get(dir)?.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    let set = waiters.get(dir);
    if (!set) waiters.set(dir, (set = new Set()));
    set.add(done);
  });
}
