/**
 * The source's server variables a task depends on, read once (SHOW GLOBAL VARIABLES: a variable
 * the server does not have, such as binlog_row_metadata before MySQL 8.0.1 / MariaDB 10.5, is
 * simply absent), and whether the source is itself a replica.
 */
import type { SqlQuery } from '../source/schema/table-schemas.ts';

export interface SourceVariables {
  readonly version: string;
  readonly isMariaDb: boolean;
  /** Lower-cased name → value, as SHOW GLOBAL VARIABLES returns them. */
  readonly vars: Readonly<Record<string, string>>;
  /** True when SHOW REPLICA/SLAVE STATUS lists a channel; null when the user may not ask. */
  readonly isReplica: boolean | null;
}

const NAMES = [
  'version',
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_row_metadata',
  'binlog_expire_logs_seconds',
  'expire_logs_days',
  'binlog_expire_logs_auto_purge',
  'log_slave_updates',
  'log_replica_updates',
  'server_id',
  'gtid_mode',
  'character_set_server',
];

export async function readSourceVariables(query: SqlQuery): Promise<SourceVariables> {
  const rows = await query<{ Variable_name: string; Value: string }>(`SHOW GLOBAL VARIABLES WHERE Variable_name IN (${NAMES.map(() => '?').join(', ')})`, NAMES);
  const vars: Record<string, string> = {};
  for (const r of rows) vars[r.Variable_name.toLowerCase()] = String(r.Value ?? '');
  const version = vars.version ?? '';
  return { version, isMariaDb: /mariadb/i.test(version), vars, isReplica: await replicaStatus(query) };
}

/** SHOW REPLICA STATUS (MySQL 8.0.22+, MariaDB 10.5+), else the older SHOW SLAVE STATUS. */
async function replicaStatus(query: SqlQuery): Promise<boolean | null> {
  for (const sql of ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
    try {
      return (await query(sql, [])).length > 0;
    } catch {
      // unknown syntax on this server, or no privilege: try the other spelling
    }
  }
  return null;
}
