/**
 * Alert rules as pure decisions: from the rules, what the task looks like now (a snapshot) and each
 * rule's stored state, the next state and the notifications due. A rule notifies once per change of
 * its state (FIRING when it starts firing, RESOLVED when it stops), never again while it holds:
 * a notification is due while the state differs from the one the webhook last acknowledged
 * (`notified`), and no other evaluator holds an unexpired claim on it. A rule that fired and
 * resolved before either state could be delivered sends nothing (the change is logged).
 */
import type { AlertRuleState, FailureReason, OpenRetryWindow, TaskStatus } from '../../task/state.ts';
import type { AlertRule } from './config.ts';
import { formatDuration } from './expression.ts';

export interface AlertSnapshot {
  readonly now: number;
  readonly status: TaskStatus;
  readonly reason?: FailureReason;
  /** DTS latency per destination (null: it acknowledged nothing yet). A destination missing here was not measured this time: its rules keep their state. */
  readonly latencyMs: Readonly<Record<string, number | null>>;
  readonly retryWindows: Readonly<Record<string, OpenRetryWindow>>;
}

export type AlertRuleStates = Readonly<Record<string, AlertRuleState>>;

export interface AlertChange {
  readonly rule: string;
  readonly state: 'FIRING' | 'RESOLVED';
  readonly values: Readonly<Record<string, unknown>>;
}

/** Whether the condition holds now and the values that say why; null when it cannot be told (the rule keeps its state). */
export function conditionHolds(rule: AlertRule, s: AlertSnapshot): { holds: boolean; values: Record<string, unknown> } | null {
  const c = rule.condition;
  if (c.kind === 'status') {
    const values = { status: s.status, ...(s.status === 'FAILED' && s.reason ? { reason: s.reason.message, ...(s.reason.code ? { code: s.reason.code } : {}) } : {}) };
    return { holds: s.status === c.status, values };
  }
  // Latency and retry windows of a task that is not running are not news (it was paused, stopped,
  // or the `failed` rule says more): its rules neither fire nor resolve until it runs again.
  if (s.status !== 'RUNNING') return null;
  if (c.kind === 'latency') {
    const measured = Object.entries(s.latencyMs).filter(([name]) => c.destination === undefined || name === c.destination);
    if (measured.length === 0) return null;
    const over = measured.filter(([, ms]) => ms !== null && ms > c.overMs);
    return { holds: over.length > 0, values: { latencyMs: Object.fromEntries(measured), threshold: formatDuration(c.overMs) } };
  }
  const stage = c.stage === undefined || c.stage === 'reader' || c.stage.startsWith('deliver:') ? c.stage : `deliver:${c.stage}`;
  const open = Object.entries(s.retryWindows).filter(([name, w]) => (stage === undefined || name === stage) && s.now - w.since > c.overMs);
  const retrying = Object.fromEntries(open.map(([name, w]) => [name, { since: new Date(w.since).toISOString(), attempts: w.attempts, ...(w.lastError ? { lastError: w.lastError.message } : {}) }]));
  return { holds: open.length > 0, values: { retrying, threshold: formatDuration(c.overMs) } };
}

/** One rule's next state (undefined: nothing to keep). */
export function nextRuleState(rule: AlertRule, s: AlertSnapshot, prev: AlertRuleState | undefined): AlertRuleState | undefined {
  const found = conditionHolds(rule, s);
  if (found === null) {
    if (!prev) return undefined;
    const { holdsSince: _, ...kept } = prev;
    return kept;
  }
  if (found.holds) {
    if (prev?.firing) return prev.holdsSince === undefined ? { ...prev, holdsSince: s.now } : prev;
    const holdsSince = prev?.holdsSince ?? s.now;
    if (s.now - holdsSince >= rule.forMs) return { ...withoutSendError(prev), firing: true, holdsSince, changedAt: s.now, values: found.values };
    return { ...(prev ?? { firing: false, changedAt: s.now }), holdsSince };
  }
  if (prev?.firing) {
    const { holdsSince: _, ...rest } = withoutSendError(prev)!;
    return { ...rest, firing: false, changedAt: s.now, values: found.values };
  }
  if (!prev) return undefined;
  const { holdsSince: _, ...rest } = prev;
  // A rule that never notified and is quiet has nothing worth keeping.
  return rest.notified === undefined && rest.sending === undefined ? undefined : rest;
}

/** A new change starts with no error: the last one was about the previous notification. */
function withoutSendError(state: AlertRuleState | undefined): AlertRuleState | undefined {
  if (!state) return undefined;
  const { lastSendError: _, ...rest } = state;
  return rest;
}

/** Every rule's next state (rules no longer in the task file are dropped) and the state changes. */
export function evaluateAlertRules(rules: readonly AlertRule[], s: AlertSnapshot, previous: AlertRuleStates): { states: AlertRuleStates; changes: AlertChange[] } {
  const states: Record<string, AlertRuleState> = {};
  const changes: AlertChange[] = [];
  for (const rule of rules) {
    const prev = previous[rule.name];
    const next = nextRuleState(rule, s, prev);
    if (next) states[rule.name] = next;
    if (next && next.firing !== (prev?.firing ?? false)) changes.push({ rule: rule.name, state: next.firing ? 'FIRING' : 'RESOLVED', values: next.values ?? {} });
  }
  return { states, changes };
}

/** The state a rule's webhook should hear about now, if it has not yet. */
export function dueState(state: AlertRuleState): 'FIRING' | 'RESOLVED' | undefined {
  if (state.firing) return state.notified === 'FIRING' ? undefined : 'FIRING';
  return state.notified === 'FIRING' ? 'RESOLVED' : undefined;
}

/** Names of rules whose notification is due and not claimed by another evaluator (an expired claim is free again). */
export function dueNotifications(states: AlertRuleStates, now: number): string[] {
  return Object.entries(states)
    .filter(([, state]) => dueState(state) !== undefined && !(state.sending && state.sending.until > now))
    .map(([name]) => name);
}

/** Marks the due rules as being sent by `by` until `until`. */
export function claimNotifications(states: AlertRuleStates, names: readonly string[], by: string, until: number): AlertRuleStates {
  const claimed: Record<string, AlertRuleState> = { ...states };
  for (const name of names) claimed[name] = { ...states[name]!, sending: { by, until } };
  return claimed;
}

/** After sending: a delivered state is recorded as notified, a failed one keeps its error; either way the claim ends. Claims of others are left alone. */
export function recordSends(states: AlertRuleStates, by: string, results: readonly { rule: string; state: 'FIRING' | 'RESOLVED'; error?: string }[]): AlertRuleStates {
  const next: Record<string, AlertRuleState> = { ...states };
  for (const r of results) {
    const current = states[r.rule];
    if (current?.sending?.by !== by) continue;
    const { sending: _, lastSendError: _e, ...rest } = current;
    next[r.rule] = r.error === undefined ? { ...rest, notified: r.state } : { ...rest, lastSendError: r.error };
  }
  return next;
}

export function sameStates(a: AlertRuleStates, b: AlertRuleStates): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}
