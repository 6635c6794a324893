/**
 * What a failure of the binlog connection means. zongji surfaces three kinds, told apart by their
 * shape, not their text: the server's error packets (`errno`, `sqlState`), socket and protocol
 * errors (`code`), and exceptions thrown while an event is decoded (neither: zongji's parser, or a
 * decoder of ours that threw something untyped). Our decoders' typed errors pass through as they are.
 */
import { DtsError } from '../../errors.ts';
import { sourceConnectFailure } from '../connect-failure.ts';
import { PositionLostError, SourceConnectionError, SourceTlsError, UnsupportedEventError } from '../errors.ts';
import type { SourceEndpoint } from './connection-options.ts';

/** ER_MASTER_FATAL_ERROR_READING_BINLOG: the requested binlog (position, GTID) is gone. */
const BINLOG_GONE = 1236;

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
  if (errno === undefined && code === undefined) {
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
