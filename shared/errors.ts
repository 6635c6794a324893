/**
 * The base error every folder's errors extend: a stable code from one catalog, whether a retry can
 * help, context that is safe to log (never secrets, never row values), and the cause.
 */

/** The error catalog. Each code's comment is the explanation a user reads. */
export const ErrorCodes = {
  /** The task file is missing, unreadable, or does not match the schema; the message names the path. */
  TASK_CONFIG: 'DTS_TASK_CONFIG',
  /** The source database refused a connection or dropped it. Retried within the connection window. */
  SOURCE_CONNECTION: 'DTS_SOURCE_CONNECTION',
  /** The source is not configured for change capture (binlog off, not ROW, not FULL row image). */
  SOURCE_PRECHECK: 'DTS_SOURCE_PRECHECK',
  /** The binlog carries an event this reader cannot decode; stopping is safer than skipping rows. */
  SOURCE_UNSUPPORTED_EVENT: 'DTS_SOURCE_UNSUPPORTED_EVENT',
  /** The saved position no longer exists on the source (binlog purged): a full sync is needed. */
  SOURCE_POSITION_LOST: 'DTS_SOURCE_POSITION_LOST',
  /** The queue could not store or read a batch (disk, permissions, corruption, Redis). */
  QUEUE_IO: 'DTS_QUEUE_IO',
  /** A queue file failed its checksum: the bytes on disk are not what was written. */
  QUEUE_CORRUPT: 'DTS_QUEUE_CORRUPT',
  /** The destination refused a connection or dropped it. Retried within the connection window. */
  SINK_CONNECTION: 'DTS_SINK_CONNECTION',
  /** The destination rejected a write. Retried within the window for other issues. */
  SINK_WRITE: 'DTS_SINK_WRITE',
  /** A record is larger than the destination accepts; the message names table, key and position. */
  RECORD_TOO_LARGE: 'DTS_RECORD_TOO_LARGE',
  /** A retry window ran out: the task is FAILED and resumes from its checkpoint when restarted. */
  RETRY_WINDOW_EXCEEDED: 'DTS_RETRY_WINDOW_EXCEEDED',
  /** A function was invoked with an event it cannot use; the message names the function, the field and what it expects. */
  INVALID_EVENT: 'DTS_INVALID_EVENT',
  /** s.yaml declares something the local runner cannot run; the message names the path in s.yaml. */
  DEPLOY_CONFIG: 'DTS_DEPLOY_CONFIG',
  /** A stop was requested; not a failure. */
  ABORTED: 'DTS_ABORTED',
  /** A bug: an internal invariant does not hold. Please report it with the log. */
  INVARIANT: 'DTS_INVARIANT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Context fields that may be logged: names, positions and keys, never secrets or row values. */
export interface ErrorContext {
  taskName?: string;
  database?: string;
  table?: string;
  primaryKey?: string;
  position?: string;
  sink?: string;
  topic?: string;
  partition?: number;
  path?: string;
  [field: string]: string | number | boolean | undefined;
}

export interface DtsErrorOptions {
  code: ErrorCode;
  retriable?: boolean;
  context?: ErrorContext;
  cause?: unknown;
}

export class DtsError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(message: string, options: DtsErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }

  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? `${this.cause.name}: ${this.cause.message}` : undefined;
    return { name: this.name, code: this.code, message: this.message, retriable: this.retriable, context: this.context, cause };
  }
}

/** A bug: something that cannot happen did. */
export class InvariantError extends DtsError {
  constructor(message: string, context?: ErrorContext) {
    super(`${message} (this is a bug, please report it)`, { code: ErrorCodes.INVARIANT, context });
  }
}

/** A stop was requested while work was in progress. */
export class AbortedError extends DtsError {
  constructor(message = 'stopped on request') {
    super(message, { code: ErrorCodes.ABORTED });
  }
}

/** Whether an error says a retry may succeed; errors we did not type are assumed transient. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof DtsError) return err.retriable;
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError);
}
