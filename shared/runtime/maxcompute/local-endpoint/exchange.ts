/**
 * One request as a handler sees it (already authenticated) and what a handler answers, plus
 * Refusal: the typed "no" a handler throws, turned by the server into MaxCompute's error body (XML
 * `<Error>` on the control plane, JSON `{"Code","Message"}` on the tunnel). A Refusal is an answer
 * to the caller, never a failure of the endpoint itself.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface Exchange {
  readonly method: string;
  /** Path segments below the plane's root, decoded: ['projects', 'p', 'tables', 't']. */
  readonly segments: readonly string[];
  readonly params: ReadonlyMap<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId: string;
  /** The `host:port` the caller reached this endpoint at. */
  readonly host: string;
  readonly nowMs: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function header(exchange: Exchange, name: string): string | undefined {
  const v = exchange.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export const rfc1123 = (ms: number) => new Date(ms).toUTCString();
