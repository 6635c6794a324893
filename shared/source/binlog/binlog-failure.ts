/**
 * What a failure of the binlog connection means, told apart by the error's shape wherever it has
 * one: the server's error packets (`errno`, `sqlState`) and socket or protocol errors (`code`) go
 * through sourceConnectFailure; a TypeError or RangeError is an exception of a parser reading an
 * event's bytes (final: reading the same bytes again fails again); our decoders' typed errors pass
 * through. zongji's own plain Errors carry no code: the one for a column type it cannot read is
 * recognised by its text (zongji gives nothing else), the rest (its control connection went away)
 * are retried as connection failures.
 */
import { DtsError } from '../../errors.ts';
import { sourceConnectFailure } from '../connect-failure.ts';
import { PositionLostError, SourceConnectionError, SourceTlsError, UnsupportedEventError } from '../errors.ts';
import type { SourceEndpoint } from './connection-options.ts';

/** ER_MASTER_FATAL_ERROR_READING_BINLOG: the requested binlog (position, GTID) is gone. */
const BINLOG_GONE = 1236;

/** zongji's common.js: `Unsupported type "<code>" on column "<name>"`. */
const ZONGJI_UNSUPPORTED_TYPE = /^Unsupported type /;

/** `position` is where the reader stands (formatPosition of the assembler's boundary). */
export function binlogFailure(err: Error, position: string, endpoint: SourceEndpoint): DtsError {
  if (err instanceof DtsError) return err;
  const { errno, code } = err as { errno?: unknown; code?: unknown };
  if (errno === BINLOG_GONE) {
    return new PositionLostError(
      `the source no longer has the binlog to resume from ${position} (${err.message}); the binlog was purged before the task read it: run a full sync again, and keep binlogs longer (7 days, as DTS advises)`,
      { position },
      err,
    );
  }
  const uncoded = errno === undefined && code === undefined;
  if (uncoded && (err instanceof TypeError || err instanceof RangeError || ZONGJI_UNSUPPORTED_TYPE.test(err.message))) {
    return new UnsupportedEventError(
      `the binlog event at ${position} cannot be decoded (${err.name}: ${err.message}); exclude its table from the task or change the column type, and report the position if the table's types are supported`,
      { position },
      err,
    );
  }
  const failure = sourceConnectFailure(endpoint, 'the binlog connection', err);
  if (failure instanceof SourceTlsError) return failure; // certificate problems are final; the rest is retried
  return new SourceConnectionError(`binlog connection to ${endpoint.host}:${endpoint.port} failed: ${err.message}`, { position }, err);
}
