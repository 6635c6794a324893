/**
 * Wake-ups for long-polling reads. An append wakes every waiting reader of the same directory at
 * once, in this thread and, through a BroadcastChannel, in the process's other threads (the local
 * runtime appends on the reader thread and delivers on the main one); a reader also wakes every
 * `pollMs` to look at the files, which is how it sees appends made by a writer in another process.
 */
import { BroadcastChannel } from 'node:worker_threads';

const waiters = new Map<string, Set<() => void>>();
let channel: BroadcastChannel | null = null;

/** The process-wide channel of appended directories; unref'd, so it never keeps a thread alive. */
function appendsChannel(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel('dts-file-queue-appends');
    channel.unref();
    channel.onmessage = (event) => wake((event as { data: string }).data);
  }
  return channel;
}

function wake(dir: string): void {
  const set = waiters.get(dir);
  if (!set) return;
  waiters.delete(dir);
  for (const done of set) done();
}

export function notifyAppended(dir: string): void {
  wake(dir);
  appendsChannel().postMessage(dir);
}

/** Resolves on the next append to `dir` in this process, after `ms`, or when `signal` aborts. */
export function waitForAppend(dir: string, ms: number, signal?: AbortSignal): Promise<void> {
  appendsChannel();
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
