/**
 * Applies an edited object set to a running task: compares the task file's objects with the set
 * the reader follows (the last entry of the object-set history) and, when they differ, writes an
 * object-set signal into the source's signal table; the reader switches at that row's transaction
 * end. With `full` in syncTypes, the tables the change adds get a full-sync request right after it
 * (a later transaction, so the new set's reader reads it), copied beside the stream as the first
 * full sync is. Idempotent: a request with the same objects not yet read is not written again.
 */
import { openSourceConnection } from '../source/connection.ts';
import { parseSignalTable, pendingObjectSet, requestFullSync, requestObjectSet } from '../source/snapshot/signal.ts';
import { selectedTables } from '../source/snapshot/table-precheck.ts';
import { loadTask, objectNames, objectsKey, type Task, type TaskStateStore } from '../task/index.ts';
import { openTaskStateStore } from './task-state/state-store.ts';
import { readerOptions } from './compose.ts';
import type { Logger } from '../log.ts';

export interface ObjectChangeRequest {
  /** The object-set signal's id (an earlier one when the same change was already requested). */
  readonly signalId: string;
  readonly alreadyRequested: boolean;
  /** Tables whose rows are copied beside the stream once the reader switched (`full` in syncTypes). */
  readonly fullSyncTables: readonly string[];
  readonly objects: readonly string[];
}

/** Null when the file selects what the reader already reads (or the task never ran: it starts with the file's set). */
export async function requestObjectChange(task: Task, origin: string, store: TaskStateStore): Promise<ObjectChangeRequest | null> {
  const latest = (await store.read())?.objectSets?.at(-1);
  const text = objectsKey(task.objects);
  if (!latest || objectsKey(latest.objects) === text) return null;
  const { endpoint } = readerOptions(task, origin);
  const { query, close } = await openSourceConnection(endpoint, 'the object-set change request');
  try {
    const signalTable = parseSignalTable(task.fullSync.signalTable);
    const pending = await pendingObjectSet(query, signalTable, task.name, text, latest.signalId);
    const base = { objects: objectNames(task.objects) };
    if (pending) return { ...base, signalId: pending, alreadyRequested: true, fullSyncTables: [] };
    const signalId = await requestObjectSet(query, signalTable, task.name, text);
    let fullSyncTables: string[] = [];
    if (task.syncTypes.includes('full')) {
      const before = new Set(await selectedTables(query, [...latest.objects]));
      fullSyncTables = (await selectedTables(query, task.objects)).filter((t) => !before.has(t));
      if (fullSyncTables.length > 0) await requestFullSync(query, signalTable, task.name, fullSyncTables);
    }
    return { ...base, signalId, alreadyRequested: false, fullSyncTables };
  } finally {
    await close();
  }
}

/**
 * As `requestObjectChange`, logged; a source that cannot be reached is a warning, not a failure:
 * the reader's own connection retries within the task's windows, and the next start asks again.
 */
export async function requestObjectChangeLogged(task: Task, origin: string, store: TaskStateStore, log: Logger): Promise<void> {
  try {
    const request = await requestObjectChange(task, origin, store);
    if (request)
      log.info('object set change requested; the reader switches when it reads the request', {
        signalId: request.signalId,
        alreadyRequested: request.alreadyRequested,
        objects: request.objects.join(','),
        fullSync: request.fullSyncTables.join(','),
      });
  } catch (err) {
    log.warn('object set change not requested yet (asked again at the next start or reload)', { error: (err as Error).message });
  }
}

/** `dts reload` and SIGHUP: reads the task file again (a bad file throws its TaskConfigError) and requests its object set. */
export async function requestObjectChangeFromFile(file: string, baseDir: string): Promise<{ task: Task; request: ObjectChangeRequest | null }> {
  const task = await loadTask(file);
  const store = await openTaskStateStore(task, baseDir, file);
  try {
    return { task, request: await requestObjectChange(task, file, store) };
  } finally {
    await store.close();
  }
}
