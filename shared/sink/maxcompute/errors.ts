/**
 * MaxCompute answers → sink errors, by HTTP status and the server's error Code (never by message
 * text). Bodies: XML `<Error><Code/><Message/><RequestId/>` on the control plane, JSON
 * `{"Code","Message"}` on the tunnel (specs/maxcompute.md §1.5).
 * - no answer (refused, reset, timed out) and 502/503/504: SinkConnectionError, retried;
 * - 429 and other 5xx: SinkWriteError, retried;
 * - 401/403: final; the user checks the destination's accessKeyId/accessKeySecret (never printed)
 *   and the account's permissions;
 * - 404: MaxComputeNotFoundError, final, naming the project and table (getTable turns it into null);
 * - 409 when creating an SQL instance: retried (the server is busy, GO honours Retry-After);
 * - any other 4xx: final SinkWriteError quoting Code and Message.
 * Every error's context has `status` (0 without an answer), `serverCode` and `requestId`.
 */
import { DtsError, ErrorCodes, type ErrorContext } from '../../errors.ts';
import { isConnectionFailureCode } from '../../socket-errors.ts';
import { SinkConnectionError, SinkWriteError } from '../errors.ts';
import type { UploadStatus } from './client-types.ts';
import { childText, parseXml } from './xml.ts';

/** Where a request went, for messages and context (no secrets). */
export interface RequestWhere {
  /** What the request does, e.g. `create an upload session for dts_demo.orders_log`. */
  readonly what: string;
  readonly project: string;
  readonly table?: string;
  /** The destination's name in the task file, when known. */
  readonly sink?: string;
}

export interface ServerError {
  readonly code?: string;
  readonly message?: string;
  readonly requestId?: string;
}

/** The project, table, partition or upload session does not exist (HTTP 404). */
export class MaxComputeNotFoundError extends SinkWriteError {
  constructor(message: string, context: ErrorContext, cause?: unknown) {
    super(message, context, cause, false, ErrorCodes.MAXCOMPUTE_NOT_FOUND);
  }
}

/** An SQL statement failed on the server; the message quotes its result text. Not retriable. */
export class MaxComputeSqlError extends SinkWriteError {
  constructor(
    message: string,
    readonly instanceId: string,
    readonly serverText: string,
    context: ErrorContext,
  ) {
    super(message, { ...context, instanceId }, undefined, false, ErrorCodes.MAXCOMPUTE_SQL);
  }
}

/**
 * An upload session is not open for what was asked (expired, canceled, or its blocks differ from
 * the client's). Nothing of it was committed; retriable only in a new session, which the sink decides.
 */
export class UploadSessionStateError extends SinkWriteError {
  constructor(
    message: string,
    readonly uploadId: string,
    readonly status: UploadStatus | string,
    context: ErrorContext,
  ) {
    super(message, { ...context, uploadId, uploadStatus: status }, undefined, false, ErrorCodes.MAXCOMPUTE_UPLOAD_SESSION);
  }
}

/** Whether `err` says the object does not exist (a 404 of any request). */
export function isMaxComputeNotFound(err: unknown): boolean {
  return err instanceof MaxComputeNotFoundError;
}

const MAX_QUOTE = 500;

/** Reads a MaxCompute error body, XML or JSON; an unreadable body gives its first characters as the message. */
export function parseErrorBody(body: Buffer): ServerError {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as Record<string, unknown>;
      const str = (k: string) => (typeof doc[k] === 'string' ? (doc[k] as string) : undefined);
      return { code: str('Code') ?? str('code'), message: str('Message') ?? str('message'), requestId: str('RequestId') ?? str('requestId') };
    } catch {
      // not JSON after all: quoted as text below
    }
  } else if (text.startsWith('<')) {
    try {
      const root = parseXml(text);
      return { code: childText(root, 'Code'), message: childText(root, 'Message'), requestId: childText(root, 'RequestId') };
    } catch {
      // not XML after all
    }
  }
  return { message: text.slice(0, MAX_QUOTE) };
}

/** The error for a non-2xx answer. `retryConflict`: a 409 is a busy server (instance creation). */
export function errorFromResponse(
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  where: RequestWhere,
  options: { retryConflict?: boolean } = {},
): DtsError {
  const server = parseErrorBody(body);
  const requestIdHeader = headers['x-odps-request-id'];
  const requestId = server.requestId ?? (Array.isArray(requestIdHeader) ? requestIdHeader[0] : requestIdHeader);
  const context: ErrorContext = { ...contextOf(where), status, serverCode: server.code, requestId };
  const said = quote(status, server, requestId);
  const target = where.table ? `table ${where.project}.${where.table}` : `project ${where.project}`;
  const of = where.sink ? ` of destination "${where.sink}"` : '';
  if (status === 401 || status === 403) {
    return new SinkConnectionError(
      `MaxCompute refused to ${where.what} (${said}); check accessKeyId and accessKeySecret (and securityToken with STS)${of}, that this machine's clock is right, and that the account may access ${target}`,
      context,
      undefined,
      false,
    );
  }
  if (status === 404) {
    return new MaxComputeNotFoundError(`MaxCompute cannot ${where.what}: not found (${said}); check that ${target} exists and the project name${of}`, context);
  }
  if (status === 502 || status === 503 || status === 504) {
    return new SinkConnectionError(`MaxCompute is unavailable to ${where.what} (${said})`, context);
  }
  if (status >= 500 || status === 429 || (status === 409 && options.retryConflict)) {
    return new SinkWriteError(`MaxCompute could not ${where.what} now (${said})`, context);
  }
  return new SinkWriteError(`MaxCompute refused to ${where.what} (${said})`, context, undefined, false);
}

/** The error for a request that got no (complete) answer. */
export function errorFromNetwork(err: unknown, where: RequestWhere, endpoint: string): DtsError {
  if (err instanceof DtsError) return err;
  const e = (err ?? {}) as { code?: string; message?: string; name?: string };
  const detail = `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  // Socket errors are worth a retry; a request Node refuses to send (bad URL, bad header) is a bug.
  const retriable = isConnectionFailureCode(e.code) || !(err instanceof TypeError || e.code?.startsWith('ERR_INVALID'));
  return new SinkConnectionError(`cannot reach MaxCompute at ${endpoint} to ${where.what} (${detail})`, { ...contextOf(where), status: 0, endpoint }, err, retriable);
}

function contextOf(where: RequestWhere): ErrorContext {
  return { project: where.project, table: where.table, sink: where.sink };
}

function quote(status: number, server: ServerError, requestId: string | undefined): string {
  const text = [server.code, server.message?.slice(0, MAX_QUOTE)].filter(Boolean).join(': ');
  return `HTTP ${status}${text ? ` ${text}` : ''}${requestId ? `, request ${requestId}` : ''}`;
}
