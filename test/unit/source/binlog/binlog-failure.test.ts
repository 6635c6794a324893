import { describe, expect, it } from 'vitest';
import { ErrorCodes, InvariantError, isRetriable } from '../../../../shared/errors.ts';
import { binlogFailure } from '../../../../shared/source/binlog/binlog-failure.ts';
import { MalformedEventError } from '../../../../shared/source/binlog/events/event-errors.ts';

const endpoint = { host: 'db.internal', port: 3306, user: 'dts', password: 'never-printed' } as never;
const at = 'mysql-bin.000042:1234';

/** An error shaped as mysql2/zongji give it: the server's error packet, or a socket error. */
const shaped = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);

describe('binlogFailure: told apart by shape', () => {
  it('the server says the binlog is gone (errno 1236): position lost, final', () => {
    const err = binlogFailure(shaped('Could not find first log file name in binary log index file', { errno: 1236, code: 'ER_MASTER_FATAL_ERROR_READING_BINLOG', sqlState: 'HY000' }), at, endpoint);
    expect([err.code, err.retriable, err.context.position]).toEqual([ErrorCodes.SOURCE_POSITION_LOST, false, at]);
    expect(err.message).toMatch(/^the source no longer has the binlog to resume from mysql-bin\.000042:1234 \(Could not find first log file/);
  });

  it('a socket or protocol error (code): a connection failure, retried', () => {
    for (const e of [
      shaped('connect ECONNREFUSED 10.0.0.1:3306', { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }),
      shaped('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
    ]) {
      const err = binlogFailure(e, at, endpoint);
      expect([err.code, err.retriable]).toEqual([ErrorCodes.SOURCE_CONNECTION, true]);
      expect(err.message).toBe(`binlog connection to db.internal:3306 failed: ${e.message}`);
    }
  });

  it("a parser exception on the bytes (TypeError, RangeError) or zongji's unsupported column type: the event cannot be decoded, final", () => {
    for (const e of [
      new Error('Unsupported type "255" on column "x"'),
      new RangeError('The value of "offset" is out of range.'),
      new TypeError("Cannot read properties of undefined (reading 'readUInt8')"),
    ]) {
      const err = binlogFailure(e, at, endpoint);
      expect([err.code, err.retriable, isRetriable(err)]).toEqual([ErrorCodes.SOURCE_UNSUPPORTED_EVENT, false, false]);
      expect(err.message).toBe(
        `the binlog event at ${at} cannot be decoded (${e.name}: ${e.message}); exclude its table from the task or change the column type, and report the position if the table's types are supported`,
      );
    }
  });

  it("zongji's other uncoded errors (its control connection went away) are retried as connection failures", () => {
    const e = new Error('Control connection unavailable while fetching column metadata for shop.orders. Binlog processing has halted; call stop() then start() to resume.');
    const err = binlogFailure(e, at, endpoint);
    expect([err.code, err.retriable]).toEqual([ErrorCodes.SOURCE_CONNECTION, true]);
  });

  it("our decoders' typed errors pass through unchanged", () => {
    const malformed = new MalformedEventError('TRANSACTION_PAYLOAD: truncated header');
    expect(binlogFailure(malformed, at, endpoint)).toBe(malformed);
    const bug = new InvariantError('x');
    expect(binlogFailure(bug, at, endpoint)).toBe(bug);
  });

  it('never prints the password', () => {
    const err = binlogFailure(shaped("Access denied for user 'dts'@'10.0.0.2' (using password: YES)", { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }), at, endpoint);
    expect(JSON.stringify([err.message, err.toJSON()])).not.toContain('never-printed');
  });
});
