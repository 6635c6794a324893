/**
 * The task file's `alerts` block: where notifications go and the rules that send them.
 *
 *   alerts:
 *     webhook: { url: ${DTS_ALERT_WEBHOOK}, secret: ${DTS_ALERT_SECRET}, type: dingtalk }
 *     rules: [{ when: latency > 30s for 5m }, { when: failed }, { when: retrying > 2m }]
 *
 * Each `when` is parsed here, at load time (expression.ts), so a typo is a TaskConfigError naming
 * `alerts.rules[i].when` instead of a rule that silently never fires. The URL (DingTalk puts its
 * access token in it) and the signing secret are secrets: resolved by the runtime, never logged.
 */
import { z } from 'zod';
import { secretSchema } from '../../task/secret.ts';
import { alertGrammar, AlertExpressionError, parseAlertExpression, type AlertExpression } from './expression.ts';

const whenSchema = z.string().transform((text, ctx): AlertExpression & { readonly text: string } => {
  try {
    return { text: text.trim().replace(/\s+/g, ' '), ...parseAlertExpression(text) };
  } catch (err) {
    if (!(err instanceof AlertExpressionError)) throw err;
    ctx.addIssue({ code: 'custom', message: `cannot read "${text}": ${err.message}; expected ${alertGrammar}` });
    return z.NEVER;
  }
});

const ruleSchema = z
  .object({
    when: whenSchema,
    /** Names the rule in notifications and in the stored state; defaults to the `when` text. */
    name: z.string().trim().min(1).max(128).optional(),
  })
  .strict()
  .transform(({ when, name }) => ({ name: name ?? when.text, when: when.text, condition: when.condition, forMs: when.forMs }));

export const alertsSchema = z
  .object({
    webhook: z
      .object({
        /** The robot's or receiver's URL; a secret (DingTalk's carries the access token). */
        url: z
          .custom<string | { env: string }>((v) => typeof v === 'string' || (typeof v === 'object' && v !== null), {
            message: 'is required: the webhook URL as a secret, e.g. "${DTS_ALERT_WEBHOOK}" or { env: DTS_ALERT_WEBHOOK }',
          })
          .pipe(secretSchema),
        /** DingTalk custom robot "Additional Signature" secret: adds `timestamp` and `sign` to the URL. */
        secret: secretSchema.optional(),
        /** `dingtalk`: a markdown message as DingTalk robots take it; `generic`: a JSON document. */
        type: z.enum(['dingtalk', 'generic']).default('generic'),
      })
      .strict(),
    rules: z.array(ruleSchema).min(1, 'at least one rule'),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const names = new Set<string>();
    alerts.rules.forEach((rule, i) => {
      if (names.has(rule.name))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `two rules are named "${rule.name}"; give one a distinct \`name\` (it keys the rule's stored state)` });
      names.add(rule.name);
    });
  });

export type AlertsConfig = z.output<typeof alertsSchema>;
export type AlertRule = AlertsConfig['rules'][number];
export type AlertWebhookConfig = AlertsConfig['webhook'];

/** Issues of rules that name a destination or stage the task does not have: [rule index, message]. */
export function unknownRuleTargets(alerts: AlertsConfig, destinations: readonly string[]): [number, string][] {
  const issues: [number, string][] = [];
  const known = `the task's destinations are ${destinations.map((d) => `"${d}"`).join(', ')}`;
  alerts.rules.forEach((rule, i) => {
    const c = rule.condition;
    if (c.kind === 'latency' && c.destination !== undefined && !destinations.includes(c.destination)) issues.push([i, `no destination is named "${c.destination}"; ${known}`]);
    if (c.kind === 'retrying' && c.stage !== undefined && c.stage !== 'reader' && !destinations.includes(c.stage.replace(/^deliver:/, ''))) {
      issues.push([i, `no stage is named "${c.stage}"; use reader or a destination's name (${known})`]);
    }
  });
  return issues;
}
