/** FC function `full-sync`: asks the reader for a re-baseline (on a cron timer, or on demand). */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { fullSyncEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { fullSyncEntry } from '../../shared/runtime/entries/full-sync.ts';

export const handler = fcHandler('full-sync', fullSyncEntry, fullSyncEvent);
