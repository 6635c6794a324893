/** FC function `reader`: binlog → queue for one time budget; a timer keeps it going. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { readerEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { readerEntry } from '../../shared/runtime/entries/reader.ts';

export const handler = fcHandler('reader', readerEntry, readerEvent);
