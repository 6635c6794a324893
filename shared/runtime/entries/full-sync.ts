/**
 * The full-sync function: requests a re-baseline of the task's tables (event `tables`, default
 * every selected table). The reader performs it beside the stream and reports its progress; this
 * function returns as soon as the request is durable in the source's binlog.
 */
import { sendFullSyncRequest } from '../full-sync-request.ts';
import type { Entry } from '../fc/handler.ts';
import type { FullSyncEvent } from '../fc/event-schemas.ts';
import { configuredTask } from './task-config.ts';

export const fullSyncEntry: Entry<FullSyncEvent> = async (event) => {
  const { task, origin } = await configuredTask(event);
  const result = await sendFullSyncRequest(task, origin, event.tables ?? null);
  return { task: task.name, ...result };
};
