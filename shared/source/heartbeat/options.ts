import type { Task } from '../../task/index.ts';
import { parseHeartbeatTable, type HeartbeatTable } from './table.ts';

export interface HeartbeatOptions {
  readonly table: HeartbeatTable;
  readonly intervalMs: number;
}

/** The task's heartbeat, or null when `advanced.heartbeat` is false. */
export function heartbeatOf(task: Task): HeartbeatOptions | null {
  const h = task.advanced.heartbeat;
  return h === false ? null : { table: parseHeartbeatTable(h.table), intervalMs: h.intervalSeconds * 1000 };
}
