/**
 * What a webhook receives for one alert change, in both formats:
 * - `generic`: `{ rule, when, state, task, message, values, at }` as JSON;
 * - `dingtalk`: `{ msgtype: 'markdown', markdown: { title, text } }`, as a DingTalk robot takes it.
 * Values are names, durations and reasons: never secrets, never row data.
 */
export interface AlertNotification {
  readonly task: string;
  readonly rule: string;
  readonly when: string;
  readonly state: 'FIRING' | 'RESOLVED';
  /** When the rule changed state (ISO). */
  readonly at: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** One line: `[FIRING] task orders: latency > 30s for 5m (kafka 42s)`. */
export function alertMessage(n: AlertNotification): string {
  const details = describeValues(n.values);
  return `[${n.state}] task ${n.task}: ${n.rule}${n.rule === n.when ? '' : ` (${n.when})`}${details ? ` - ${details}` : ''}`;
}

function describeValues(values: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof values.status === 'string') parts.push(`status ${values.status}${typeof values.reason === 'string' ? `: ${values.reason}` : ''}`);
  if (values.latencyMs && typeof values.latencyMs === 'object') {
    const latency = Object.entries(values.latencyMs as Record<string, number | null>).map(([d, ms]) => `${d} ${ms === null ? 'n/a' : `${Math.round(ms / 1000)}s`}`);
    parts.push(`latency ${latency.join(', ')}`);
  }
  if (values.retrying && typeof values.retrying === 'object') {
    const stages = Object.entries(values.retrying as Record<string, { since: string; attempts: number }>).map(([stage, w]) => `${stage} since ${w.since} (${w.attempts} attempts)`);
    if (stages.length > 0) parts.push(`retrying ${stages.join(', ')}`);
  }
  return parts.join('; ');
}

export function genericBody(n: AlertNotification): Record<string, unknown> {
  return { rule: n.rule, when: n.when, state: n.state, task: n.task, message: alertMessage(n), values: n.values, at: n.at };
}

export function dingtalkBody(n: AlertNotification): Record<string, unknown> {
  const title = `[${n.state}] ${n.task}: ${n.rule}`;
  const lines = [`### ${title}`, '', `- rule: \`${n.when}\``, `- state: **${n.state}**`, `- task: ${n.task}`, `- at: ${n.at}`];
  const details = describeValues(n.values);
  if (details) lines.push(`- ${details}`);
  return { msgtype: 'markdown', markdown: { title, text: lines.join('\n') } };
}
