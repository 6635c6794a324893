/** FC function `deliver-kafka`: queue → the task's Kafka destinations, until the queue is drained. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { deliverEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { deliverEntry } from '../../shared/runtime/entries/deliver.ts';

export const handler = fcHandler('deliver-kafka', deliverEntry('kafka'), deliverEvent);
