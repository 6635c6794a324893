/**
 * A deliver function: sends what the queue holds for each destination of its type, in order, and
 * returns once the queue has been idle for `idleMs` (default 2 s) or the time budget is spent.
 */
import { newDeliveryStatus, windowsFromMinutes } from '../../ops/index.ts';
import { superviseDestination } from '../deliver-destination.ts';
import { createOperationFilter } from '../../source/filter.ts';
import { openQueue, resolveDestinations } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import { configuredTask, runBudgetMs } from './task-config.ts';

export function deliverEntry(type: string): Entry {
  return async (event, context, log) => {
    const { task, origin, baseDir } = await configuredTask(event);
    const destinations = resolveDestinations(task, origin).filter((d) => d.type === type);
    const signal = AbortSignal.timeout(runBudgetMs(event, context.function.timeout));
    const idleExitMs = typeof event.idleMs === 'number' ? event.idleMs : 2_000;
    const queue = await openQueue(task, baseDir, origin, { writer: false });
    const filter = createOperationFilter(task.objects);
    const delivered: Record<string, number> = {};
    try {
      await Promise.all(
        destinations.map(async (destination) => {
          const sinkLog = log.child({ destination: destination.name });
          const status = newDeliveryStatus();
          await superviseDestination(destination, { queue, signal, log: sinkLog, windows: windowsFromMinutes(task.advanced), status, filter, idleExitMs });
          delivered[destination.name] = status.records;
        }),
      );
    } finally {
      await queue.close();
    }
    return { task: task.name, delivered };
  };
}
