/** The Function Compute destination's part of the task file (reference/dts-docs/004). */
import { z } from 'zod';
import { EVENT_OVERHEAD_BYTES } from '../../encode/fc-records/event.ts';
import { envText, secretSchema } from '../../task/secret.ts';
import { defaults } from '../../task/defaults.ts';

const MiB = 1024 * 1024;
/** FC's synchronous invocation payload limit (specs/function-compute.md §4). */
export const FC_SYNC_PAYLOAD_LIMIT = 32 * MiB;
/** DTS: "The size of a single data entry in the source database cannot exceed 16 MB." */
export const FC_RECORD_LIMIT = 16 * MiB;

const fcName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'an FC name: letters, digits, _ and -, starting with a letter or _');

export const fcDestinationSchema = z
  .object({
    type: z.literal('fc'),
    /** Names the destination's cursor in the queue; renaming it starts the destination over. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
      .default('fc'),
    /** DTS supports FC 2.0 targets (service + function); 3.0 (function only) is an extension. */
    fcVersion: z.enum(['2.0', '3.0']).default('2.0'),
    region: z.string().regex(/^[a-z]+(-[a-z0-9]+)+$/, 'an Alibaba Cloud region id such as cn-hangzhou'),
    /** Or `${NAME}`, read from the environment when the task starts. */
    accountId: envText(z.string().regex(/^[0-9]+$/, 'the numeric Alibaba Cloud account id that owns the function')),
    /** Overrides `https://<accountId>.<region>.fc.aliyuncs.com`, e.g. the local endpoint `http://127.0.0.1:9000`. */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
    accessKeyId: z.string().min(1),
    accessKeySecret: secretSchema,
    /** For STS credentials (an access key id starting with `STS.`). */
    securityToken: secretSchema.optional(),
    /** FC 2.0 service of the function (DTS "Service"). */
    service: fcName.optional(),
    function: fcName,
    /** DTS "Service Version and Alias": LATEST, a version number or an alias. */
    qualifier: z
      .string()
      .regex(/^(LATEST|[0-9]+|[A-Za-z][A-Za-z0-9_-]{0,127})$/, 'LATEST, a version number or an alias name')
      .default('LATEST'),
    /** Records per invocation at most. */
    maxInvocationRecords: z.number().int().min(1).max(100_000).default(defaults.fcMaxInvocationRecords),
    /** Event bytes per invocation at most; FC refuses synchronous payloads above 32 MB. */
    maxInvocationBytes: z.number().int().min(1024).max(FC_SYNC_PAYLOAD_LIMIT).default(defaults.fcMaxInvocationBytes),
    /** A record encoding to more stops the task (DTS: 16 MB); lower it to catch large rows early. */
    maxRecordBytes: z.number().int().min(256).max(FC_RECORD_LIMIT).default(FC_RECORD_LIMIT),
    /** How long one synchronous invocation may take, the function's own run time included. */
    timeoutMs: z.number().int().min(1000).max(86_400_000).default(defaults.fcTimeoutMs),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.fcVersion === '2.0' && d.service === undefined) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'an FC 2.0 function lives in a service: set service (or fcVersion: "3.0" for an FC 3.0 function)' });
    }
    if (d.fcVersion === '3.0' && d.service !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'FC 3.0 functions have no service: remove service (or set fcVersion: "2.0")' });
    }
    if (d.maxRecordBytes + EVENT_OVERHEAD_BYTES > d.maxInvocationBytes) {
      ctx.addIssue({ code: 'custom', path: ['maxInvocationBytes'], message: `must hold one record of maxRecordBytes (${d.maxRecordBytes}) plus ${EVENT_OVERHEAD_BYTES} bytes of event` });
    }
  });

export type FcDestinationConfig = z.infer<typeof fcDestinationSchema>;
