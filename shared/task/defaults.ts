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

  /** Kafka destination: a request to a broker may take this long, carries this many records at most… */
  kafkaRequestTimeoutMs: 30_000,
  kafkaMaxBatchRecords: 2000,
  /** …and a record encoding to more than this stops the task (DTS refuses records above 10 MB by default). */
  kafkaMaxRecordBytes: 10 * 1024 * 1024,
  /** Per-request timeout towards the schema registry. */
  schemaRegistryTimeoutMs: 10_000,
  /** Function Compute destination: records and event bytes per invocation (FC refuses synchronous payloads above 32 MB)… */
  fcMaxInvocationRecords: 500,
  fcMaxInvocationBytes: 30 * 1024 * 1024,
  /** …and how long one synchronous invocation may take, the function's own run time included. */
  fcTimeoutMs: 300_000,
  /** MaxCompute destination: a flush uploads at whichever comes first (rows, encoded MiB buffered, age of the oldest row in seconds). */
  maxComputeFlush: { maxRows: 100_000, maxMegabytes: 64, maxSeconds: 30 },
  /** How long one HTTP request to MaxCompute may take. */
  maxComputeTimeoutMs: 120_000,

  // Not keys of the task file: the fixed settings an operator reads in logs and errors.
  /** The file queue starts a new segment file past this size, and a waiting read looks for other processes' appends this often. */
  queueSegmentBytes: 64 * 1024 * 1024,
  queuePollMs: 50,
  /** How long a commit waits for another process's lock on the file queue's cursors. */
  queueCursorLockWaitMs: 10_000,
  /** One queue read returns at most this many batches, and stops adding once its stored payloads reach this many bytes. */
  queueReadMaxBatches: 64,
  /** Far above what batch caps let through for ordinary rows (a 5000-row batch of 16 columns is ~1 MiB), so it only cuts reads of big rows. */
  queueReadMaxBytes: 8 * 1024 * 1024,
  /** Pause between retries inside a retry window: from initialMs, times factor each time, up to maxMs. */
  retryBackoff: { initialMs: 500, maxMs: 30_000, factor: 2 },
  /** How often a running task looks at its state for a pause or stop requested from outside. */
  statePollMs: 500,
  /** Alerts: how long a claim keeps other evaluators off a notification (longer than every send's timeout)… */
  alertClaimMs: 60_000,
  /** …how often the local runner evaluates the rules (FC: the retry-window timer, every minute), and the webhook's timeout. */
  alertLocalEveryMs: 10_000,
  alertWebhookTimeoutMs: 5_000,
  /** Precheck: how long the check of each destination type may take. */
  kafkaPrecheckTimeoutMs: 5_000,
  fcPrecheckTimeoutMs: 10_000,
  maxComputePrecheckTimeoutMs: 10_000,
  /** Kafka: connecting to a broker; kafkajs's own retries only smooth over blips (the retry windows decide how long to keep trying). */
  kafkaConnectionTimeoutMs: 10_000,
  kafkaClientRetry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
  /** How long a topic just created may stay unknown to the broker's metadata, asked again this often. */
  kafkaTopicReadyMs: 10_000,
  kafkaTopicReadyPollMs: 100,
  /** FC 3.0: connecting to the endpoint (never longer than the invocation timeout). */
  fcConnectTimeoutMs: 10_000,
  /** MaxCompute: how long the sink waits for a SQL instance to terminate, and for an upload session's commit. */
  maxComputeSqlWaitMs: 600_000,
  maxComputeCommitWaitMs: 60_000,
} as const;
