/** FC function `deliver-fc`: queue → the task's Function Compute destinations, until the queue is drained. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { deliverEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { deliverEntry } from '../../shared/runtime/entries/deliver.ts';

export const handler = fcHandler('deliver-fc', deliverEntry('fc'), deliverEvent);
