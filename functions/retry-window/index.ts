/** FC function `retry-window`: the task's recorded status and its retry windows (timer). */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { retryWindowEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { retryWindowEntry } from '../../shared/runtime/entries/retry-window.ts';

export const handler = fcHandler('retry-window', retryWindowEntry, retryWindowEvent);
