/** FC function `deliver-maxcompute`: queue → the task's MaxCompute destinations (`_base`/`_log` uploads), until the queue is drained. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { deliverEvent } from '../../shared/runtime/fc/event-schemas.ts';
import { deliverEntry } from '../../shared/runtime/entries/deliver.ts';

export const handler = fcHandler('deliver-maxcompute', deliverEntry('maxcompute'), deliverEvent);
