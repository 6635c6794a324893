/**
 * The base error every folder's errors extend: a stable code from one catalog, whether a retry can
 * help, context that is safe to log (never secrets, never row values), and the cause.
 */

/** The error catalog. Each code's comment is the explanation a user reads. */
export const ErrorCodes = {
  /** The task file is missing, unreadable, or does not match the schema; the message names the path. */
  TASK_CONFIG: 'DTS_TASK_CONFIG',
  /** A task's mapping cannot be applied to a table as the source defines it (a key column left out); the message names table, column and path. */
  MAPPING: 'DTS_MAPPING',
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
  /** The task's state store (file or Redis) could not be read or written. Retried. */
  TASK_STATE_IO: 'DTS_TASK_STATE_IO',
  /** A lifecycle command does not apply to the task's state (resume a RUNNING task, …); the message says which states it needs. */
  OPERATION_REFUSED: 'DTS_OPERATION_REFUSED',
  /** The source speaks TLS other than the task's `source.ssl` asks (untrusted certificate, no TLS, wrong name). Not retried. */
  SOURCE_TLS: 'DTS_SOURCE_TLS',
  /** A binlog event's bytes do not parse (truncated, wrong length); the message names file and position. Not retried. */
  SOURCE_MALFORMED_EVENT: 'DTS_SOURCE_MALFORMED_EVENT',
  /** The heartbeat cannot write its table: the account lacks CREATE/INSERT/UPDATE there; the message names the grant. */
  HEARTBEAT_PRIVILEGE: 'DTS_HEARTBEAT_PRIVILEGE',
  /** A table selected for full sync has no primary key or unique key to copy it in chunks; the message says what to add. */
  FULL_SYNC_NO_KEY: 'DTS_FULL_SYNC_NO_KEY',
  /** The source refused a full-sync query (privileges, a dropped table). Not retried. */
  FULL_SYNC_QUERY: 'DTS_FULL_SYNC_QUERY',
  /** A table's filter condition is refused by the source or cannot be evaluated on the stream; the message names the table. */
  FILTER_CONDITION: 'DTS_FILTER_CONDITION',
  /** A queue cursor or commit points outside what the queue holds (retention dropped it, or past the end). Not retried. */
  QUEUE_RANGE: 'DTS_QUEUE_RANGE',
  /** A Kafka topic the task needs is missing (createTopics: false) or cannot be created; the message names it. */
  KAFKA_TOPIC: 'DTS_KAFKA_TOPIC',
  /** A MaxCompute table exists with another shape than the task writes; the message names table, column and types. */
  MAXCOMPUTE_TABLE_SHAPE: 'DTS_MAXCOMPUTE_TABLE_SHAPE',
  /** A source DDL changed a table in a way MaxCompute cannot follow (only ADD COLUMN at the end is synchronized). */
  MAXCOMPUTE_SCHEMA_CHANGE: 'DTS_MAXCOMPUTE_SCHEMA_CHANGE',
  /** The MaxCompute project, table, partition or upload session does not exist (HTTP 404). */
  MAXCOMPUTE_NOT_FOUND: 'DTS_MAXCOMPUTE_NOT_FOUND',
  /** An SQL statement (CREATE TABLE, ALTER TABLE, MERGE) failed on MaxCompute; the message quotes its result. */
  MAXCOMPUTE_SQL: 'DTS_MAXCOMPUTE_SQL',
  /** A MaxCompute upload session is not open for what was asked (expired, canceled); a new session is started. */
  MAXCOMPUTE_UPLOAD_SESSION: 'DTS_MAXCOMPUTE_UPLOAD_SESSION',
  /** A source column type has no MaxCompute type this destination writes; the message names table, column and type. */
  MAXCOMPUTE_COLUMN_TYPE: 'DTS_MAXCOMPUTE_COLUMN_TYPE',
  /** A value does not fit its MaxCompute column (out of range, invalid); the message names table, column and position. */
  MAXCOMPUTE_VALUE: 'DTS_MAXCOMPUTE_VALUE',
  /** The MaxCompute destination's project or settings fail its precheck; the message says what to change. */
  MAXCOMPUTE_PRECHECK: 'DTS_MAXCOMPUTE_PRECHECK',
  /** Bytes in MaxCompute's record stream format do not parse (a bug of a writer, or of the local endpoint). */
  MAXCOMPUTE_RECORD_STREAM: 'DTS_MAXCOMPUTE_RECORD_STREAM',
  /** An alert webhook refused or did not answer; the alert is sent again at the next evaluation. Never fails the task. */
  ALERT_WEBHOOK: 'DTS_ALERT_WEBHOOK',
  /** The metrics endpoint cannot listen on its host and port; the message names the option to change. */
  METRICS_ENDPOINT: 'DTS_METRICS_ENDPOINT',
  /** The reader thread ended without saying why (it crashed or exited); the log before it says more. */
  READER_THREAD: 'DTS_READER_THREAD',
  /** A local protocol server (the FC or MaxCompute endpoint) cannot use its data directory or handler; the message says what to fix. */
  LOCAL_ENDPOINT: 'DTS_LOCAL_ENDPOINT',
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

/** A local protocol server cannot start or serve as configured (its data directory, a handler file). */
export class LocalEndpointError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.LOCAL_ENDPOINT, context, cause });
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
