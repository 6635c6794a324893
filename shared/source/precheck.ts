/**
 * Source prechecks, as DTS runs them before a task starts: binlog on, ROW format, FULL row image.
 * Each failed check names the variable, what it is, what it must be, and how to set it.
 */
import type { SqlQuery } from './schema/table-schemas.ts';
import { SourcePrecheckError } from './errors.ts';
import { binlogStatus } from './binlog-status.ts';

export interface SourceFacts {
  readonly version: string;
  readonly isMariaDb: boolean;
  readonly serverId: number;
  /** The current end of the binlog: where a new task starts. */
  readonly file: string;
  readonly position: number;
  /** @@gtid_binlog_pos (MariaDB) or @@gtid_executed (MySQL with gtid_mode=ON); null otherwise. */
  readonly gtidSet: string | null;
}

interface Variables {
  version: string;
  log_bin: string | number;
  binlog_format: string;
  binlog_row_image: string;
  server_id: string | number;
}

export async function precheckSource(query: SqlQuery): Promise<SourceFacts> {
  const [vars] = await query<Variables>(
    'SELECT VERSION() AS version, @@log_bin AS log_bin, @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image, @@server_id AS server_id',
    [],
  );
  if (!vars) throw new SourcePrecheckError('the source returned no server variables');
  const failures: string[] = [];
  if (String(vars.log_bin) !== '1' && String(vars.log_bin).toUpperCase() !== 'ON') failures.push('log_bin is OFF: start the server with --log-bin');
  if (vars.binlog_format.toUpperCase() !== 'ROW') failures.push(`binlog_format is ${vars.binlog_format}, must be ROW: SET GLOBAL binlog_format='ROW' (and in my.cnf)`);
  if (vars.binlog_row_image.toUpperCase() !== 'FULL') failures.push(`binlog_row_image is ${vars.binlog_row_image}, must be FULL: SET GLOBAL binlog_row_image='FULL' (and in my.cnf)`);
  if (failures.length > 0) throw new SourcePrecheckError(`the source is not ready for incremental sync:\n  - ${failures.join('\n  - ')}`);

  const isMariaDb = /mariadb/i.test(vars.version);
  const status = await binlogStatus(query);
  if (!status) throw new SourcePrecheckError('SHOW MASTER STATUS (SHOW BINARY LOG STATUS on MySQL 8.4) returned nothing: binary logging is off, or the source user needs the REPLICATION CLIENT privilege (GRANT REPLICATION CLIENT ON *.* TO the user)');
  let gtidSet: string | null = null;
  if (isMariaDb) {
    const [g] = await query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos', []);
    gtidSet = g?.pos ?? '';
  } else {
    const [g] = await query<{ mode: string; executed: string }>("SELECT @@gtid_mode AS mode, @@gtid_executed AS executed", []).catch(() => []);
    if (g && g.mode.toUpperCase() === 'ON') gtidSet = g.executed.replace(/\s+/g, '');
  }
  return { version: vars.version, isMariaDb, serverId: Number(vars.server_id), file: status.file, position: status.position, gtidSet };
}
