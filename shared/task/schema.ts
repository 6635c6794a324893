/**
 * The task file schema, in DTS terms. Sources and destinations contribute their own fragments;
 * this file assembles them and defines none of them. `loadTask` validates once, at the edge.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { destinationSchemas } from '../sink/registry.ts';
import { defaults } from './defaults.ts';
import { envText, secretSchema } from './secret.ts';
import { sourceTlsSchema } from '../source/tls-config.ts';
import { alertsSchema, unknownRuleTargets } from '../ops/alerts/config.ts';
import { ddlSelectionSchema } from './ddl-selection.ts';
import { columnsMappingSchema, destinationNameSchema, objectNameCaseSchema } from '../mapping/config.ts';

const identifier = z.string().min(1).max(64);

function cronProblem(cron: string): string | null {
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const sourceSchema = z
  .object({
    type: z.literal('mysql').default('mysql'),
    /** Or `${NAME}`: read from the environment when the task starts (runtime/secrets.ts). */
    host: envText(z.string().min(1)),
    port: z.number().int().min(1).max(65535).default(defaults.sourcePort),
    user: z.string().min(1).default(defaults.sourceUser),
    password: secretSchema.default({ value: '' }),
    /** Replica server id this task presents to the source; unique among all replicas of it. */
    serverId: z.number().int().min(1).max(4294967295),
    /** Where incremental sync starts when the queue is empty: the current end of the binlog, or a position. */
    start: z.union([z.literal('current'), z.object({ file: z.string().min(1), position: z.number().int().min(4) }).strict(), z.object({ gtid: z.string() }).strict()]).default('current'),
    connectTimeoutMs: z.number().int().min(1000).default(10000),
    /** TLS for every connection to the source (see source/tls-config.ts); plain TCP when absent. */
    ssl: sourceTlsSchema.optional(),
  })
  .strict();

/** DTS "operations to synchronize": which changes of an object reach the destinations. */
const operationsSchema = z.array(z.enum(['INSERT', 'UPDATE', 'DELETE', 'DDL'])).min(1);

const tableSchema = z.union([
  identifier,
  z
    .object({
      name: identifier,
      operations: operationsSchema.optional(),
      /** DTS "Filter Conditions": a SQL WHERE condition over the table's columns, for full and incremental sync. */
      filter: z.string().trim().min(1).optional(),
      /** Object name mapping: the table's name at the destination (mapping/config.ts). */
      as: destinationNameSchema.optional(),
      /** Column selection and renames at the destination: { keep | drop, rename } (source column names). */
      columns: columnsMappingSchema.optional(),
      /** DDL kinds of this table delivered (overrides its database entry's and the task's). */
      ddl: ddlSelectionSchema.optional(),
    })
    .strict(),
]);

const objectSchema = z
  .object({
    database: identifier,
    /** Object name mapping: the database's name at the destination. */
    as: destinationNameSchema.optional(),
    /** Omit to synchronize every table of the database, including tables created later. */
    tables: z.array(tableSchema).min(1).optional(),
    /** Operations for every table of this entry without its own list (default: all). */
    operations: operationsSchema.optional(),
    /** DDL kinds delivered for this database and its tables without their own (overrides the task's). */
    ddl: ddlSelectionSchema.optional(),
  })
  .strict();

/** The `objects` list; also how the reader checks the objects an object-set signal carries. */
export const objectListSchema = z.array(objectSchema).min(1, 'at least one database');

/** One entry per destination type, from the one list (sink/registry.ts). */
const destinationSchema = z.discriminatedUnion('type', destinationSchemas);

const queueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), dir: z.string().min(1).optional() }).strict(),
  z
    .object({
      type: z.literal('redis'),
      url: secretSchema.default({ value: 'redis://127.0.0.1:6379' }),
      /** Key prefix; defaults to `dts:<task name>`. */
      prefix: z.string().min(1).optional(),
    })
    .strict(),
]);

const advancedSchema = z
  .object({
    retryConnectionMinutes: z.number().int().min(10).max(1440).default(defaults.retryConnectionMinutes),
    retryOtherMinutes: z.number().int().min(1).max(1440).default(defaults.retryOtherMinutes),
    /** DTS heartbeat: a row upserted into the source every interval so an idle binlog still moves and latency stays measurable; `false` turns it off. */
    heartbeat: z
      .union([
        z.literal(false),
        z
          .object({
            table: z
              .string()
              .regex(/^[^.\s]+\.[^.\s]+$/, 'database.table')
              .default(defaults.heartbeatTable),
            intervalSeconds: z.number().int().min(1).max(3600).default(defaults.heartbeatIntervalSeconds),
          })
          .strict(),
      ])
      .default({ table: defaults.heartbeatTable, intervalSeconds: defaults.heartbeatIntervalSeconds }),
  })
  .strict()
  .refine((a) => a.retryOtherMinutes < a.retryConnectionMinutes, {
    message: 'retryOtherMinutes must be smaller than retryConnectionMinutes (as in DTS)',
    path: ['retryOtherMinutes'],
  });

const rateLimitsSchema = z
  .object({
    queriesPerSecond: z.number().positive().optional(),
    rowsPerSecond: z.number().positive().optional(),
    mbPerSecond: z.number().positive().optional(),
  })
  .strict();

/** Full data sync (DTS "Full Data Synchronization"): chunked, lock-free, beside the binlog. */
const fullSyncSchema = z
  .object({
    /** Rows per chunk: one short transaction each. */
    chunkRows: z.number().int().min(1).max(100_000).default(defaults.fullSyncChunkRows),
    /** Parallel workers per table (each its own connection and key range). */
    workers: z.number().int().min(1).max(16).default(defaults.fullSyncWorkers),
    /** Tables without a primary or unique key: refuse them in the precheck, or copy them in one scan. */
    keylessTables: z.enum(['refuse', 'scan']).default('refuse'),
    /** DTS "Enable Throttling for Full Data Synchronization". */
    throttle: rateLimitsSchema.optional(),
    /** Cron (6 fields, with seconds, as FC timers) for scheduled re-baselines of every selected table. */
    schedule: z
      .string()
      .trim()
      .min(1)
      .refine((cron) => cronProblem(cron) === null, { message: 'not a cron expression: six fields "sec min hour day month weekday" in UTC, e.g. "0 0 3 * * *" for 03:00 daily' })
      .optional(),
    /** `database.table` in the source where re-baseline requests are written (created on first use). */
    signalTable: z
      .string()
      .regex(/^[^.\s]+\.[^.\s]+$/, 'database.table')
      .default(defaults.signalTable),
  })
  .strict();

const readerSchema = z
  .object({
    batchMaxRecords: z.number().int().min(1).max(1_000_000).default(defaults.batchMaxRecords),
    batchMaxBytes: z.number().int().min(1024).default(defaults.batchMaxBytes),
    batchMaxDelayMs: z.number().int().min(0).max(60_000).default(defaults.batchMaxDelayMs),
    maxLagBatches: z.number().int().min(1).default(defaults.maxLagBatches),
    /** DTS "Enable Throttling for Incremental Data Synchronization": rows/s and MB/s. */
    throttle: rateLimitsSchema.omit({ queriesPerSecond: true }).optional(),
  })
  .strict();

export const taskSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, starting with a letter or digit'),
    source: sourceSchema,
    objects: objectListSchema,
    destinations: z.array(destinationSchema).min(1, 'at least one destination'),
    /** `full` copies existing rows (INIT records), `incremental` streams changes; both: copy while streaming. */
    /** DDL kinds delivered for every object without its own `ddl` (default: all of them). */
    ddl: ddlSelectionSchema.optional(),
    /** DTS "Capitalization of Object Names in Destination Instance" for names without as/rename. */
    objectNameCase: objectNameCaseSchema.default('source'),
    syncTypes: z
      .array(z.enum(['full', 'incremental']))
      .min(1)
      .default(['incremental']),
    fullSync: fullSyncSchema.default({ chunkRows: defaults.fullSyncChunkRows, workers: defaults.fullSyncWorkers, keylessTables: 'refuse', signalTable: defaults.signalTable }),
    queue: queueSchema.default({ type: 'file' }),
    advanced: advancedSchema.default({
      retryConnectionMinutes: defaults.retryConnectionMinutes,
      retryOtherMinutes: defaults.retryOtherMinutes,
      heartbeat: { table: defaults.heartbeatTable, intervalSeconds: defaults.heartbeatIntervalSeconds },
    }),
    reader: readerSchema.default({
      batchMaxRecords: defaults.batchMaxRecords,
      batchMaxBytes: defaults.batchMaxBytes,
      batchMaxDelayMs: defaults.batchMaxDelayMs,
      maxLagBatches: defaults.maxLagBatches,
    }),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error']).default(defaults.logLevel) })
      .strict()
      .default({ level: defaults.logLevel }),
    /** Alert rules and the webhook they notify (ops/alerts/config.ts). */
    alerts: alertsSchema.optional(),
  })
  .strict()
  .superRefine((task, ctx) => {
    const names = new Set<string>();
    task.destinations.forEach((d, i) => {
      if (names.has(d.name))
        ctx.addIssue({ code: 'custom', path: ['destinations', i, 'name'], message: `duplicate destination name "${d.name}"; each destination needs its own name (it names its cursor)` });
      names.add(d.name);
    });
    const dbs = new Set<string>();
    task.objects.forEach((o, i) => {
      if (dbs.has(o.database)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'database'], message: `database "${o.database}" is listed twice; merge its tables into one entry` });
      dbs.add(o.database);
    });
    if (task.alerts) {
      for (const [i, message] of unknownRuleTargets(
        task.alerts,
        task.destinations.map((d) => d.name),
      ))
        ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, 'when'], message });
    }
  });

export type TaskFile = z.input<typeof taskSchema>;
export type Task = z.output<typeof taskSchema>;
export type DestinationConfig = Task['destinations'][number];
export type SourceConfig = Task['source'];
export type TaskObject = Task['objects'][number];
export type Operation = z.output<typeof operationsSchema>[number];
