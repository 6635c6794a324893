/**
 * Re-baseline requests travel through the binlog, as Debezium's signal table does: the full-sync
 * function (or the local scheduler) inserts a row into a small table in the source, and the
 * reader starts the run when it reads that row, in stream order, from the same durable log as
 * everything else. No second store, and nothing is lost if the reader is down when asked.
 */
import type { Row, TableSchema } from '../../record/index.ts';
import type { SqlQuery } from '../schema/table-schemas.ts';
import { quoteId, tableRef } from './key-sql.ts';

export interface SignalTable {
  readonly database: string;
  readonly table: string;
}

export interface FullSyncRequest {
  /** The signal row's id: names the run. */
  readonly id: string;
  /** `db.table` names, or null for every table the task selects. */
  readonly tables: readonly string[] | null;
}

export function parseSignalTable(name: string): SignalTable {
  const dot = name.indexOf('.');
  return { database: name.slice(0, dot), table: name.slice(dot + 1) };
}

export function isSignalTable(signal: SignalTable | null, database: string, table: string): boolean {
  return signal !== null && signal.database === database && signal.table === table;
}

/** Creates the table if needed (the source user needs CREATE and INSERT on its database). */
export async function ensureSignalTable(query: SqlQuery, signal: SignalTable): Promise<void> {
  await query(`CREATE DATABASE IF NOT EXISTS ${quoteId(signal.database)}`, []);
  await query(
    `CREATE TABLE IF NOT EXISTS ${tableRef(signal.database, signal.table)} (
      id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
      task VARCHAR(64) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      tables TEXT NULL COMMENT 'JSON array of db.table; NULL: every selected table',
      requested_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) COMMENT 'mysql-dts: full-sync requests, read from the binlog by the task reader'`,
    [],
  );
}

export async function requestFullSync(query: SqlQuery, signal: SignalTable, task: string, tables: readonly string[] | null): Promise<string> {
  await ensureSignalTable(query, signal);
  const result = (await query(`INSERT INTO ${tableRef(signal.database, signal.table)} (task, kind, tables) VALUES (?, 'full-sync', ?)`, [task, tables ? JSON.stringify(tables) : null])) as unknown as {
    insertId?: number;
  };
  return String(result.insertId ?? '');
}

/** A signal row as the stream reads it, if it asks this task for a full sync. */
export function parseSignal(schema: TableSchema, row: Row, task: string): FullSyncRequest | null {
  const at = (name: string) => row[schema.columns.findIndex((c) => c.name === name)];
  if (at('task') !== task || at('kind') !== 'full-sync') return null;
  const tables = at('tables');
  let list: string[] | null = null;
  if (typeof tables === 'string' && tables.trim() !== '') {
    const parsed: unknown = JSON.parse(tables);
    if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === 'string' && t.includes('.'))) return null;
    list = parsed as string[];
  }
  return { id: String(at('id')), tables: list };
}

/** A signal row that switches the task's object set (its `tables` column holds the objects as JSON). */
export interface ObjectSetSignal {
  readonly id: string;
  readonly objects: unknown;
}

/** Writes an object-set change; the reader switches at the end of this row's transaction. */
export async function requestObjectSet(query: SqlQuery, signal: SignalTable, task: string, objectsJson: string): Promise<string> {
  await ensureSignalTable(query, signal);
  const result = (await query(`INSERT INTO ${tableRef(signal.database, signal.table)} (task, kind, tables) VALUES (?, 'objects', ?)`, [task, objectsJson])) as unknown as { insertId?: number };
  return String(result.insertId ?? '');
}

/** The id of an object-set signal with exactly this JSON written after `afterId`, if any: a request not yet read. */
export async function pendingObjectSet(query: SqlQuery, signal: SignalTable, task: string, objectsJson: string, afterId: string | null): Promise<string | null> {
  await ensureSignalTable(query, signal);
  const rows = await query<{ id: number | string }>(
    `SELECT id FROM ${tableRef(signal.database, signal.table)} WHERE task = ? AND kind = 'objects' AND tables = ? AND id > ? ORDER BY id DESC LIMIT 1`,
    [task, objectsJson, afterId ?? 0],
  );
  return rows[0] ? String(rows[0].id) : null;
}

/** A signal row as the stream reads it, if it changes this task's object set (the objects are checked by the reader). */
export function parseObjectSetSignal(schema: TableSchema, row: Row, task: string): ObjectSetSignal | null {
  const at = (name: string) => row[schema.columns.findIndex((c) => c.name === name)];
  if (at('task') !== task || at('kind') !== 'objects') return null;
  const text = at('tables');
  if (typeof text !== 'string') return null;
  try {
    return { id: String(at('id')), objects: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}
