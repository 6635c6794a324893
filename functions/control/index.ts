/** FC function `control` (on demand, no trigger): the task's lifecycle, `{"action": "status" | "pause" | "resume" | "stop"}`, as `npm run dts` does it. */
import { fcHandler } from '../../shared/runtime/fc/handler.ts';
import { controlEntry, controlEvent } from '../../shared/runtime/entries/control.ts';

export const handler = fcHandler('control', controlEntry, controlEvent);
