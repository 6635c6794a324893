/**
 * The event each FC function accepts, one schema per function, checked by fcHandler before the
 * entry runs: an invocation (`s invoke -e`, `npm run invoke`) or a timer's payload (merged into the
 * event by parseEvent) with a misspelt field or a wrong type fails at once with InvalidEventError
 * instead of running with a silent default. Unknown fields are refused, except FC's own timer
 * fields. Each field's `describe` text is what the error says was expected.
 */
import { z } from 'zod';

/** What FC adds to a timer event (specs/function-compute.md §1.2); the payload's fields are merged beside them. */
const timerFields = {
  triggerName: z.string().describe('the timer trigger name (a string)').optional(),
  triggerTime: z.string().describe('the trigger time (an ISO 8601 string)').optional(),
  payload: z.string().describe("the timer's payload (a JSON object as a string)").optional(),
};

const taskFile = z.string().min(1).describe('the path of a task file (a non-empty string); default DTS_TASK_FILE').optional();
/** Work budget of streaming functions; capped by the function's timeout (task-config.ts runBudgetMs). */
const maxRunMs = z.number().int().positive().describe('a whole number of milliseconds > 0 (the invocation stops working after it)').optional();

export const DEFAULT_IDLE_MS = 2_000;
/** Counting pending records reads the backlog; past this many the latency report gives a lower bound. */
export const DEFAULT_SCAN_RECORDS = 100_000;

export const readerEvent = z.strictObject({ ...timerFields, taskFile, maxRunMs });

export const deliverEvent = z.strictObject({
  ...timerFields,
  taskFile,
  maxRunMs,
  idleMs: z.number().int().nonnegative().describe(`a whole number of milliseconds >= 0 (return after the queue was idle this long; default ${DEFAULT_IDLE_MS})`).default(DEFAULT_IDLE_MS),
});

export const fullSyncEvent = z.strictObject({
  ...timerFields,
  taskFile,
  tables: z.array(z.string().min(1)).min(1).nullable().describe('a non-empty list of "database.table" names the task selects, or absent for every selected table').optional(),
});

export const heartbeatEvent = z.strictObject({ ...timerFields, taskFile });

export const latencyEvent = z.strictObject({
  ...timerFields,
  taskFile,
  scanRecords: z.number().int().positive().describe(`a whole number of records > 0 (how much backlog to count; default ${DEFAULT_SCAN_RECORDS})`).default(DEFAULT_SCAN_RECORDS),
});

export const retryWindowEvent = z.strictObject({ ...timerFields, taskFile });

export type ReaderEvent = z.output<typeof readerEvent>;
export type DeliverEvent = z.output<typeof deliverEvent>;
export type FullSyncEvent = z.output<typeof fullSyncEvent>;
export type HeartbeatEvent = z.output<typeof heartbeatEvent>;
export type LatencyEvent = z.output<typeof latencyEvent>;
export type RetryWindowEvent = z.output<typeof retryWindowEvent>;
