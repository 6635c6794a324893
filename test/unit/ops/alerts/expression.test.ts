/** The `when` grammar, and how the task file reports a rule it cannot read. */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alertGrammar, AlertExpressionError, formatDuration, parseAlertExpression, parseDuration } from '../../../../shared/ops/alerts/index.ts';
import { parseTask, TaskConfigError } from '../../../../shared/task/index.ts';

describe('parseAlertExpression', () => {
  it.each([
    ['failed', { condition: { kind: 'status', status: 'FAILED' }, forMs: 0 }],
    ['  Paused ', { condition: { kind: 'status', status: 'PAUSED' }, forMs: 0 }],
    ['stopped for 10m', { condition: { kind: 'status', status: 'STOPPED' }, forMs: 600_000 }],
    ['latency > 30s for 5m', { condition: { kind: 'latency', overMs: 30_000 }, forMs: 300_000 }],
    ['latency>30s', { condition: { kind: 'latency', overMs: 30_000 }, forMs: 0 }],
    ['latency(kafka) > 1h', { condition: { kind: 'latency', destination: 'kafka', overMs: 3_600_000 }, forMs: 0 }],
    ['latency ( mc )  >  500ms   for   1s', { condition: { kind: 'latency', destination: 'mc', overMs: 500 }, forMs: 1000 }],
    ['retrying > 2m', { condition: { kind: 'retrying', overMs: 120_000 }, forMs: 0 }],
    ['retrying(reader) > 90s for 1m', { condition: { kind: 'retrying', stage: 'reader', overMs: 90_000 }, forMs: 60_000 }],
    ['retrying(deliver:kafka) > 1m', { condition: { kind: 'retrying', stage: 'deliver:kafka', overMs: 60_000 }, forMs: 0 }],
  ])('%s', (text, expected) => {
    expect(parseAlertExpression(text)).toEqual(expected);
  });

  it.each([
    ['', 'is empty'],
    ['failing', '"failing" is not a condition'],
    ['latency > 30', '"30" is not a duration (a whole number with ms, s, m or h: 30s, 5m, 1h)'],
    ['latency > 1.5m', '"1.5m" is not a duration'],
    ['latency > 30s for', '"latency > 30s for" is not a condition'],
    ['latency > 30s for 5 minutes', '"for" must be followed by one duration, not "5 minutes"'],
    ['latency < 30s', '"latency < 30s" is not a condition'],
    ['retrying > 2d', '"2d" is not a duration'],
    ['failed and paused', '"failed and paused" is not a condition'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseAlertExpression(text)).toThrow(AlertExpressionError);
    expect(() => parseAlertExpression(text)).toThrow(message);
  });

  it('durations: units, and formatting back to the largest unit', () => {
    expect([parseDuration('250ms'), parseDuration('30s'), parseDuration('5m'), parseDuration('1h')]).toEqual([250, 30_000, 300_000, 3_600_000]);
    expect([formatDuration(250), formatDuration(30_000), formatDuration(90_000), formatDuration(300_000), formatDuration(7_200_000)]).toEqual(['250ms', '30s', '90s', '5m', '2h']);
  });
});

const base = `
name: alerting
source: { host: 127.0.0.1, serverId: 7001 }
objects: [{ database: shop }]
destinations:
  - { type: kafka, name: kafka, brokers: [127.0.0.1:19092], topic: t }
  - { type: kafka, name: audit, brokers: [127.0.0.1:19092], topic: a }
`;

function load(alerts: string) {
  return parseTask(parseYaml(`${base}${alerts}`), 'alerting.yaml');
}

function issues(alerts: string): { path: string; message: string }[] {
  try {
    load(alerts);
  } catch (err) {
    expect(err).toBeInstanceOf(TaskConfigError);
    return [...(err as TaskConfigError).issues];
  }
  throw new Error('the task loaded');
}

describe('alerts in the task file', () => {
  it('reads the issue example as written: three rules, parsed, named by their text, a generic webhook by default', () => {
    const task = load(`
alerts:
  webhook: { url: "\${DTS_ALERT_URL}", secret: { env: DTS_ALERT_SECRET } }
  rules: [{ when: latency > 30s for 5m }, { when: failed }, { when: retrying > 2m, name: stuck }]
`);
    expect(task.alerts).toEqual({
      webhook: { url: { env: 'DTS_ALERT_URL' }, secret: { env: 'DTS_ALERT_SECRET' }, type: 'generic' },
      rules: [
        { name: 'latency > 30s for 5m', when: 'latency > 30s for 5m', condition: { kind: 'latency', overMs: 30_000 }, forMs: 300_000 },
        { name: 'failed', when: 'failed', condition: { kind: 'status', status: 'FAILED' }, forMs: 0 },
        { name: 'stuck', when: 'retrying > 2m', condition: { kind: 'retrying', overMs: 120_000 }, forMs: 0 },
      ],
    });
  });

  it('a task without alerts has none', () => {
    expect(load('').alerts).toBeUndefined();
  });

  it('a bad expression names its path, its text and the grammar', () => {
    const found = issues(`
alerts:
  webhook: { url: http://127.0.0.1:1/hook, type: dingtalk }
  rules: [{ when: failed }, { when: latency > 30 for 5m }]
`);
    expect(found).toEqual([
      { path: 'alerts.rules[1].when', message: `cannot read "latency > 30 for 5m": "30" is not a duration (a whole number with ms, s, m or h: 30s, 5m, 1h); expected ${alertGrammar}` },
    ]);
    expect(() =>
      load(`
alerts:
  webhook: { url: http://127.0.0.1:1/hook }
  rules: [{ when: failed }, { when: latency > 30 for 5m }]
`),
    ).toThrow(/alerting\.yaml is not valid:\n {2}- alerts\.rules\[1\]\.when: cannot read "latency > 30 for 5m"/);
  });

  it('a rule naming a destination or stage the task lacks, twice the same name, an unknown webhook type or key', () => {
    expect(
      issues(`
alerts:
  webhook: { url: http://x/hook, type: slack, token: abc }
  rules: [{ when: latency(kafak) > 30s }, { when: retrying(writer) > 1m }, { when: retrying(audit) > 1m }, { when: failed }, { when: failed for 1m, name: failed }]
`),
    ).toEqual([
      { path: 'alerts.webhook.type', message: expect.stringContaining('"dingtalk"') },
      { path: 'alerts.webhook', message: expect.stringContaining('unknown key "token"') },
    ]);
    expect(
      issues(`
alerts:
  webhook: { url: http://x/hook }
  rules: [{ when: latency(kafak) > 30s }, { when: retrying(writer) > 1m }, { when: retrying(audit) > 1m }, { when: failed }, { when: failed for 1m, name: failed }]
`),
    ).toEqual([
      { path: 'alerts.rules[4].name', message: 'two rules are named "failed"; give one a distinct `name` (it keys the rule\'s stored state)' },
      { path: 'alerts.rules[0].when', message: 'no destination is named "kafak"; the task\'s destinations are "kafka", "audit"' },
      { path: 'alerts.rules[1].when', message: 'no stage is named "writer"; use reader or a destination\'s name (the task\'s destinations are "kafka", "audit")' },
    ]);
    expect(
      issues(`
alerts:
  webhook: { url: http://x/hook }
  rules: [{ when: latency(kafak) > 30s }, { when: retrying(writer) > 1m }, { when: retrying(audit) > 1m }, { when: retrying(deliver:kafka) > 1m }]
`),
    ).toEqual([
      { path: 'alerts.rules[0].when', message: 'no destination is named "kafak"; the task\'s destinations are "kafka", "audit"' },
      { path: 'alerts.rules[1].when', message: 'no stage is named "writer"; use reader or a destination\'s name (the task\'s destinations are "kafka", "audit")' },
    ]);
  });

  it('needs a webhook url and at least one rule', () => {
    expect(
      issues(`
alerts:
  webhook: {}
  rules: []
`),
    ).toEqual([
      { path: 'alerts.webhook.url', message: 'is required: the webhook URL as a secret, e.g. "${DTS_ALERT_WEBHOOK}" or { env: DTS_ALERT_WEBHOOK }' },
      { path: 'alerts.rules', message: 'at least one rule' },
    ]);
  });
});
