/**
 * Checks each enabled timer's payload against the event schema of the handler it will invoke,
 * before anything runs: a payload the function refuses fails the start with its s.yaml path,
 * instead of failing every tick.
 */
import { parseEvent } from '../../fc/handler.ts';
import type { FcHandler } from '../../fc/handler.ts';
import { validateEvent } from '../../fc/validate-event.ts';
import { DeployConfigError, type DeployedFunction } from './deployed-functions.ts';

export function checkTimerPayloads(sYaml: string, fn: DeployedFunction, handler: FcHandler): void {
  for (const timer of fn.timers.filter((t) => t.enabled)) {
    const event = { triggerTime: new Date(0).toISOString(), triggerName: timer.name, payload: timer.payload };
    try {
      const parsed = parseEvent(Buffer.from(JSON.stringify(event)));
      if (handler.eventSchema) validateEvent(fn.dir, handler.eventSchema, parsed);
    } catch (err) {
      throw new DeployConfigError(sYaml, `${timer.path}.triggerConfig.payload`, (err as Error).message, err);
    }
  }
}
