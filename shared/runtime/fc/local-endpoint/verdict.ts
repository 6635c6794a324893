/** A request as the endpoint received it, and what a check concluded about it. */
import type { IncomingHttpHeaders } from 'node:http';

export interface ReceivedRequest {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  readonly rawPath: string;
  /** The query exactly as sent, without `?` ('' when none). */
  readonly rawQuery: string;
  /** Lower-case names, as Node delivers them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The caller's key pair (and STS token, when the endpoint requires one). */
export interface EndpointCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export const accepted: Verdict = { ok: true };

export function refused(status: number, code: string, message: string): Verdict {
  return { ok: false, status, code, message };
}

/** FC allows 15 minutes between the request's date and its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
