/**
 * MaxCompute (ODPS 2.0) column types and the JS values the tunnel record writer takes for each
 * (specs/maxcompute.md §3.7). Type names are upper case as the SDKs print them after parsing.
 */

/** A column type as MaxCompute spells it: `BIGINT`, `STRING`, `DECIMAL(20,0)`, `TIMESTAMP` … */
export type OdpsTypeName = string;

export interface OdpsColumn {
  readonly name: string;
  readonly type: OdpsTypeName;
  readonly comment?: string;
}

/**
 * A cell value, per type family (null = SQL NULL, the field is omitted on the wire):
 * - BIGINT, INT, SMALLINT, TINYINT: `bigint` (or a safe-integer `number`);
 * - BOOLEAN: `boolean`;
 * - DOUBLE, FLOAT: `number`;
 * - STRING, VARCHAR, CHAR, JSON: `string` (sent as UTF-8); BINARY: `Uint8Array`;
 * - DECIMAL: `string`, the plain decimal text (no exponent);
 * - DATETIME: `number` of milliseconds since the epoch (UTC);
 * - DATE: `number` of days since 1970-01-01;
 * - TIMESTAMP, TIMESTAMP_NTZ: `OdpsTimestamp`.
 */
export type OdpsValue = null | bigint | number | boolean | string | Uint8Array | OdpsTimestamp;

export interface OdpsTimestamp {
  /** Seconds since the epoch (UTC), may be negative. */
  readonly seconds: bigint;
  /** 0 … 999 999 999. */
  readonly nanos: number;
}

/**
 * A table's data columns and partition keys, as the server describes it (GET table) and as this
 * encoder expects it. The same shape as `OdpsTableSchema` in sink/maxcompute/client-types.ts,
 * declared here too because encode/ comes before sink/ on the data's path and imports nothing from it.
 */
export interface OdpsTableShape {
  readonly columns: readonly OdpsColumn[];
  readonly partitionKeys: readonly OdpsColumn[];
}

/**
 * Partition values in key order, e.g. [['new_dts_sync_modifytime_year', '2026'], …]; empty: the
 * table is not partitioned. Structurally the sink's `PartitionSpec` (client-types.ts).
 */
export type OdpsPartitionSpec = ReadonlyArray<readonly [string, string]>;
