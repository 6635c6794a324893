/**
 * The changes every process applies to the stored state, as pure functions for `update`. One place
 * says which status may follow which: a PAUSED task stays PAUSED when it is started again, FAILED
 * or STOPPED tasks start again RUNNING (DTS resumes them from their checkpoint), resume clears the
 * reason and the open retry windows.
 */
import type { AlertRuleState, FailureReason, LatencySample, OpenRetryWindow, TaskState, TaskStatus } from '../state.ts';

const now = () => new Date().toISOString();

/** Whether readers and deliverers may work: a task without any stored state is a new one, RUNNING. */
export function isActive(state: TaskState | null): boolean {
  return state === null || state.status === 'RUNNING';
}

/**
 * The local runner starting: RUNNING unless paused (a pause survives restarts). Open retry windows
 * carry over, so a source that keeps failing fails the task after its window however often
 * `npm start` is restarted; a FAILED task starts again with none (its streak ended the task).
 */
export function starting(current: TaskState | null): TaskState {
  if (current?.status === 'PAUSED') return current;
  const { retryWindows, ...rest } = withoutFailure(current);
  const carried = current?.status !== 'FAILED' && retryWindows && Object.keys(retryWindows).length > 0 ? { retryWindows } : {};
  return { ...rest, ...carried, status: 'RUNNING', at: now() };
}

export function withStatus(status: TaskStatus, reason?: FailureReason) {
  return (current: TaskState | null): TaskState => ({ ...withoutFailure(current), status, at: now(), ...(reason ? { reason } : {}) });
}

/** `dts resume`: RUNNING again from PAUSED, STOPPED or FAILED, with no reason and no open windows. */
export function resumed(current: TaskState | null): TaskState {
  const { retryWindows: _, ...rest } = withoutFailure(current);
  return { ...rest, status: 'RUNNING', at: now() };
}

/** A stage failed: opens its window at `at` unless one is open; counts the attempt. */
export function retryWindowFailed(stage: string, at: number, lastError: FailureReason) {
  return (current: TaskState | null): TaskState => {
    const base = current ?? { status: 'RUNNING' as const, at: now() };
    const open = base.retryWindows?.[stage];
    const window: OpenRetryWindow = { since: open?.since ?? at, attempts: (open?.attempts ?? 0) + 1, lastError };
    return { ...base, retryWindows: { ...base.retryWindows, [stage]: window } };
  };
}

/** A stage succeeded: its window is closed (no write when none was open). */
export function retryWindowClosed(stage: string) {
  return (current: TaskState | null): TaskState | null => {
    if (!current?.retryWindows?.[stage]) return null;
    const { [stage]: _, ...others } = current.retryWindows;
    return { ...current, retryWindows: others };
  };
}

/** A window ran out (or a fatal error): FAILED with the reason, whatever else was running. */
export function failed(stage: string, reason: FailureReason) {
  return (current: TaskState | null): TaskState => {
    const base = current ?? { status: 'RUNNING' as const, at: now() };
    const { [stage]: _, ...others } = base.retryWindows ?? {};
    return { ...base, status: 'FAILED', at: now(), reason, retryWindows: others };
  };
}

/**
 * Copies each destination's delivered position (its queue cursor, which stays the authority) into
 * the state. A task with no state yet gets none from this alone: "nothing recorded" stays true
 * until the task is started, fails or is operated.
 */
export function withDelivered(positions: Readonly<Record<string, number>>) {
  return (current: TaskState | null): TaskState | null => {
    if (current === null) return null;
    const base = current;
    const changed = Object.entries(positions).filter(([name, seq]) => base.delivered?.[name]?.seq !== seq);
    if (changed.length === 0) return null;
    const at = now();
    return { ...base, delivered: { ...base.delivered, ...Object.fromEntries(changed.map(([name, seq]) => [name, { seq, at }])) } };
  };
}

/** Latency samples kept per destination: an hour of the FC latency function's minutes, ten minutes of the local runner's 10 s. */
export const LATENCY_SERIES_LIMIT = 60;

export interface LatencySampleOptions {
  /** Skip a destination whose last sample is younger than this: several writers keep one cadence (default 0). */
  readonly minIntervalMs?: number;
  /** Newest samples kept per destination (default LATENCY_SERIES_LIMIT). */
  readonly limit?: number;
}

/**
 * Appends each destination's latency measured at `at` (epoch ms) to its stored series: oldest
 * first, at most `limit`, and never a sample at or before the last one's time (or within
 * `minIntervalMs` of it), so two writers or a clock step cannot disorder a series. A latency that
 * is unknown (null: nothing acknowledged yet) adds nothing; destinations not named are dropped
 * (no longer in the task). Like withDelivered: no state from this alone, no write when nothing changes.
 */
export function withLatencySample(latencies: Readonly<Record<string, number | null>>, at: number, options: LatencySampleOptions = {}) {
  const limit = Math.max(1, options.limit ?? LATENCY_SERIES_LIMIT);
  const minIntervalMs = Math.max(1, options.minIntervalMs ?? 0);
  return (current: TaskState | null): TaskState | null => {
    if (current === null) return null;
    let changed = false;
    const series: Record<string, readonly LatencySample[]> = {};
    for (const [name, latencyMs] of Object.entries(latencies)) {
      const samples = current.latencySeries?.[name] ?? [];
      const last = samples.at(-1);
      if (latencyMs === null || (last !== undefined && at - last[0] < minIntervalMs)) {
        if (samples.length > 0) series[name] = samples;
        continue;
      }
      series[name] = [...samples, [at, Math.max(0, Math.round(latencyMs))] as const].slice(-limit);
      changed = true;
    }
    const dropped = Object.keys(current.latencySeries ?? {}).some((name) => !(name in series));
    if (!changed && !dropped) return null;
    return { ...current, latencySeries: series };
  };
}

/**
 * Replaces the alert rules' state with what ops/alerts decided from the current one (inside the
 * same atomic update, so two evaluators never both record, and both send, one change). A task with
 * no state yet gets one only when some rule has something to keep.
 */
export function withAlerts(alerts: Readonly<Record<string, AlertRuleState>>) {
  return (current: TaskState | null): TaskState | null => {
    if (current === null && Object.keys(alerts).length === 0) return null;
    return { ...(current ?? { status: 'RUNNING' as const, at: now() }), alerts };
  };
}

export function withFullSync(progress: unknown) {
  return (current: TaskState | null): TaskState => ({ ...(current ?? { status: 'RUNNING' as const, at: now() }), fullSync: progress });
}

function withoutFailure(current: TaskState | null): Omit<TaskState, 'status' | 'at'> {
  if (!current) return {};
  const { status: _s, at: _a, reason: _r, ...rest } = current;
  return rest;
}
