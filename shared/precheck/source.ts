/**
 * The source side of the precheck: variables, privileges and server ids, read over one connection.
 * The reader runs these at start (source/precheck.ts); the standalone precheck adds objects and
 * destinations.
 */
import type { Task } from '../task/index.ts';
import type { SqlQuery } from '../source/schema/table-schemas.ts';
import { binlogItems, serverIdItems } from './binlog-items.ts';
import type { Finding } from './finding.ts';
import { grantItems, heartbeatGrantItem, parseGrants, type SelectedObject } from './grants.ts';
import { readSourceVariables, type SourceVariables } from './source-variables.ts';

export interface SourceCheck {
  /** The task's source.serverId. */
  readonly serverId: number;
  readonly objects: Task['objects'];
  /** The heartbeat table when the task writes one: adds source.privileges.heartbeat (the standalone precheck). */
  readonly heartbeat?: { readonly database: string; readonly table: string } | null;
}

export function selectedObjects(objects: Task['objects']): SelectedObject[] {
  return objects.flatMap((o) => (o.tables ? o.tables.map((t) => ({ database: o.database, table: typeof t === 'string' ? t : t.name })) : [{ database: o.database, table: '*' }]));
}

export async function sourceItems(query: SqlQuery, check: SourceCheck, variables?: SourceVariables): Promise<Finding[]> {
  const source = variables ?? (await readSourceVariables(query));
  const grants = await query<Record<string, string>>('SHOW GRANTS', []);
  const [user] = await query<{ u: string }>('SELECT CURRENT_USER() AS u', []);
  const account = (user?.u ?? "'<user>'@'<host>'").replace(/^(.*)@([^@]*)$/, "'$1'@'$2'");
  const grantSet = parseGrants(grants.map((row) => String(Object.values(row)[0])));
  return [
    ...binlogItems(source),
    ...grantItems(grantSet, selectedObjects(check.objects), source.isMariaDb, account),
    ...(check.heartbeat ? [heartbeatGrantItem(grantSet, check.heartbeat, await tableExists(query, check.heartbeat), account)] : []),
    ...serverIdItems(Number(source.vars.server_id ?? 0), check.serverId, await replicaServerIds(query)),
  ];
}

/** Whether the table exists, as far as the user can see it (one it may not see needs creating, for all it knows). */
async function tableExists(query: SqlQuery, t: { database: string; table: string }): Promise<boolean> {
  const [row] = await query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [t.database, t.table]);
  return Number(row?.n ?? 0) > 0;
}

/** Server ids of the replicas registered with the source; null when the user may not list them. */
async function replicaServerIds(query: SqlQuery): Promise<number[] | null> {
  for (const sql of ['SHOW REPLICAS', 'SHOW SLAVE HOSTS']) {
    try {
      const rows = await query<Record<string, unknown>>(sql, []);
      return rows.map((r) => Number(r.Server_Id ?? r.Server_id));
    } catch {
      // unknown syntax on this server, or no privilege: try the other spelling
    }
  }
  return null;
}
