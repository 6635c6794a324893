/**
 * Wraps an entry as an FC handler: the event arrives as a Buffer (or, from a timer, as JSON whose
 * `payload` is a string), becomes a plain object, and the entry's result goes back as JSON. The
 * wrapper logs each invocation's start and end; entries stay silent about invocations.
 */
import type { Logger } from '../../log.ts';
import { createLogger } from '../logger.ts';
import type { FcContext } from './context.ts';

export type EntryEvent = Record<string, unknown>;
export type Entry = (event: EntryEvent, context: FcContext, log: Logger) => Promise<Record<string, unknown>>;

/** Malformed events fail before any work starts, with what was wrong. */
export class InvalidEventError extends Error {}

function asText(event: unknown): string {
  if (event === undefined || event === null) return '';
  if (Buffer.isBuffer(event)) return event.toString('utf8');
  if (typeof event === 'string') return event;
  return JSON.stringify(event);
}

/** `{}` for an empty event; timer events contribute their parsed `payload`. */
export function parseEvent(event: unknown): EntryEvent {
  const text = asText(event).trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidEventError(`the event is not JSON: ${text.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidEventError('the event must be a JSON object');
  const record = parsed as EntryEvent;
  if (typeof record.triggerName === 'string' && typeof record.payload === 'string' && record.payload.trim().startsWith('{')) {
    return { ...record, ...parseEvent(record.payload) };
  }
  return record;
}

export function fcHandler(name: string, entry: Entry): (event: unknown, context: FcContext) => Promise<Record<string, unknown>> {
  return async (event, context) => {
    const log = createLogger({ level: (process.env.DTS_LOG_LEVEL as 'info') ?? 'info', format: process.env.DTS_LOG_FORMAT === 'text' ? 'text' : 'json' }).child({ function: name, requestId: context.requestId });
    const started = Date.now();
    log.info('invocation started');
    try {
      const result = await entry(parseEvent(event), context, log);
      log.info('invocation finished', { durationMs: Date.now() - started, ...result });
      return result;
    } catch (err) {
      log.error('invocation failed', { durationMs: Date.now() - started, error: (err as Error).message, code: (err as { code?: string }).code });
      throw err;
    }
  };
}
