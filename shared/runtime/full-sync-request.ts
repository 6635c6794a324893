/**
 * Asks a task's reader for a re-baseline: checks the tables against the task's selection and
 * writes the request into the source's signal table, where the reader reads it from the binlog.
 * Used by the full-sync function and the local scheduler.
 */
import { openSourceConnection } from '../source/connection.ts';
import { createObjectSelection } from '../source/object-selection.ts';
import { parseSignalTable, requestFullSync } from '../source/snapshot/signal.ts';
import type { Task } from '../task/index.ts';
import { readerOptions } from './compose.ts';
import { InvalidEventError } from './fc/handler.ts';

export interface FullSyncRequestResult {
  readonly requestId: string;
  readonly tables: readonly string[] | 'all selected';
  readonly signalTable: string;
}

export async function sendFullSyncRequest(task: Task, origin: string, tables: readonly string[] | null): Promise<FullSyncRequestResult> {
  const selection = createObjectSelection(task.objects);
  for (const name of tables ?? []) {
    const dot = name.indexOf('.');
    if (dot < 1 || !selection.includesTable(name.slice(0, dot), name.slice(dot + 1))) {
      throw new InvalidEventError(`cannot re-baseline "${name}": task ${task.name} does not select it (tables are "database.table" names from the task's objects)`);
    }
  }
  const { endpoint } = readerOptions(task, origin);
  const source = await openSourceConnection(endpoint, 'the full-sync request');
  try {
    const signalTable = parseSignalTable(task.fullSync.signalTable);
    const requestId = await requestFullSync(source.query, signalTable, task.name, tables);
    return { requestId, tables: tables ?? 'all selected', signalTable: task.fullSync.signalTable };
  } finally {
    await source.close();
  }
}
