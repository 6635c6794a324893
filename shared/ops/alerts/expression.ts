/**
 * The grammar of an alert rule's `when`, parsed once when the task file is loaded:
 *
 *   when      := condition [ "for" duration ]
 *   condition := "failed" | "paused" | "stopped"
 *              | "latency" [ "(" destination ")" ] ">" duration
 *              | "retrying" [ "(" stage ")" ] ">" duration
 *   duration  := integer ( "ms" | "s" | "m" | "h" )          e.g. 30s, 5m, 1h
 *
 * `latency` is the DTS latency of a destination (all of them when none is named); `retrying` is an
 * open retry window older than the duration (stage `reader` or a destination's name; any stage when
 * none is named). `for` asks the condition to hold that long before the rule fires.
 */

export type AlertCondition =
  | { readonly kind: 'status'; readonly status: 'FAILED' | 'PAUSED' | 'STOPPED' }
  | { readonly kind: 'latency'; readonly destination?: string; readonly overMs: number }
  | { readonly kind: 'retrying'; readonly stage?: string; readonly overMs: number };

export interface AlertExpression {
  readonly condition: AlertCondition;
  /** How long the condition must hold before the rule fires (0: at once). */
  readonly forMs: number;
}

export const alertGrammar =
  'failed | paused | stopped | latency[(<destination>)] > <duration> | retrying[(<stage>)] > <duration>, each optionally followed by "for <duration>"; durations like 30s, 5m, 1h';

/** A `when` text that does not follow the grammar; the message says which part and what was expected. */
export class AlertExpressionError extends Error {}

const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const durationPattern = /^(\d+)(ms|s|m|h)$/;

/** `30s` → 30000. Throws on anything else (no unit, a fraction, an unknown unit). */
export function parseDuration(text: string): number {
  const m = durationPattern.exec(text);
  if (!m) throw new AlertExpressionError(`"${text}" is not a duration (a whole number with ms, s, m or h: 30s, 5m, 1h)`);
  return Number(m[1]) * units[m[2] as keyof typeof units];
}

/** 300000 → `5m`: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) if (ms >= units[unit] && ms % units[unit] === 0) return `${ms / units[unit]}${unit}`;
  return `${ms}ms`;
}

const conditionPattern = /^(latency|retrying)\s*(?:\(\s*([^()\s]+)\s*\))?\s*>\s*(\S+)$/;

export function parseAlertExpression(text: string): AlertExpression {
  const source = text.trim().replace(/\s+/g, ' ');
  if (source === '') throw new AlertExpressionError('is empty');
  const forAt = source.search(/ for /);
  const conditionText = forAt < 0 ? source : source.slice(0, forAt);
  const forText = forAt < 0 ? undefined : source.slice(forAt + ' for '.length);
  if (forText !== undefined && !durationPattern.test(forText)) throw new AlertExpressionError(`"for" must be followed by one duration, not "${forText}"`);
  const forMs = forText === undefined ? 0 : parseDuration(forText);
  const status = conditionText.toLowerCase();
  if (status === 'failed' || status === 'paused' || status === 'stopped') {
    return { condition: { kind: 'status', status: status.toUpperCase() as 'FAILED' | 'PAUSED' | 'STOPPED' }, forMs };
  }
  const m = conditionPattern.exec(conditionText);
  if (!m) throw new AlertExpressionError(`"${conditionText}" is not a condition`);
  const overMs = parseDuration(m[3]!);
  if (m[1] === 'latency') return { condition: { kind: 'latency', ...(m[2] ? { destination: m[2] } : {}), overMs }, forMs };
  return { condition: { kind: 'retrying', ...(m[2] ? { stage: m[2] } : {}), overMs }, forMs };
}
