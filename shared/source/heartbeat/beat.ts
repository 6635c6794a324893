/**
 * One heartbeat: connect to the source, write the row, disconnect. The FC heartbeat function and
 * the local runner's timer both call it; a connection per beat keeps no state between invocations.
 */
import mysql from 'mysql2/promise';
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import { connectionOptions } from '../binlog/connection-options.ts';
import { sourceConnectFailure } from '../connect-failure.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { writeHeartbeat, type HeartbeatTable } from './table.ts';

export async function beat(endpoint: SourceEndpoint, heartbeat: HeartbeatTable, taskName: string): Promise<void> {
  const conn = await mysql.createConnection(connectionOptions(endpoint)).catch((err: Error) => {
    throw sourceConnectFailure(endpoint, 'the heartbeat', err);
  });
  conn.on('error', () => {}); // a dropped connection fails the query instead
  try {
    const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await conn.query(sql, params))[0] as T[];
    await writeHeartbeat(query, heartbeat, taskName);
  } finally {
    await conn.end().catch(() => {});
  }
}
