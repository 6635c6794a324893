/**
 * The one shape every stage shares. Source stages build these values; queue stores them; encoders
 * turn them into wire formats. Plain readonly data, no I/O, no knowledge of any format.
 */
import type { SnapshotCursor } from './snapshot-cursor.ts';

/** What happened to a row (or the schema). INIT rows come from full data sync. */
export type Op = 'INSERT' | 'UPDATE' | 'DELETE' | 'DDL' | 'INIT';

/** DDL statements DTS synchronizes, by what they create, change or drop. */
export type DdlKind =
  | 'CREATE_TABLE'
  | 'ALTER_TABLE'
  | 'DROP_TABLE'
  | 'RENAME_TABLE'
  | 'TRUNCATE_TABLE'
  | 'CREATE_VIEW'
  | 'ALTER_VIEW'
  | 'DROP_VIEW'
  | 'CREATE_PROCEDURE'
  | 'ALTER_PROCEDURE'
  | 'DROP_PROCEDURE'
  | 'CREATE_FUNCTION'
  | 'ALTER_FUNCTION'
  | 'DROP_FUNCTION'
  | 'CREATE_TRIGGER'
  | 'DROP_TRIGGER'
  | 'CREATE_INDEX'
  | 'DROP_INDEX'
  | 'CREATE_DATABASE'
  | 'ALTER_DATABASE'
  | 'DROP_DATABASE'
  | 'OTHER';

/**
 * A column as the source defines it. `typeCode` is the MySQL protocol type code (MYSQL_TYPE_*:
 * 1 TINY, 3 LONG, 8 LONGLONG, 246 NEWDECIMAL, 253 VAR_STRING, 252 BLOB …), the one every
 * format maps from; the binlog's storage codes (TIMESTAMP2, DATETIME2, VARCHAR 15) never leave
 * the source stage.
 */
export interface Column {
  readonly name: string;
  /** Full type text as in SHOW CREATE TABLE: `int(11)`, `bigint(20) unsigned`, `decimal(10,2)`. */
  readonly type: string;
  readonly typeCode: number;
  readonly unsigned: boolean;
  /** Character set of text columns (`utf8mb4`, `latin1` …); null for numbers, dates and binary. */
  readonly charset: string | null;
  /** Collation of text columns (`utf8mb4_0900_ai_ci` …), when the catalog gave it; filter conditions compare text by it. */
  readonly collation?: string | null;
  readonly nullable: boolean;
  /** Member of the primary key (or of the unique key chosen in its place). */
  readonly key: boolean;
}

/** A table by its source name. */
export interface TableName {
  readonly database: string;
  readonly table: string;
}

/** A table's shape at the moment a row was written. Records of one table share the object. */
export interface TableSchema extends TableName {
  readonly columns: readonly Column[];
  readonly pkNames: readonly string[];
}

/**
 * A lossless column value:
 * - integers: `number` when within ±2^53, otherwise exact decimal `string` (BIGINT, BIGINT UNSIGNED);
 * - FLOAT/DOUBLE: `number`; DECIMAL: exact `string` with the column's scale;
 * - DATE, TIME, DATETIME, TIMESTAMP: `string` with every fractional digit the column stores,
 *   TIMESTAMP in UTC (`2026-01-02 03:04:05.123456`), zero dates kept (`0000-00-00 00:00:00`);
 * - YEAR: `number` (0 for the zero year);
 * - text (CHAR, VARCHAR, TEXT, ENUM, SET, JSON): `string` decoded from the column's charset;
 * - BIT, BINARY, VARBINARY, BLOB, GEOMETRY (SRID + WKB as MySQL stores it): bytes.
 */
export type Value = null | number | string | Uint8Array;

/** Values in column order, aligned with `TableSchema.columns`. */
export type Row = readonly Value[];

/**
 * Where a record came from. Records of one transaction share one object: the binlog event that
 * began the transaction (`file`/`position`, the point a reader could restart the whole transaction
 * from), its GTID, commit time and id. `position` plus a record's `seq` names the row exactly.
 */
export interface SourceInfo {
  readonly serverId: number;
  readonly file: string;
  readonly position: number;
  readonly gtid: string | null;
  /** Event time in milliseconds (binlog timestamps have second precision). */
  readonly timestampMs: number;
  /** The transaction's XID, or null for statements outside one (DDL). */
  readonly txId: string | null;
  /** The source's `SELECT VERSION()` (DTS Avro's `source.version`). */
  readonly serverVersion?: string;
}

interface RecordBase {
  /** Task-wide, strictly increasing; a redelivered record carries the same id. */
  readonly id: number;
  /** Index of this record within its transaction. */
  readonly seq: number;
  readonly source: SourceInfo;
}

export interface RowRecord extends RecordBase {
  readonly op: 'INSERT' | 'UPDATE' | 'DELETE' | 'INIT';
  readonly schema: TableSchema;
  /** Before image: UPDATE and DELETE. */
  readonly before: Row | null;
  /** After image: INSERT, UPDATE and INIT. */
  readonly after: Row | null;
}

export interface DdlRecord extends RecordBase {
  readonly op: 'DDL';
  readonly kind: DdlKind;
  /** The database the statement ran in or names. */
  readonly database: string;
  /** The table (or view, routine, trigger, index's table) it touches; '' when none. */
  readonly table: string;
  readonly sql: string;
}

export type ChangeRecord = RowRecord | DdlRecord;

/** Where to resume reading the source after a batch: always a transaction boundary. */
export interface ResumePosition {
  readonly file: string;
  readonly position: number;
  /** Executed GTID set (MySQL) or GTID position (MariaDB) at the same point, when the server has one. */
  readonly gtidSet: string | null;
  /**
   * The id the first record read from this position gets. Ids are a pure function of the binlog
   * and the task's filters, so re-reading from here hands out the same ids again.
   */
  readonly nextRecordId: number;
  /** Progress of a full data sync running alongside the stream; absent when none runs. */
  readonly snapshot?: SnapshotCursor;
}

/**
 * A run of records that ends on a transaction boundary, with the position to resume from after it.
 * A transaction too large for one batch is split into several; all but the last have
 * `endsTransaction: false` and carry as `resume` the start of that transaction, so a reader that
 * restarts there replays it and skips the records it already appended (ids up to `lastRecordId`).
 */
export interface Batch {
  readonly records: readonly ChangeRecord[];
  readonly resume: ResumePosition;
  readonly endsTransaction: boolean;
  /** Id of the last record handed out so far (kept even when `records` is empty). */
  readonly lastRecordId: number;
  /**
   * Source commit time (ms, second precision) of the newest transaction the stream passed up to
   * `resume`, whether the task selects it or not: heartbeat rows are never delivered, but their
   * commit time lands here, so a destination that acknowledged this batch is known to be current
   * up to it (DTS latency). Absent before the reader passed any transaction, and in older queues.
   */
  readonly sourceTimeMs?: number;
}

export function isRowRecord(record: ChangeRecord): record is RowRecord {
  return record.op !== 'DDL';
}

export function isDdlRecord(record: ChangeRecord): record is DdlRecord {
  return record.op === 'DDL';
}
