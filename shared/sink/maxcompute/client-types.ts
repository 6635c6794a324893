/**
 * The MaxCompute protocol client as the sink sees it: the control plane (tables, SQL instances)
 * and Table Tunnel batch upload sessions (specs/maxcompute.md §1–3). Wire and API only: no
 * knowledge of records, DTS layouts or flush policy.
 */
import type { OdpsColumn } from '../../encode/maxcompute/types.ts';

export interface OdpsTableSchema {
  readonly columns: readonly OdpsColumn[];
  readonly partitionKeys: readonly OdpsColumn[];
}

/** Partition values in key order, e.g. [['new_dts_sync_modifytime_year','2026'], …]; empty: not partitioned. */
export type PartitionSpec = ReadonlyArray<readonly [string, string]>;

export type UploadStatus = 'NORMAL' | 'CLOSING' | 'CLOSED' | 'CANCELED' | 'EXPIRED' | 'CRITICAL' | 'COMMITTING';

export interface UploadSession {
  readonly uploadId: string;
  readonly table: string;
  readonly partition: PartitionSpec;
  readonly status: UploadStatus;
  /** The session's schema: the data columns whose order numbers the record fields (i + 1). */
  readonly columns: readonly OdpsColumn[];
  /** Blocks the server holds for this session. */
  readonly blocks: ReadonlyArray<{ readonly blockId: number; readonly recordCount: number }>;
}

export interface TunnelClient {
  /** POST ?uploads (with create_partition=true when partitioned). */
  createUpload(table: string, partition: PartitionSpec): Promise<UploadSession>;
  /** GET ?uploadid=: status and uploaded blocks (after a crash: was it committed?). */
  getUpload(table: string, partition: PartitionSpec, uploadId: string): Promise<UploadSession>;
  /** PUT one complete record stream (encode/maxcompute record-stream) as block `blockId`; re-sending a block id overwrites it. */
  uploadBlock(session: UploadSession, blockId: number, recordStream: Uint8Array): Promise<void>;
  /** Checks the server holds exactly `blockIds`, then POST ?uploadid= to commit. */
  commit(session: UploadSession, blockIds: readonly number[]): Promise<void>;
}

export interface MaxComputeClient {
  readonly project: string;
  /** GET /projects/{p}/tables/{t}; null when the table does not exist (404). */
  getTable(table: string): Promise<OdpsTableSchema | null>;
  /**
   * Runs one SQL statement as an instance (odps2 type system) and waits until it terminated;
   * a failed task rejects with MaxComputeSqlError carrying the server's result text.
   */
  runSql(sql: string): Promise<void>;
  /** The Table Tunnel client (tunnel endpoint discovered once with GET /projects/{p}/tunnel?service). */
  tunnel(): Promise<TunnelClient>;
}
