/**
 * One heartbeat: connect to the source, write the row, disconnect. The FC heartbeat function and
 * the local runner's timer both call it; a connection per beat keeps no state between invocations.
 */
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import { openSourceConnection } from '../connection.ts';
import { writeHeartbeat, type HeartbeatTable } from './table.ts';

export async function beat(endpoint: SourceEndpoint, heartbeat: HeartbeatTable, taskName: string): Promise<void> {
  const { query, close } = await openSourceConnection(endpoint, 'the heartbeat');
  try {
    await writeHeartbeat(query, heartbeat, taskName);
  } finally {
    await close();
  }
}
