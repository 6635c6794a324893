/**
 * Opening a source connection outside the binlog stream (control, full sync, heartbeat, signals,
 * precheck): one place, so every such connection has the same options (connection-options.ts),
 * swallows idle errors the same way, and reads rows through the same `SqlQuery` adapter.
 */
import mysql from 'mysql2/promise';
import type { ConnectionOptions } from 'mysql2';
import { connectionOptions, type SourceEndpoint } from './binlog/connection-options.ts';
import { sourceConnectFailure } from './connect-failure.ts';
import type { SqlQuery } from './schema/table-schemas.ts';

export interface SourceConnection {
  /** The mysql2 connection, for what the adapter does not cover (row arrays, streams, per-query type casts). */
  readonly conn: mysql.Connection;
  /** Rows as objects, whatever the connection's own `rowsAsArray`. */
  readonly query: SqlQuery;
  /** Ends the connection; a connection that cannot end cleanly is dropped, never an error. */
  close(): Promise<void>;
}

/** Extra mysql2 options for one kind of connection (the chunk reader's `rowsAsArray`). */
export type ExtraConnectionOptions = Pick<ConnectionOptions, 'rowsAsArray'>;

/**
 * Connects; a failure rejects with mysql2's own error (the precheck reports its code as a finding).
 * An error on an idle connection is not thrown at the process: it fails the next query instead.
 */
export async function connectSource(endpoint: SourceEndpoint, extra: ExtraConnectionOptions = {}): Promise<SourceConnection> {
  const conn = await mysql.createConnection({ ...connectionOptions(endpoint), ...extra });
  conn.on('error', () => {});
  return {
    conn,
    query: sqlQuery(conn),
    close: () => conn.end().catch(() => {}),
  };
}

/**
 * As `connectSource`, with a failure classified (sourceConnectFailure: TLS set-up problems are
 * final, the rest retried). `doing` names who connects: "the reader", "the heartbeat".
 */
export async function openSourceConnection(endpoint: SourceEndpoint, doing: string, extra: ExtraConnectionOptions = {}): Promise<SourceConnection> {
  return connectSource(endpoint, extra).catch((err: Error): never => {
    throw sourceConnectFailure(endpoint, doing, err);
  });
}

/** The `SqlQuery` adapter: rows as objects even on a connection that returns arrays by default. */
export function sqlQuery(conn: mysql.Connection): SqlQuery {
  return async <T>(sql: string, params: unknown[]) => (await conn.query({ sql, values: params, rowsAsArray: false }))[0] as T[];
}
