/**
 * The alert rules' pure decisions: a `for` duration, one notification per state change, never
 * repeated while the state holds, RESOLVED when it stops, and the state carried across
 * "invocations" by feeding the stored state back (as each FC tick does through the task state).
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { claimNotifications, dueNotifications, evaluateAlertRules, recordSends, type AlertRule, type AlertRuleStates, type AlertSnapshot } from '../../../../shared/ops/alerts/index.ts';
import { parseTask } from '../../../../shared/task/index.ts';

function rulesOf(...when: string[]): AlertRule[] {
  const task = parseTask(
    parseYaml(`
name: t
source: { host: 127.0.0.1, serverId: 7001 }
objects: [{ database: shop }]
destinations: [{ type: kafka, name: kafka, brokers: [127.0.0.1:19092], topic: t }, { type: kafka, name: audit, brokers: [127.0.0.1:19092], topic: a }]
alerts: { webhook: { url: http://127.0.0.1:1/ }, rules: [${when.map((w) => `{ when: "${w}" }`).join(', ')}] }
`),
    't.yaml',
  );
  return [...task.alerts!.rules];
}

const t0 = Date.UTC(2026, 0, 1);
const s = (seconds: number, over: Partial<AlertSnapshot> = {}): AlertSnapshot => ({ now: t0 + seconds * 1000, status: 'RUNNING', latencyMs: {}, retryWindows: {}, ...over });

/** Runs evaluations in order, feeding each one's states into the next, and delivering every due notification at once. */
function run(rules: AlertRule[], snapshots: AlertSnapshot[], start: AlertRuleStates = {}) {
  let states = start;
  const sent: string[] = [];
  for (const snapshot of snapshots) {
    const evaluated = evaluateAlertRules(rules, snapshot, JSON.parse(JSON.stringify(states)) as AlertRuleStates);
    const due = dueNotifications(evaluated.states, snapshot.now);
    const claimed = claimNotifications(evaluated.states, due, 'me', snapshot.now + 60_000);
    states = recordSends(
      claimed,
      'me',
      due.map((rule) => ({ rule, state: claimed[rule]!.firing ? ('FIRING' as const) : ('RESOLVED' as const) })),
    );
    sent.push(...due.map((rule) => `${(snapshot.now - t0) / 1000}s ${claimed[rule]!.firing ? 'FIRING' : 'RESOLVED'} ${rule}`));
  }
  return { states, sent };
}

describe('evaluateAlertRules', () => {
  it('latency > 30s for 5m: fires only after five minutes above, once; resolves once when it drops', () => {
    const rules = rulesOf('latency > 30s for 5m');
    const lat = (ms: number | null, audit: number | null = 1000) => ({ latencyMs: { kafka: ms, audit } });
    const { sent, states } = run(rules, [
      s(0, lat(10_000)),
      s(60, lat(31_000)), // above from 60 s
      s(120, lat(90_000)),
      s(300, lat(120_000)), // 4 minutes above: not yet
      s(360, lat(150_000)), // 5 minutes: fires
      s(420, lat(200_000)),
      s(480, lat(200_000)),
      s(540, lat(5_000)), // resolves
      s(600, lat(5_000)),
    ]);
    expect(sent).toEqual(['360s FIRING latency > 30s for 5m', '540s RESOLVED latency > 30s for 5m']);
    expect(states['latency > 30s for 5m']).toEqual({ firing: false, changedAt: t0 + 540_000, notified: 'RESOLVED', values: { latencyMs: { kafka: 5000, audit: 1000 }, threshold: '30s' } });
  });

  it('a dip below the threshold restarts the `for` clock', () => {
    const rules = rulesOf('latency(kafka) > 30s for 2m');
    const lat = (ms: number) => ({ latencyMs: { kafka: ms, audit: 999_999 } });
    const { sent } = run(rules, [s(0, lat(40_000)), s(60, lat(40_000)), s(100, lat(1_000)), s(160, lat(40_000)), s(220, lat(40_000)), s(280, lat(40_000))]);
    // audit's latency is not this rule's: only kafka counts; above again from 160 s, 2 minutes at 280 s.
    expect(sent).toEqual(['280s FIRING latency(kafka) > 30s for 2m']);
  });

  it('failed: FIRING once however many evaluations see it, RESOLVED once after resume; the values carry the reason', () => {
    const rules = rulesOf('failed');
    const failed = { status: 'FAILED' as const, reason: { message: 'gave up after retrying for 10 minutes', code: 'DTS_RETRY_WINDOW_EXCEEDED' } };
    const first = run(rules, [s(0), s(60, failed), s(120, failed)]);
    expect(first.sent).toEqual(['60s FIRING failed']);
    expect(first.states.failed).toMatchObject({
      firing: true,
      notified: 'FIRING',
      changedAt: t0 + 60_000,
      values: { status: 'FAILED', reason: 'gave up after retrying for 10 minutes', code: 'DTS_RETRY_WINDOW_EXCEEDED' },
    });
    // A new process (the next FC tick) starts from the stored state: nothing again while FAILED.
    const second = run(rules, [s(180, failed), s(240), s(300)], first.states);
    expect(second.sent).toEqual(['240s RESOLVED failed']);
  });

  it('retrying > 2m: any open window older than two minutes; per stage when named (a destination name means its deliverer)', () => {
    const rules = rulesOf('retrying > 2m', 'retrying(kafka) > 1m');
    const window = (stage: string, sinceSeconds: number) => ({ retryWindows: { [stage]: { since: t0 + sinceSeconds * 1000, attempts: 3, lastError: { message: 'connect ECONNREFUSED' } } } });
    const { sent, states } = run(rules, [s(0, window('reader', 0)), s(100, window('reader', 0)), s(130, window('reader', 0)), s(200), s(300, window('deliver:kafka', 230)), s(400)]);
    expect(sent).toEqual(['130s FIRING retrying > 2m', '200s RESOLVED retrying > 2m', '300s FIRING retrying(kafka) > 1m', '400s RESOLVED retrying(kafka) > 1m']);
    expect(states['retrying(kafka) > 1m']!.notified).toBe('RESOLVED');
  });

  it('a task that is not running neither fires nor resolves latency rules; `for` counts again when it runs', () => {
    const rules = rulesOf('latency > 10s for 1m');
    const high = { latencyMs: { kafka: 60_000, audit: 0 } };
    const { sent } = run(rules, [s(0, high), s(50, { ...high, status: 'PAUSED' }), s(70, { ...high, status: 'PAUSED' }), s(80, high), s(130, high), s(140, high)]);
    expect(sent).toEqual(['140s FIRING latency > 10s for 1m']);
    const firing = run(rules, [s(0, high), s(60, high)]);
    expect(firing.sent).toEqual(['60s FIRING latency > 10s for 1m']);
    // Stopped while firing: it stays firing (no RESOLVED); unmeasured latency (no key) holds it too.
    const held = run(rules, [s(120, { ...high, status: 'STOPPED' }), s(180), s(240, { latencyMs: { kafka: 1_000, audit: null } })], firing.states);
    expect(held.sent).toEqual(['240s RESOLVED latency > 10s for 1m']);
  });

  it('a destination that acknowledged nothing (latency null) is not above any threshold', () => {
    const rules = rulesOf('latency > 1s');
    expect(run(rules, [s(0, { latencyMs: { kafka: null, audit: null } }), s(60, { latencyMs: { kafka: null, audit: 2000 } })]).sent).toEqual(['60s FIRING latency > 1s']);
  });

  it('rules removed from the task file are dropped from the state; quiet rules keep nothing', () => {
    const { states } = run(rulesOf('failed', 'stopped'), [s(0, { status: 'STOPPED' })]);
    expect(Object.keys(states)).toEqual(['stopped']);
    expect(evaluateAlertRules(rulesOf('failed'), s(60, { status: 'STOPPED' }), states).states).toEqual({});
  });
});

describe('notification claims', () => {
  const rules = rulesOf('failed');
  const failed = s(0, { status: 'FAILED' });

  it('a due notification claimed by one evaluator is not due for another until the claim expires', () => {
    const { states } = evaluateAlertRules(rules, failed, {});
    expect(dueNotifications(states, failed.now)).toEqual(['failed']);
    const claimed = claimNotifications(states, ['failed'], 'a', failed.now + 60_000);
    // The racing evaluator reads the claimed state: nothing is due for it.
    const racing = evaluateAlertRules(rules, s(1, { status: 'FAILED' }), claimed);
    expect(racing.changes).toEqual([]);
    expect(dueNotifications(racing.states, t0 + 1000)).toEqual([]);
    // The claimer died: after the claim's end another evaluator sends it.
    expect(dueNotifications(racing.states, t0 + 61_000)).toEqual(['failed']);
  });

  it('a failed send ends the claim and keeps the error; the next evaluation sends it again, then never', () => {
    const { states } = evaluateAlertRules(rules, failed, {});
    const claimed = claimNotifications(states, ['failed'], 'a', failed.now + 60_000);
    const afterFailure = recordSends(claimed, 'a', [{ rule: 'failed', state: 'FIRING', error: 'alert webhook http://127.0.0.1:1: answered HTTP 500' }]);
    expect(afterFailure.failed).toEqual({ firing: true, changedAt: t0, holdsSince: t0, values: { status: 'FAILED' }, lastSendError: 'alert webhook http://127.0.0.1:1: answered HTTP 500' });
    const next = evaluateAlertRules(rules, s(60, { status: 'FAILED' }), afterFailure);
    expect(dueNotifications(next.states, t0 + 60_000)).toEqual(['failed']);
    const delivered = recordSends(claimNotifications(next.states, ['failed'], 'b', t0 + 120_000), 'b', [{ rule: 'failed', state: 'FIRING' }]);
    expect(delivered.failed).toEqual({ firing: true, changedAt: t0, holdsSince: t0, values: { status: 'FAILED' }, notified: 'FIRING' });
    expect(dueNotifications(evaluateAlertRules(rules, s(120, { status: 'FAILED' }), delivered).states, t0 + 120_000)).toEqual([]);
  });

  it('a change clears the error of the previous notification', () => {
    const withError = { failed: { firing: true, changedAt: t0, values: { status: 'FAILED' }, notified: 'FIRING' as const, lastSendError: 'answered HTTP 500' } };
    expect(evaluateAlertRules(rules, s(60), withError).states.failed).toEqual({ firing: false, changedAt: t0 + 60_000, values: { status: 'RUNNING' }, notified: 'FIRING' });
  });

  it('an evaluator records only its own claims', () => {
    const { states } = evaluateAlertRules(rules, failed, {});
    const claimedByB = claimNotifications(states, ['failed'], 'b', failed.now + 60_000);
    expect(recordSends(claimedByB, 'a', [{ rule: 'failed', state: 'FIRING' }])).toEqual(claimedByB);
  });
});
