/** Every default of the task file, in one place. */
export const defaults = {
  sourcePort: 3306,
  sourceUser: 'root',
  /** DTS: retry failed connections for 10–1440 minutes, 720 by default. */
  retryConnectionMinutes: 720,
  /** DTS: retry other failures (DDL/DML writes) for 1–1440 minutes, 10 by default. */
  retryOtherMinutes: 10,
  /** A batch closes on a transaction boundary once it holds this many records… */
  batchMaxRecords: 5000,
  /** …or this many bytes of row data (an estimate), or after this long. */
  batchMaxBytes: 8 * 1024 * 1024,
  batchMaxDelayMs: 200,
  /** How far the queue may run ahead of the slowest destination before the reader pauses. */
  maxLagBatches: 200,
  /** Full sync: rows per chunk (one short consistent read each) and parallel workers per table. */
  fullSyncChunkRows: 4096,
  fullSyncWorkers: 2,
  /** Where re-baseline requests go (a table in the source, read back from the binlog). */
  signalTable: 'dts.dts_signal',
  /** DTS heartbeat: the source table it upserts one row per task into, and how often. */
  heartbeatTable: 'dts.dts_heartbeat',
  heartbeatIntervalSeconds: 10,
  queueDir: (taskName: string) => `.dts/${taskName}`,
  logLevel: 'info',
} as const;
