/**
 * Precheck items over the source's variables (pure: a snapshot in, findings out), as the DTS
 * precheck lists them: binary logging on, ROW format, FULL row image, FULL row metadata (a
 * warning), retention long enough to resume, log_slave_updates on a source that is a replica, a
 * server_id distinct from the task's serverId, and GTID mode.
 */
import { fail, pass, warn, type Finding } from './finding.ts';
import type { SourceVariables } from './source-variables.ts';

const DAY = 86_400;
/** DTS: keep binlogs 7 days for incremental sync; below 24 h a routine outage loses the position. */
export const RETENTION_RECOMMENDED_SECONDS = 7 * DAY;
export const RETENTION_MINIMUM_SECONDS = DAY;

const on = (v: string | undefined): boolean => v !== undefined && (v === '1' || v.toUpperCase() === 'ON');

export function binlogItems(source: SourceVariables): Finding[] {
  const v = source.vars;
  const items: Finding[] = [];
  items.push(on(v.log_bin) ? pass('source.log_bin', 'binary logging is on') : fail('source.log_bin', 'log_bin is OFF', 'start the server with --log-bin (log_bin in my.cnf) and restart it'));
  const format = (v.binlog_format ?? '').toUpperCase();
  items.push(
    format === 'ROW'
      ? pass('source.binlog_format', 'binlog_format is ROW')
      : fail('source.binlog_format', `binlog_format is ${format || 'unknown'}, must be ROW`, "SET GLOBAL binlog_format='ROW' (and binlog_format=ROW in my.cnf)"),
  );
  const image = (v.binlog_row_image ?? '').toUpperCase();
  items.push(
    image === 'FULL'
      ? pass('source.binlog_row_image', 'binlog_row_image is FULL')
      : fail('source.binlog_row_image', `binlog_row_image is ${image || 'unknown'}, must be FULL`, "SET GLOBAL binlog_row_image='FULL' (and binlog_row_image=FULL in my.cnf)"),
  );
  items.push(rowMetadataItem(source));
  items.push(retentionItem(source));
  items.push(replicaUpdatesItem(source));
  items.push(gtidItem(source));
  return items;
}

function rowMetadataItem(source: SourceVariables): Finding {
  const id = 'source.binlog_row_metadata';
  const value = source.vars.binlog_row_metadata;
  if (value === undefined) return pass(id, `binlog_row_metadata does not exist on ${source.version}: column names are read from the catalog`);
  if (value.toUpperCase() === 'FULL') return pass(id, 'binlog_row_metadata is FULL');
  return warn(
    id,
    `binlog_row_metadata is ${value.toUpperCase()}: column names come from the catalog, which can be newer than a row read from an older binlog event after a DDL`,
    "SET GLOBAL binlog_row_metadata='FULL' (and binlog_row_metadata=FULL in my.cnf)",
  );
}

/**
 * Seconds binlogs are kept, 0 when they never expire. MySQL 8 and MariaDB 10.6+ use
 * binlog_expire_logs_seconds (MySQL 8 ignores expire_logs_days when it is set); older servers
 * expire_logs_days (fractional on MariaDB). binlog_expire_logs_auto_purge=OFF (MySQL 8.0.29+)
 * turns automatic purging off whatever the period.
 */
export function retentionSeconds(vars: Readonly<Record<string, string>>): number {
  if (vars.binlog_expire_logs_auto_purge?.toUpperCase() === 'OFF') return 0;
  const seconds = Number(vars.binlog_expire_logs_seconds ?? 0);
  if (seconds > 0) return seconds;
  return Math.round(Number(vars.expire_logs_days ?? 0) * DAY);
}

function retentionItem(source: SourceVariables): Finding {
  const id = 'source.binlog_retention';
  const seconds = retentionSeconds(source.vars);
  const variable = source.vars.binlog_expire_logs_seconds !== undefined ? 'binlog_expire_logs_seconds' : 'expire_logs_days';
  const fix = variable === 'binlog_expire_logs_seconds' ? 'SET GLOBAL binlog_expire_logs_seconds = 604800 (and in my.cnf)' : 'SET GLOBAL expire_logs_days = 7 (and in my.cnf)';
  if (seconds === 0) return pass(id, 'binlogs never expire automatically');
  const kept = seconds % DAY === 0 ? `${seconds / DAY} days` : `${seconds} s`;
  if (seconds < RETENTION_MINIMUM_SECONDS) return fail(id, `binlogs are kept ${kept} (${variable}), less than the 24 h minimum: a task stopped longer than that cannot resume`, fix);
  if (seconds < RETENTION_RECOMMENDED_SECONDS)
    return warn(id, `binlogs are kept ${kept} (${variable}), less than the 7 days DTS recommends for incremental sync: a task stopped longer than that must start over`, fix);
  return pass(id, `binlogs are kept ${kept}`);
}

function replicaUpdatesItem(source: SourceVariables): Finding {
  const id = 'source.log_slave_updates';
  const value = source.vars.log_replica_updates ?? source.vars.log_slave_updates;
  const name = source.vars.log_replica_updates !== undefined ? 'log_replica_updates' : 'log_slave_updates';
  if (on(value)) return pass(id, `${name} is ON`);
  if (source.isReplica === false) return pass(id, `the source is not a replica, so ${name} does not matter`);
  const fix = `set ${name}=ON in my.cnf and restart the server (it is read-only at run time)`;
  if (source.isReplica === null)
    return warn(
      id,
      `${name} is OFF and whether the source is a replica could not be read (SHOW REPLICA STATUS needs REPLICATION CLIENT): if it is one, changes it replicates are not in its binlog`,
      fix,
    );
  return fail(id, `the source is a replica and ${name} is OFF: changes it replicates from its primary are not in its binlog, so the task would miss them`, fix);
}

function gtidItem(source: SourceVariables): Finding {
  const id = 'source.gtid_mode';
  if (source.isMariaDb) return pass(id, 'MariaDB always records GTIDs');
  const mode = (source.vars.gtid_mode ?? 'OFF').toUpperCase();
  if (mode === 'ON') return pass(id, 'gtid_mode is ON');
  return warn(
    id,
    `gtid_mode is ${mode}: the task resumes by binlog file and position, which do not carry over to another server after a failover`,
    'SET GLOBAL enforce_gtid_consistency=ON; then SET GLOBAL gtid_mode step by step: OFF_PERMISSIVE, ON_PERMISSIVE, ON (and both in my.cnf)',
  );
}

/** The task's serverId must differ from the source's and from every other replica it serves. */
export function serverIdItems(sourceServerId: number, taskServerId: number, replicaIds: readonly number[] | null): Finding[] {
  const items: Finding[] = [];
  if (sourceServerId === 0)
    items.push(fail('source.server_id', 'the source runs with server_id=0, which refuses replicas', 'SET GLOBAL server_id = <a number unique in the replication topology> (and in my.cnf)'));
  else if (sourceServerId === taskServerId)
    items.push(
      fail('source.server_id', `source.serverId ${taskServerId} equals the source's own server_id`, 'set source.serverId in the task file to a number no server or replica of this source uses'),
    );
  else items.push(pass('source.server_id', `source.serverId ${taskServerId} differs from the source's server_id ${sourceServerId}`));
  if (replicaIds === null)
    items.push(
      warn(
        'source.replicas',
        'the replicas connected to the source could not be listed (SHOW REPLICAS / SHOW SLAVE HOSTS needs REPLICATION SLAVE, or REPLICATION MASTER ADMIN on MariaDB)',
        'compare source.serverId with the server_id of every replica of this source by hand',
      ),
    );
  else if (replicaIds.includes(taskServerId))
    items.push(
      fail(
        'source.replicas',
        `a replica connected to the source already uses server_id ${taskServerId}: the source drops one of the two connections`,
        'set source.serverId in the task file to a number no server or replica of this source uses',
      ),
    );
  else items.push(pass('source.replicas', `no connected replica uses server_id ${taskServerId}`));
  return items;
}
