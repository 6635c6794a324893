/** FC function `latency`: how far each destination is behind the queue's head (timer). */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { latencyEntry } from '../../shared/runtime/entries/latency.ts';

export const handler = fcHandler('latency', latencyEntry);
