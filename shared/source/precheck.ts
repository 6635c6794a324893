/**
 * Source prechecks, as DTS runs them before a task starts: the items of precheck/ (binlog on, ROW
 * format, FULL row image, retention, privileges, server ids...); a failed item stops the task with
 * what is wrong and the statement that fixes it. Then the facts the reader starts from.
 */
import type { SqlQuery } from './schema/table-schemas.ts';
import { SourcePrecheckError } from './errors.ts';
import { binlogStatus } from './binlog-status.ts';
import { binlogItems } from '../precheck/binlog-items.ts';
import { failures } from '../precheck/finding.ts';
import { sourceItems, type SourceCheck } from '../precheck/source.ts';
import { readSourceVariables } from '../precheck/source-variables.ts';

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

/** Without a task (the heartbeat's position reads): only what change capture cannot work without. */
const CAPTURE_ITEMS = new Set(['source.log_bin', 'source.binlog_format', 'source.binlog_row_image']);

/**
 * `check` adds the items that depend on the task (privileges on its objects, its serverId): the
 * reader passes it; the heartbeat, which only reads positions, does not.
 */
export async function precheckSource(query: SqlQuery, check?: SourceCheck): Promise<SourceFacts> {
  const source = await readSourceVariables(query);
  if (!source.version) throw new SourcePrecheckError('the source returned no server variables');
  // Warnings are ignorable (the standalone precheck shows them); failures stop the task.
  const failed = failures(check ? await sourceItems(query, check, source) : binlogItems(source).filter((f) => CAPTURE_ITEMS.has(f.id)));
  if (failed.length > 0) throw SourcePrecheckError.ofFindings(failed);
  const vars = { version: source.version, server_id: source.vars.server_id ?? '0' };
  const isMariaDb = /mariadb/i.test(vars.version);
  const status = await binlogStatus(query);
  if (!status)
    throw new SourcePrecheckError(
      'SHOW MASTER STATUS (SHOW BINARY LOG STATUS on MySQL 8.4) returned nothing: binary logging is off, or the source user needs the REPLICATION CLIENT privilege (GRANT REPLICATION CLIENT ON *.* TO the user)',
    );
  let gtidSet: string | null = null;
  if (isMariaDb) {
    const [g] = await query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos', []);
    gtidSet = g?.pos ?? '';
  } else {
    const [g] = await query<{ mode: string; executed: string }>('SELECT @@gtid_mode AS mode, @@gtid_executed AS executed', []).catch(() => []);
    if (g && g.mode.toUpperCase() === 'ON') gtidSet = g.executed.replace(/\s+/g, '');
  }
  return { version: vars.version, isMariaDb, serverId: Number(vars.server_id), file: status.file, position: status.position, gtidSet };
}
