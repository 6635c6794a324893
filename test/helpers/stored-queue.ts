/**
 * Everything a task's queue holds, read page by page. One `read` returns at most a few MiB (the
 * queue bounds reads by bytes), so a test that wants "every stored batch" must page until empty.
 */
import { createFileQueue } from '../../shared/queue/file/index.ts';
import type { Queue, QueueEntry } from '../../shared/queue/types.ts';

/** Every entry after `after`, in order, from an open queue. */
export async function readAll(queue: Queue, after = 0): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  for (;;) {
    const page = await queue.read(after, { maxBatches: 1000 });
    if (page.length === 0) return out;
    out.push(...page);
    after = page.at(-1)!.seq;
  }
}

/** Every entry of the queue in `dir`, opened read-only. */
export async function storedEntries(dir: string): Promise<QueueEntry[]> {
  const queue = await createFileQueue(dir, { consumers: [], writer: false });
  try {
    return await readAll(queue);
  } finally {
    await queue.close();
  }
}
