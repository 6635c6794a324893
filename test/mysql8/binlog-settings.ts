/**
 * For the MySQL 8 binlog-setting tests: the same statements written once with the session's binlog
 * settings at their defaults and once with compression and/or partial JSON on, into twin tables, so
 * the Canal JSON records of the two runs can be compared field by field.
 */
import type mysql from 'mysql2/promise';
import type { ConsumedMessage } from '../helpers/stack.ts';

export interface BinlogSettings {
  readonly compression: boolean;
  readonly partialJson: boolean;
}

export const DEFAULTS: BinlogSettings = { compression: false, partialJson: false };

/** Sets the writing session's binlog settings (session variables: never the server's). */
export async function useSettings(conn: mysql.Connection, s: BinlogSettings): Promise<void> {
  await conn.query(`SET SESSION binlog_transaction_compression = ${s.compression ? 'ON' : 'OFF'}, SESSION binlog_row_value_options = '${s.partialJson ? 'PARTIAL_JSON' : ''}'`);
}

/** The binlog's current file and end position. */
export async function binlogEnd(conn: mysql.Connection): Promise<{ file: string; position: number }> {
  const [[status]] = (await conn.query('SHOW MASTER STATUS')) as unknown as [[{ File: string; Position: number | string }]];
  return { file: status.File, position: Number(status.Position) };
}

export interface BinlogEvent {
  readonly type: string;
  readonly pos: number;
  readonly end: number;
  readonly info: string;
  readonly inner: boolean;
}

/**
 * The events of `file` from `from`, as SHOW BINLOG EVENTS lists them. It lists a payload's inner
 * events after it too, each with the payload's end as both its start and end: `inner` marks them.
 */
export async function binlogEvents(conn: mysql.Connection, file: string, from: number): Promise<BinlogEvent[]> {
  const [rows] = (await conn.query(`SHOW BINLOG EVENTS IN '${file}' FROM ${from}`)) as unknown as [{ Event_type: string; Pos: number | string; End_log_pos: number | string; Info: string }[]];
  return rows.map((r) => ({ type: r.Event_type, pos: Number(r.Pos), end: Number(r.End_log_pos), info: r.Info, inner: Number(r.Pos) === Number(r.End_log_pos) }));
}

export interface BinlogTransaction {
  /** The GTID event that opens it. */
  readonly gtid: BinlogEvent;
  /** Its other events: outer ones (a payload, or QUERY/TABLE_MAP/rows/XID) and a payload's inner ones. */
  readonly events: readonly BinlogEvent[];
}

/**
 * The transactions (and DDL statements) in `events` that touch database `db`: other tests write to
 * the same server at the same time, so the binlog between two positions holds theirs too.
 */
export function transactionsOn(events: readonly BinlogEvent[], db: string): BinlogTransaction[] {
  const out: { gtid: BinlogEvent; events: BinlogEvent[] }[] = [];
  for (const e of events) {
    if (e.type === 'Gtid') out.push({ gtid: e, events: [] });
    else out.at(-1)?.events.push(e);
  }
  return out.filter((t) => t.events.some((e) => e.info.includes(`${db}.`)));
}

/** The GTID a GTID event sets. */
export const gtidOf = (e: BinlogEvent): string => /GTID_NEXT= '([^']+)'/.exec(e.info)![1]!;

/**
 * A Canal JSON message with what differs between two runs of the same statements taken out: the
 * twin table's name (in `table` and a DDL's `sql`), the record id and the timestamps.
 */
export function comparable(m: ConsumedMessage, table: string, twin: string): Record<string, unknown> {
  const { id: _id, es: _es, ts: _ts, ...rest } = m.json;
  const text = JSON.stringify(rest).replaceAll(table, twin);
  return JSON.parse(text) as Record<string, unknown>;
}
