/**
 * Loads an event handler from a directory and runs it in this process as the FC Node.js runtime
 * does (specs/function-compute.md §2.2): `handler(event: Buffer, context[, callback])`, async or
 * with a callback. The return value becomes the response body (Buffer as is, string as UTF-8,
 * anything else as JSON); an error becomes FC's error document with `X-Fc-Error-Type`:
 * HandledInvocationError when passed to the callback, UnhandledInvocationError when thrown.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalEndpointError } from '../../../errors.ts';
import type { FcContext } from '../context.ts';

export type EventHandler = (event: Buffer, context: FcContext, callback?: (err: unknown, result?: unknown) => void) => unknown;

export type HandlerOutcome =
  { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly errorType: 'HandledInvocationError' | 'UnhandledInvocationError'; readonly body: Buffer; readonly message: string };

const extensions = ['.mjs', '.js', '.cjs', '.ts', '.mts'];

/** `index.handler` → the `handler` export of index.(mjs|js|cjs|ts|mts) in `dir`. */
export async function loadHandler(dir: string, spec: string): Promise<EventHandler> {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) throw new LocalEndpointError(`handler "${spec}" must be <file>.<export>, e.g. index.handler`, { path: spec });
  const base = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  const file = extensions.map((ext) => join(resolve(dir), base + ext)).find((f) => existsSync(f));
  if (!file) throw new LocalEndpointError(`no ${base}${extensions.join('|')} in ${resolve(dir)} for handler "${spec}"`, { path: resolve(dir) });
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  const handler = mod[name] ?? mod.default?.[name];
  if (typeof handler !== 'function') throw new LocalEndpointError(`${file} exports no function "${name}" (handler "${spec}")`, { path: file });
  return handler as EventHandler;
}

export async function runHandler(handler: EventHandler, event: Buffer, context: FcContext, timeoutSeconds: number): Promise<HandlerOutcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      call(handler, event, context),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FunctionTimeout(timeoutSeconds)), timeoutSeconds * 1000);
      }),
    ]);
    return { ok: true, body: toBody(result) };
  } catch (err) {
    const handled = err instanceof HandledError;
    const error = handled ? err.error : err;
    const e = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
    const doc = {
      errorMessage: e.message,
      errorType: e.name,
      stackTrace: (e.stack ?? '')
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    };
    return { ok: false, errorType: handled ? 'HandledInvocationError' : 'UnhandledInvocationError', body: Buffer.from(JSON.stringify(doc)), message: e.message };
  } finally {
    clearTimeout(timer);
  }
}

class FunctionTimeout extends Error {
  constructor(seconds: number) {
    super(`Function timed out after ${seconds} seconds`);
    this.name = 'FunctionTimeout';
  }
}

/** An error the handler passed to its callback (as opposed to one it threw). */
class HandledError {
  constructor(readonly error: unknown) {}
}

function call(handler: EventHandler, event: Buffer, context: FcContext): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const callback = (err: unknown, result?: unknown) => (err ? reject(new HandledError(err)) : resolvePromise(result));
    // A handler declaring three parameters answers through the callback; others return (a promise).
    const returned = handler.length >= 3 ? handler(event, context, callback) : handler(event, context);
    if (handler.length < 3) Promise.resolve(returned).then(resolvePromise, reject);
    else if (returned instanceof Promise) returned.catch(reject);
  });
}

function toBody(result: unknown): Buffer {
  if (Buffer.isBuffer(result)) return result;
  if (result === undefined || result === null) return Buffer.alloc(0);
  if (typeof result === 'string') return Buffer.from(result, 'utf8');
  return Buffer.from(JSON.stringify(result), 'utf8');
}
