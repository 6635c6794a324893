/** FC function `heartbeat`: the reader's stored position against the source's binlog end, and the task status (timer). */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { heartbeatEntry } from '../../shared/runtime/entries/heartbeat.ts';

export const handler = fcHandler('heartbeat', heartbeatEntry);
