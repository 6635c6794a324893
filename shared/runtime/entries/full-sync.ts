/**
 * The full-sync function: requests a re-baseline of the task's tables (event `tables`, default
 * every selected table). The reader performs it beside the stream and reports its progress; this
 * function returns as soon as the request is durable in the source's binlog.
 */
import { sendFullSyncRequest } from '../full-sync-request.ts';
import { InvalidEventError, type Entry } from '../fc/handler.ts';
import { configuredTask } from './task-config.ts';

function requestedTables(event: Record<string, unknown>): string[] | null {
  if (event.tables === undefined || event.tables === null) return null;
  if (!Array.isArray(event.tables) || event.tables.length === 0 || !event.tables.every((t) => typeof t === 'string')) {
    throw new InvalidEventError('"tables" must be a non-empty array of "database.table" names (or absent for every selected table)');
  }
  return event.tables as string[];
}

export const fullSyncEntry: Entry = async (event) => {
  const { task, origin } = await configuredTask(event);
  const result = await sendFullSyncRequest(task, origin, requestedTables(event));
  return { task: task.name, ...result };
};
