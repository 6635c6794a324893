/** FC function `heartbeat` (timer): writes the DTS heartbeat row into the source, then reports the reader's position against the binlog end and the task status. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { heartbeatEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { heartbeatEntry } from '../../shared/runtime/entries/heartbeat.ts';

export const handler = fcHandler('heartbeat', heartbeatEntry, heartbeatEvent);
