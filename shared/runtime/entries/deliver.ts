/**
 * A deliver function: sends what the queue holds for each destination of its type, in order, and
 * returns once the queue has been idle for `idleMs` (default 2 s) or the time budget is spent.
 *
 * Like the reader, it does nothing unless the stored task state is RUNNING, keeps each
 * destination's retry window start in that state, and records each destination's delivered position.
 */
import { newDeliveryStatus, watchTaskState, windowsFromMinutes } from '../../ops/index.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import { superviseDestination } from '../deliver-destination.ts';
import { createOperationFilter } from '../../source/operation-filter.ts';
import { createRecordMapping } from '../../mapping/index.ts';
import { isActive, withDelivered } from '../../task/index.ts';
import { openQueue, resolveDestinations } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import type { DeliverEvent } from '../fc/event-schemas.ts';
import { configuredTask, invocationSignal, runBudgetMs } from './task-config.ts';

export function deliverEntry(type: string): Entry<DeliverEvent> {
  return async (event, context, log) => {
    const { task, origin, baseDir } = await configuredTask(event);
    const destinations = resolveDestinations(task, origin).filter((d) => d.type === type);
    const store = await openTaskStateStore(task, baseDir, origin);
    try {
      const state = await store.read();
      if (!isActive(state)) return { task: task.name, skipped: true, status: state!.status };
      const stop = new AbortController();
      const budget = invocationSignal(runBudgetMs(event.maxRunMs, context.function.timeout), stop);
      const signal = budget.signal;
      const unwatch = watchTaskState(store, log, () => stop.abort());
      const idleExitMs = event.idleMs;
      const queue = await openQueue(task, baseDir, origin, { writer: false });
      const filter = createOperationFilter(task.objects, task.ddl);
      const mapping = createRecordMapping(task, log);
      const delivered: Record<string, number> = {};
      try {
        await Promise.all(
          destinations.map(async (destination) => {
            const sinkLog = log.child({ destination: destination.name });
            const status = newDeliveryStatus();
            const stored = { store, stage: `deliver:${destination.name}` };
            await superviseDestination(destination, { queue, signal, log: sinkLog, windows: windowsFromMinutes(task.advanced), status, filter, mapping, taskName: task.name, idleExitMs, stored });
            delivered[destination.name] = status.records;
          }),
        );
        const { cursors } = await queue.stats();
        await store.update(withDelivered(Object.fromEntries(destinations.map((d) => [d.name, cursors[d.name] ?? 0]))));
      } finally {
        budget.end();
        unwatch();
        await queue.close();
      }
      return { task: task.name, delivered };
    } finally {
      await store.close();
    }
  };
}
