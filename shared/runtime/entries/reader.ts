/**
 * The reader function: streams the binlog into the queue until its time budget is spent, then
 * returns. The next invocation (timer) resumes from the last appended batch.
 */
import { supervise, windowsFromMinutes } from '../../ops/index.ts';
import { newReaderStatus, runReader } from '../../source/reader.ts';
import { openQueue, readerOptions } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import { configuredTask, runBudgetMs } from './task-config.ts';

export const readerEntry: Entry = async (event, context, log) => {
  const { task, origin, baseDir } = await configuredTask(event);
  const options = readerOptions(task, origin);
  const signal = AbortSignal.timeout(runBudgetMs(event, context.function.timeout));
  const queue = await openQueue(task, baseDir, origin);
  const status = newReaderStatus();
  try {
    await supervise((progress) => runReader(options, { queue, log, signal, onProgress: progress }, status), { windows: windowsFromMinutes(task.advanced), signal, log });
  } finally {
    await queue.close();
  }
  return { task: task.name, records: status.records, batches: status.batches, position: status.position, ...(status.snapshot ? { fullSync: status.snapshot } : {}) };
};
