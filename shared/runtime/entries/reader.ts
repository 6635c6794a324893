/**
 * The reader function: streams the binlog into the queue until its time budget is spent, then
 * returns. The next invocation (timer) resumes from the last appended batch.
 *
 * It reads the task state first and does nothing unless the task is RUNNING (PAUSED, STOPPED,
 * FAILED, COMPLETED: every function sees the same stored state). Its retry window's start is kept
 * in that state, so a window spans invocations; a pause written meanwhile ends the invocation early.
 */
import { supervise, watchTaskState, windowsFromMinutes } from '../../ops/index.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import { objectSetLogOf } from '../task-state/object-set-log.ts';
import { requestObjectChangeLogged } from '../object-change-request.ts';
import { newReaderStatus, runReader } from '../../source/reader.ts';
import { isActive, starting } from '../../task/index.ts';
import { openQueue, readerOptions } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import type { ReaderEvent } from '../fc/event-schemas.ts';
import { configuredTask, invocationSignal, runBudgetMs } from './task-config.ts';

export const readerEntry: Entry<ReaderEvent> = async (event, context, log) => {
  const { task, origin, baseDir } = await configuredTask(event);
  const options = readerOptions(task, origin);
  const store = await openTaskStateStore(task, baseDir, origin);
  try {
    // A deployed task's first reader tick records it RUNNING, as `npm start` does: every function,
    // `status` and the latency series then see a task, not "nothing recorded".
    const state = (await store.read()) ?? (await store.update((current) => current ?? starting(null)));
    if (!isActive(state)) return { task: task.name, skipped: true, status: state!.status };
    const stop = new AbortController();
    const budget = invocationSignal(runBudgetMs(event.maxRunMs, context.function.timeout), stop);
    const signal = budget.signal;
    const unwatch = watchTaskState(store, log, () => stop.abort());
    const queue = await openQueue(task, baseDir, origin);
    const status = newReaderStatus();
    // A redeployed task with other objects: the switch is requested here and read from the binlog.
    await requestObjectChangeLogged(task, origin, store, log);
    try {
      await supervise(
        // Streaming from the source is a success too: an idle source must not keep a window open.
        (progress) => runReader(options, { queue, log, signal, onProgress: progress, onReady: () => progress(), objectSets: objectSetLogOf(store) }, status),
        { windows: windowsFromMinutes(task.advanced), signal, log, stored: { store, stage: 'reader' } },
      );
    } finally {
      budget.end();
      unwatch();
      await queue.close();
    }
    return { task: task.name, records: status.records, batches: status.batches, position: status.position, ...(status.snapshot ? { fullSync: status.snapshot } : {}) };
  } finally {
    await store.close();
  }
};
