/**
 * The MaxCompute destination's part of the task file (reference/dts-docs/003, issue 9 §2).
 * One upload commit per flush: a flush happens at whichever of `flush.maxRows`, `flush.maxMegabytes`
 * (encoded bytes buffered) or `flush.maxSeconds` (age of the oldest buffered row) comes first, and
 * whenever the deliverer is idle long enough or stops.
 */
import { z } from 'zod';
import { PARTITION_LEVELS } from '../../encode/maxcompute/naming-rule.ts';
import { secretSchema } from '../../task/secret.ts';
import { defaults } from '../../task/defaults.ts';

/** A MaxCompute batch tunnel block is best kept ≤ 64 MiB (specs/maxcompute.md §3.5); a flush splits larger groups. */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

const partitionKeysSchema = z
  .array(z.enum(PARTITION_LEVELS))
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    let last = -1;
    keys.forEach((key, i) => {
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: [i], message: `"${key}" is listed twice; list each level once` });
        return;
      }
      seen.add(key);
      const rank = PARTITION_LEVELS.indexOf(key);
      if (rank < last) ctx.addIssue({ code: 'custom', path: [i], message: `"${key}" comes after a finer level; list the levels in the order ${PARTITION_LEVELS.join(', ')}` });
      last = Math.max(last, rank);
    });
  })
  .default(['year', 'month', 'day', 'hour']);

const flushSchema = z
  .object({
    /** Rows buffered (over all tables and partitions) that trigger an upload. */
    maxRows: z.number().int().min(1).max(10_000_000).default(defaults.maxComputeFlush.maxRows),
    /** Encoded bytes buffered that trigger an upload; the sink holds about this much memory at most. */
    maxMegabytes: z.number().int().min(1).max(1024).default(defaults.maxComputeFlush.maxMegabytes),
    /** Age of the oldest buffered row that triggers an upload: the destination's latency bound. */
    maxSeconds: z.number().int().min(1).max(3600).default(defaults.maxComputeFlush.maxSeconds),
  })
  .strict()
  .default({ ...defaults.maxComputeFlush });

export const maxComputeDestinationSchema = z
  .object({
    type: z.literal('maxcompute'),
    /** Names the destination's cursor in the queue; renaming it starts the destination over. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
      .default('maxcompute'),
    /** The service endpoint, e.g. `http://service.cn-hangzhou.maxcompute.aliyun.com/api`; the tunnel endpoint is discovered. */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL such as http://service.cn-hangzhou.maxcompute.aliyun.com/api' }),
    project: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'a MaxCompute project name: a letter, then letters, digits and _'),
    /** A secret reference too, so that `${MC_ACCESS_KEY_ID}` (as DTS users keep it) reads the environment. */
    accessKeyId: secretSchema,
    accessKeySecret: secretSchema,
    /** For STS credentials (an access key id starting with `STS.`): sent as `authorization-sts-token`. */
    securityToken: secretSchema.optional(),
    /** new: `new_dts_sync_*` metadata columns; old: `record_id`, `operation_flag`, … (DTS "Naming Rules of Additional Columns"). */
    namingRule: z.enum(['new', 'old']).default('new'),
    /** The modifytime levels that partition `<table>_log`, coarse to fine. */
    partitionKeys: partitionKeysSchema,
    flush: flushSchema,
    /** How long one HTTP request to MaxCompute may take (SQL instances are polled within their own requests). */
    timeoutMs: z.number().int().min(1000).max(3_600_000).default(defaults.maxComputeTimeoutMs),
  })
  .strict();

export type MaxComputeDestinationConfig = z.infer<typeof maxComputeDestinationSchema>;
