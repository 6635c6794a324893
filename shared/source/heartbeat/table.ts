/**
 * The DTS heartbeat table: one row per task, upserted with the current time every interval. The
 * write puts a transaction in the binlog even when the selected tables are idle, so the reader's
 * stored position and source time keep moving and latency is measured in seconds, not "since the
 * last real change". An upsert, not an insert, so the table stays one row per task forever.
 */
import type { SqlQuery } from '../schema/table-schemas.ts';
import { quoteId, tableRef } from '../snapshot/key-sql.ts';
import { HeartbeatPrivilegeError, type HeartbeatPrivilege } from './errors.ts';

export interface HeartbeatTable {
  readonly database: string;
  readonly table: string;
}

/** `database.table` as the task file writes it (the schema checked the shape). */
export function parseHeartbeatTable(name: string): HeartbeatTable {
  const dot = name.indexOf('.');
  return { database: name.slice(0, dot), table: name.slice(dot + 1) };
}

export function isHeartbeatTable(heartbeat: HeartbeatTable | null | undefined, database: string, table: string): boolean {
  return !!heartbeat && heartbeat.database === database && heartbeat.table === table;
}

/** ER_DBACCESS_DENIED_ERROR (CREATE DATABASE) and ER_TABLEACCESS_DENIED_ERROR ("INSERT command denied"). */
const DB_ACCESS_DENIED = 1044;
const TABLE_ACCESS_DENIED = 1142;

/**
 * Creates the table when it is missing, then upserts this task's row. Creation is skipped when
 * the table exists, so a task that selects the heartbeat's database sees no DDL every beat (and the
 * reader never delivers the heartbeat table's CREATE TABLE).
 */
export async function writeHeartbeat(query: SqlQuery, heartbeat: HeartbeatTable, taskName: string): Promise<void> {
  const ref = tableRef(heartbeat.database, heartbeat.table);
  const exists = await query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [heartbeat.database, heartbeat.table]);
  if (Number(exists[0]?.n ?? 0) === 0) {
    await guarded(heartbeat, 'CREATE', async () => {
      // Only when the database is missing: the server logs CREATE DATABASE IF NOT EXISTS even when it
      // exists, and a task that selects the heartbeat's database would deliver that DDL.
      const schemas = await query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [heartbeat.database]);
      if (Number(schemas[0]?.n ?? 0) === 0) await query(`CREATE DATABASE IF NOT EXISTS ${quoteId(heartbeat.database)}`, []);
      await query(
        `CREATE TABLE IF NOT EXISTS ${ref} (
          task VARCHAR(64) NOT NULL PRIMARY KEY,
          beat_at DATETIME(3) NOT NULL
        ) COMMENT 'mysql-dts: heartbeat, one row per task; read from the binlog, never delivered'`,
        [],
      );
    });
  }
  await guarded(heartbeat, 'INSERT', () => query(`INSERT INTO ${ref} (task, beat_at) VALUES (?, UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE beat_at = UTC_TIMESTAMP(3)`, [taskName]));
}

async function guarded<T>(heartbeat: HeartbeatTable, doing: HeartbeatPrivilege, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const errno = (err as { errno?: number }).errno;
    if (errno !== DB_ACCESS_DENIED && errno !== TABLE_ACCESS_DENIED) throw err;
    // The server names the command it refused ("UPDATE command denied"); CREATE DATABASE refusals name none.
    const named = /^(\w+) command denied/i.exec((err as Error).message)?.[1]?.toUpperCase();
    const privilege: HeartbeatPrivilege = named === 'CREATE' || named === 'INSERT' || named === 'UPDATE' || named === 'SELECT' ? named : doing;
    const where = privilege === 'CREATE' ? `${quoteId(heartbeat.database)}.*` : tableRef(heartbeat.database, heartbeat.table);
    throw new HeartbeatPrivilegeError(
      `the heartbeat cannot ${privilege === 'CREATE' ? 'create' : 'write'} ${heartbeat.database}.${heartbeat.table} in the source: the source user lacks the ${privilege} privilege; ` +
        `run GRANT ${privilege === 'CREATE' ? 'CREATE, SELECT, INSERT, UPDATE' : 'SELECT, INSERT, UPDATE'} ON ${where} TO the task's source user, ` +
        `or set advanced.heartbeat.table to a table it may write, or advanced.heartbeat: false (latency then grows while the source is idle)`,
      privilege,
      { database: heartbeat.database, table: heartbeat.table },
      err,
    );
  }
}
