/**
 * The task's one stored state, as DTS shows it: Running, Paused, Stopped, Failed with the reason,
 * Completed; the start of each open retry window per stage; the full sync's progress; each
 * destination's delivered position and latency series; each alert rule's state; the object sets
 * the task has read with and where each took effect. Kept beside the queue (state.json in the file queue's
 * directory, `<prefix>:state` in Redis) so that every process, every FC invocation and every
 * command reads the same one. Stores: shared/task/state/ (the Redis one is loaded on demand).
 */
import { readFileStateJson, writeFileStateJson } from './state/file-store.ts';
import type { ObjectSetChange } from './object-set-history.ts';

export type { TaskStateStore, StateChange } from './state/store.ts';
export { FileTaskStateStore } from './state/file-store.ts';
export * from './state/transitions.ts';

/**
 * RUNNING: reading and delivering. PAUSED: `dts pause`; nothing reads or delivers until `resume`,
 * across restarts. STOPPED: ended on request. FAILED: a retry window ran out or a fatal error.
 * COMPLETED: a full-sync-only task finished (DTS shows "Completed").
 */
export type TaskStatus = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'COMPLETED';

export interface FailureReason {
  readonly message: string;
  readonly code?: string;
  readonly context?: unknown;
}

/** An open retry window: a stage has been failing since `since` (epoch ms), without a success in between. */
export interface OpenRetryWindow {
  readonly since: number;
  readonly attempts: number;
  /** The last failure's message and code (no secrets, no row values: typed errors only carry those). */
  readonly lastError?: FailureReason;
}

/** `[epochMs, latencyMs]`: when the latency was measured, and the latency then. */
export type LatencySample = readonly [epochMs: number, latencyMs: number];

/** One alert rule as last evaluated; times are epoch ms. */
export interface AlertRuleState {
  readonly firing: boolean;
  /** Since when the condition has held, while it holds (what `for <duration>` is measured from). */
  readonly holdsSince?: number;
  /** When `firing` last changed, and the values then (latency, retry window, reason) for the notification. */
  readonly changedAt: number;
  readonly values?: Readonly<Record<string, unknown>>;
  /** The state the webhook last acknowledged: a notification is due while it differs from `firing`. */
  readonly notified?: 'FIRING' | 'RESOLVED';
  /** An evaluator that claimed the due notification and is sending it, until `until` (then another may). */
  readonly sending?: { readonly by: string; readonly until: number };
  /** Why the last send failed (no URL, no secret); it is sent again at the next evaluation. */
  readonly lastSendError?: string;
}

export interface DeliveredPosition {
  /** The queue seq the destination has acknowledged up to. */
  readonly seq: number;
  readonly at: string;
}

export interface TaskState {
  readonly status: TaskStatus;
  /** When the status was last written (ISO time). */
  readonly at: string;
  /** Why the task failed: the error's message, code and context (no secrets, no row values). */
  readonly reason?: FailureReason;
  /** The full data sync's progress (rows, tables, completed). */
  readonly fullSync?: unknown;
  /** Open retry windows by stage (`reader`, `deliver:<destination>`). */
  readonly retryWindows?: Readonly<Record<string, OpenRetryWindow>>;
  /** Delivered position by destination name. */
  readonly delivered?: Readonly<Record<string, DeliveredPosition>>;
  /** Each alert rule's state by rule name (ops/alerts), so `for 5m` and "notify once" span FC invocations. */
  readonly alerts?: Readonly<Record<string, AlertRuleState>>;
  /** Recent DTS latency samples by destination, oldest first, bounded (transitions.ts `withLatencySample`). */
  readonly latencySeries?: Readonly<Record<string, readonly LatencySample[]>>;
  /** The object set over the binlog, oldest first (object-set-history.ts): what `status` shows and the reader follows. */
  readonly objectSets?: readonly ObjectSetChange[];
}

/** Replaces the state file atomically (tmp + fsync + rename). Prefer a TaskStateStore's `update`. */
export async function writeTaskState(file: string, state: TaskState): Promise<void> {
  await writeFileStateJson(file, state);
}

/** The state file's content, or null when there is none (or it cannot be parsed). */
export async function readTaskState(file: string): Promise<TaskState | null> {
  return readFileStateJson(file);
}
