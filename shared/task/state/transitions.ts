/**
 * The changes every process applies to the stored state, as pure functions for `update`. One place
 * says which status may follow which: a PAUSED task stays PAUSED when it is started again, FAILED
 * or STOPPED tasks start again RUNNING (DTS resumes them from their checkpoint), resume clears the
 * reason and the open retry windows.
 */
import type { FailureReason, OpenRetryWindow, TaskState, TaskStatus } from '../state.ts';

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

export function withFullSync(progress: unknown) {
  return (current: TaskState | null): TaskState => ({ ...(current ?? { status: 'RUNNING' as const, at: now() }), fullSync: progress });
}

function withoutFailure(current: TaskState | null): Omit<TaskState, 'status' | 'at'> {
  if (!current) return {};
  const { status: _s, at: _a, reason: _r, ...rest } = current;
  return rest;
}
