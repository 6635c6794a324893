/**
 * The protocol side of the destination: one synchronous InvokeFunction call with an event, no
 * knowledge of records. One implementation per FC API version (fc2-invoker.ts, fc3-invoker.ts).
 */
import type { Resolved } from '../destination-module.ts';
import type { FcDestinationConfig } from './config.ts';

/** The destination's config with its secrets resolved (runtime/compose.ts). */
export type ResolvedFcConfig = Resolved<FcDestinationConfig>;

export interface InvocationResult {
  readonly requestId: string;
  /** `X-Fc-Error-Type` (HandledInvocationError, UnhandledInvocationError): the function failed. */
  readonly errorType?: string;
  /** What the function returned, or its error document (`{"errorMessage":…}`). */
  readonly body: Buffer;
}

export interface FcInvoker {
  /** The function as FC names it (`service.qualifier/function`), for messages: no credentials. */
  readonly target: string;
  /** Resolves with the function's response, error or not; rejects when FC did not run it. */
  invoke(event: Buffer): Promise<InvocationResult>;
}

/** One header value of a response whose headers may repeat. */
export function headerValue(headers: Record<string, string | string[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}
