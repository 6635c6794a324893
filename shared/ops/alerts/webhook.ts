/**
 * Sends one alert notification to the task's webhook: a JSON POST with node's fetch, 5 s timeout,
 * signed DingTalk-style when a secret is set (sign.ts). A DingTalk robot answers 200 with
 * `errcode` 0 when it took the message; any other answer is a failed send. Errors name the
 * webhook by its origin only: the URL's path and query may hold the access token.
 */
import { DtsError, ErrorCodes } from '../../errors.ts';
import type { Secret } from '../../task/secret.ts';
import { dingtalkBody, genericBody, type AlertNotification } from './notification.ts';
import { signedUrl } from './sign.ts';
import { defaults } from '../../task/defaults.ts';

export interface AlertWebhook {
  readonly url: Secret;
  readonly secret?: Secret;
  readonly type: 'dingtalk' | 'generic';
}

/** A notification the webhook did not take; it is sent again at the next evaluation. */
export class AlertWebhookError extends DtsError {
  constructor(webhook: string, problem: string, cause?: unknown, reached = true) {
    super(`alert webhook ${webhook}: ${problem}`, { code: ErrorCodes.ALERT_WEBHOOK, retriable: true, cause, context: { sink: 'alerts.webhook', reached } });
  }
}

/** `https://oapi.dingtalk.com`: the only part of the URL that is safe to log. */
export function webhookOrigin(webhook: AlertWebhook): string {
  try {
    return new URL(webhook.url.reveal()).origin;
  } catch {
    return '(alerts.webhook.url is not a URL)';
  }
}

export async function sendAlert(webhook: AlertWebhook, notification: AlertNotification, options: { now?: number; timeoutMs?: number } = {}): Promise<void> {
  const origin = webhookOrigin(webhook);
  let url: URL;
  try {
    url = new URL(webhook.url.reveal());
  } catch (err) {
    throw new AlertWebhookError(origin, 'alerts.webhook.url is not a URL', err);
  }
  if (webhook.secret) url = signedUrl(url, webhook.secret.reveal(), options.now ?? Date.now());
  const body = webhook.type === 'dingtalk' ? dingtalkBody(notification) : genericBody(notification);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? defaults.alertWebhookTimeoutMs),
    });
  } catch (err) {
    // fetch's errors name the host and port at most (its cause), never the query.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    throw new AlertWebhookError(
      origin,
      `not reachable (${(err as Error).name === 'TimeoutError' ? 'no answer within the timeout' : `${(err as Error).message}${why ? `: ${why}` : ''}`})`,
      undefined,
      false,
    );
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) throw new AlertWebhookError(origin, `answered HTTP ${response.status}`);
  if (webhook.type === 'dingtalk') {
    let answer: { errcode?: unknown; errmsg?: unknown } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new AlertWebhookError(origin, 'answered with something that is not a DingTalk robot answer (JSON with errcode)');
    }
    if (answer.errcode !== 0) throw new AlertWebhookError(origin, `refused the message: errcode ${String(answer.errcode)} ${String(answer.errmsg ?? '').slice(0, 120)}`);
  }
}
