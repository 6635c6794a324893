/** FC function `latency` (timer): each destination's DTS latency (now − source commit time of the newest change it acknowledged) and how far it is behind the queue's head. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { latencyEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { latencyEntry } from '../../shared/runtime/entries/latency.ts';

export const handler = fcHandler('latency', latencyEntry, latencyEvent);
