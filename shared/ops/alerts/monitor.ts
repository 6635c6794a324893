/**
 * Evaluates a task's alert rules and sends what is due: on FC at every retry-window tick, locally
 * every few seconds while the task runs. Each evaluation claims its notifications in the same
 * atomic state update that records the rules' new state, so of two evaluators racing on one change
 * only the one whose update recorded it sends; the claim ends when the send is recorded (or after
 * defaults.alertClaimMs, should the sender die). A failed send is logged and sent again next time; it never
 * fails the task.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import { destinationLatency } from '../../queue/latency.ts';
import type { Queue } from '../../queue/types.ts';
import { withAlerts, type Task, type TaskStateStore } from '../../task/index.ts';
import { claimNotifications, dueNotifications, dueState, evaluateAlertRules, recordSends, sameStates, type AlertChange, type AlertRuleStates } from './evaluate.ts';
import type { AlertNotification } from './notification.ts';
import { sendAlert, webhookOrigin, type AlertWebhook } from './webhook.ts';
import { defaults } from '../../task/defaults.ts';

export interface AlertDeps {
  readonly task: Task;
  readonly webhook: AlertWebhook | null;
  readonly store: TaskStateStore;
  /** Where latency is read; null measures none (latency rules then keep their state). */
  readonly queue: Queue | null;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

export interface AlertsOutcome {
  readonly changes: readonly AlertChange[];
  readonly sent: readonly { rule: string; state: 'FIRING' | 'RESOLVED' }[];
  readonly failed: readonly { rule: string; state: 'FIRING' | 'RESOLVED'; error: string }[];
  /** Rules firing after this evaluation. */
  readonly firing: readonly string[];
}

const none: AlertsOutcome = { changes: [], sent: [], failed: [], firing: [] };

async function measureLatency(deps: AlertDeps, now: number): Promise<Record<string, number | null>> {
  const rules = deps.task.alerts?.rules ?? [];
  if (!deps.queue || !rules.some((r) => r.condition.kind === 'latency')) return {};
  const latency: Record<string, number | null> = {};
  for (const d of deps.task.destinations) {
    try {
      latency[d.name] = (await destinationLatency(deps.queue, d.name, now)).latencyMs;
    } catch (err) {
      deps.log.warn('alerts: cannot read the latency; its rules keep their state', { destination: d.name, error: (err as Error).message });
    }
  }
  return latency;
}

export async function evaluateAlerts(deps: AlertDeps, now: number = Date.now()): Promise<AlertsOutcome> {
  const { task, store, log } = deps;
  const rules = task.alerts?.rules ?? [];
  if (rules.length === 0 || !deps.webhook) return none;
  const webhook = deps.webhook;
  const latencyMs = await measureLatency(deps, now);
  const by = randomUUID();
  let changes: AlertChange[] = [];
  let claimed: string[] = [];
  let states: AlertRuleStates = {};
  await store.update((current) => {
    const previous = current?.alerts ?? {};
    const snapshot = { now, status: current?.status ?? 'RUNNING', reason: current?.reason, latencyMs, retryWindows: current?.retryWindows ?? {} };
    const evaluated = evaluateAlertRules(rules, snapshot, previous);
    changes = evaluated.changes;
    claimed = dueNotifications(evaluated.states, now);
    states = claimNotifications(evaluated.states, claimed, by, now + defaults.alertClaimMs);
    return sameStates(previous, states) ? null : withAlerts(states)(current);
  });
  for (const c of changes) (c.state === 'FIRING' ? log.warn : log.info).call(log, `alert ${c.state}`, { rule: c.rule, values: c.values });
  const firing = Object.entries(states)
    .filter(([, s]) => s.firing)
    .map(([name]) => name);
  if (claimed.length === 0) return { changes, sent: [], failed: [], firing };

  const results = await Promise.all(
    claimed.map(async (rule) => {
      const s = states[rule]!;
      const state = dueState(s)!;
      const notification: AlertNotification = { task: task.name, rule, when: rules.find((r) => r.name === rule)?.when ?? rule, state, at: new Date(s.changedAt).toISOString(), values: s.values ?? {} };
      try {
        await sendAlert(webhook, notification, { now, timeoutMs: deps.timeoutMs });
        return { rule, state };
      } catch (err) {
        return { rule, state, error: (err as Error).message };
      }
    }),
  );
  await store.update((current) => {
    const previous = current?.alerts ?? {};
    const next = recordSends(previous, by, results);
    return sameStates(previous, next) ? null : withAlerts(next)(current);
  });
  const failed = results.filter((r): r is { rule: string; state: 'FIRING' | 'RESOLVED'; error: string } => r.error !== undefined);
  for (const f of failed) log.error('alert notification not delivered; it is sent again at the next evaluation', { rule: f.rule, state: f.state, webhook: webhookOrigin(webhook), error: f.error });
  return { changes, sent: results.filter((r) => r.error === undefined).map(({ rule, state }) => ({ rule, state })), failed, firing };
}

export interface AlertMonitor {
  /** Waits for a running evaluation, then evaluates once more without reading latency: the run recorded how it ended (FAILED, PAUSED, STOPPED). */
  finish(): Promise<AlertsOutcome>;
}

/**
 * The local twin of the FC timer: evaluates every `everyMs` until `signal` aborts, one evaluation
 * at a time. A failing evaluation (the state store unreachable) is logged and the next one runs.
 */
export function startAlertMonitor(o: AlertDeps & { readonly signal: AbortSignal; readonly everyMs?: number }): AlertMonitor {
  if (!o.task.alerts || !o.webhook) return { finish: async () => none };
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    if (o.signal.aborted) return;
    running = evaluateAlerts(o).catch((err: Error) => o.log.error('alert evaluation failed', { error: err.message }));
    void running.then(() => {
      if (o.signal.aborted) return;
      timer = setTimeout(run, o.everyMs ?? defaults.alertLocalEveryMs);
      timer.unref();
    });
  };
  o.signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  run();
  return {
    finish: async () => {
      await running;
      return evaluateAlerts({ ...o, queue: null }).catch((err: Error) => {
        o.log.error('alert evaluation failed', { error: err.message });
        return none;
      });
    },
  };
}
