/**
 * Wraps an entry as an FC handler: the event arrives as a Buffer (or, from a timer, as JSON whose
 * `payload` is a string), becomes a plain object, is checked against the function's schema
 * (event-schemas.ts; defaults applied), and the entry's result goes back as JSON. The wrapper logs
 * each invocation's start and end; entries stay silent about invocations.
 */
import type { z } from 'zod';
import type { Logger } from '../../log.ts';
import { createLogger } from '../logger.ts';
import type { FcContext } from './context.ts';
import { InvalidEventError, validateEvent } from './validate-event.ts';

export { InvalidEventError } from './validate-event.ts';

export type EntryEvent = Record<string, unknown>;
/** One function's work, given its validated event (the output type of its schema). */
export type Entry<E = EntryEvent> = (event: E, context: FcContext, log: Logger) => Promise<Record<string, unknown>>;
/** The handler FC calls; it carries its event schema so a runner can check timer payloads before invoking. */
export type FcHandler = ((event: unknown, context: FcContext) => Promise<Record<string, unknown>>) & { readonly eventSchema: z.ZodObject };

function asText(event: unknown): string {
  if (event === undefined || event === null) return '';
  if (Buffer.isBuffer(event)) return event.toString('utf8');
  if (typeof event === 'string') return event;
  return JSON.stringify(event);
}

function asObject(text: string, what: string): EntryEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidEventError(`${what} is not JSON: ${text.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidEventError(`${what} must be a JSON object`);
  return parsed as EntryEvent;
}

/** `{}` for an empty event; a timer event's string `payload` (a JSON object, or empty) is parsed and its fields merged in. */
export function parseEvent(event: unknown): EntryEvent {
  const text = asText(event).trim();
  if (text === '') return {};
  const record = asObject(text, 'the event');
  if (typeof record.triggerName === 'string' && typeof record.payload === 'string' && record.payload.trim() !== '') {
    return { ...record, ...asObject(record.payload.trim(), `the payload of timer trigger "${record.triggerName}"`) };
  }
  return record;
}

export function fcHandler<S extends z.ZodObject>(name: string, entry: Entry<z.output<S>>, schema: S): FcHandler {
  const handler = async (event: unknown, context: FcContext) => {
    const log = createLogger({ level: (process.env.DTS_LOG_LEVEL as 'info') ?? 'info', format: process.env.DTS_LOG_FORMAT === 'text' ? 'text' : 'json' }).child({
      function: name,
      requestId: context.requestId,
    });
    const started = Date.now();
    log.info('invocation started');
    try {
      const result = await entry(validateEvent(name, schema, parseEvent(event)), context, log);
      log.info('invocation finished', { durationMs: Date.now() - started, ...result });
      return result;
    } catch (err) {
      log.error('invocation failed', { durationMs: Date.now() - started, error: (err as Error).message, code: (err as { code?: string }).code });
      throw err;
    }
  };
  return Object.assign(handler, { eventSchema: schema });
}
