/**
 * The webhook sender against a real local receiver: the DingTalk robot's signing (checked against
 * a vector computed here with node:crypto, and by the receiver), both body formats, and failures
 * that name the webhook by its origin only, never its token or secret.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../../shared/errors.ts';
import { AlertWebhookError, dingtalkSignature, sendAlert, signedUrl, type AlertNotification } from '../../../../shared/ops/alerts/index.ts';
import { Secret } from '../../../../shared/task/secret.ts';
import { startAlertReceiver, type AlertReceiver } from '../../../helpers/alert-receiver.ts';

const SECRET = 'SECe3f1b2c4d5a6978812345678901234567890abcdef1234567890abcdef12';
const TOKEN = 'tok-0123456789abcdef';

const firing: AlertNotification = {
  task: 'orders',
  rule: 'slow kafka',
  when: 'latency(kafka) > 30s for 5m',
  state: 'FIRING',
  at: '2026-12-03T10:00:00.000Z',
  values: { latencyMs: { kafka: 42_000 }, threshold: '30s' },
};

describe('DingTalk signing', () => {
  it('sign = base64(HMAC-SHA256(secret, `${timestamp}\\n${secret}`)), percent-encoded in the query', () => {
    // A timestamp whose signature holds the characters that must be encoded (+ / =).
    let timestamp = 1_764_756_000_000;
    while (!/[+/]/.test(dingtalkSignature(SECRET, timestamp))) timestamp++;
    const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    expect(dingtalkSignature(SECRET, timestamp)).toBe(expected);
    const url = signedUrl(new URL(`https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`), SECRET, timestamp);
    expect(url.search).toBe(`?access_token=${TOKEN}&timestamp=${timestamp}&sign=${encodeURIComponent(expected)}`);
    expect(url.search).toMatch(/%2B|%2F/);
  });
});

describe('sendAlert', () => {
  let receiver: AlertReceiver;
  beforeAll(async () => {
    receiver = await startAlertReceiver({ secret: SECRET });
  });
  afterAll(() => receiver.close());
  const webhook = (over: { secret?: string; type?: 'dingtalk' | 'generic'; url?: string } = {}) => ({
    url: new Secret(over.url ?? `${receiver.url}/robot/send?access_token=${TOKEN}`),
    type: over.type ?? 'dingtalk',
    ...('secret' in over ? (over.secret === undefined ? {} : { secret: new Secret(over.secret) }) : { secret: new Secret(SECRET) }),
  });

  it('dingtalk: a markdown message, signed, that the robot verifies', async () => {
    const before = receiver.received.length;
    await sendAlert(webhook(), firing);
    const [got, ...more] = receiver.received.slice(before);
    expect(more).toEqual([]);
    expect(got!.signatureValid).toBe(true);
    expect(got!.path).toBe('/robot/send');
    expect(got!.query.get('access_token')).toBe(TOKEN);
    expect(got!.contentType).toBe('application/json; charset=utf-8');
    expect(got!.body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '[FIRING] orders: slow kafka',
        text: '### [FIRING] orders: slow kafka\n\n- rule: `latency(kafka) > 30s for 5m`\n- state: **FIRING**\n- task: orders\n- at: 2026-12-03T10:00:00.000Z\n- latency kafka 42s',
      },
    });
  });

  it('generic: the JSON document, unsigned without a secret', async () => {
    const before = receiver.received.length;
    await sendAlert(webhook({ type: 'generic', secret: undefined, url: `${receiver.url}/hooks/dts` }), { ...firing, state: 'RESOLVED', values: { latencyMs: { kafka: 2000 }, threshold: '30s' } });
    const [got] = receiver.received.slice(before);
    expect(got!.rawQuery).toBe('');
    expect(got!.body).toEqual({
      rule: 'slow kafka',
      when: 'latency(kafka) > 30s for 5m',
      state: 'RESOLVED',
      task: 'orders',
      message: '[RESOLVED] task orders: slow kafka (latency(kafka) > 30s for 5m) - latency kafka 2s',
      values: { latencyMs: { kafka: 2000 }, threshold: '30s' },
      at: '2026-12-03T10:00:00.000Z',
    });
  });

  it('a wrong secret: the robot answers errcode 310000, and the send fails', async () => {
    const err = await sendAlert(webhook({ secret: 'SECwrong' }), firing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertWebhookError);
    expect((err as Error).message).toBe(`alert webhook ${receiver.url}: refused the message: errcode 310000 sign not match`);
  });

  it('HTTP errors, an unreachable host and a silent one fail with the origin only', async () => {
    receiver.failNext(500);
    const http = (await sendAlert(webhook({ type: 'generic' }), firing).catch((e: unknown) => e)) as AlertWebhookError;
    expect([http.message, http.code]).toEqual([`alert webhook ${receiver.url}: answered HTTP 500`, ErrorCodes.ALERT_WEBHOOK]);
    expect(http.context.reached).toBe(true);

    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const closedPort = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    const closed = (await sendAlert(webhook({ url: `http://127.0.0.1:${closedPort}/robot/send?access_token=${TOKEN}` }), firing).catch((e: unknown) => e)) as AlertWebhookError;
    expect([closed.message, closed.code]).toEqual([`alert webhook http://127.0.0.1:${closedPort}: not reachable (fetch failed: ECONNREFUSED)`, ErrorCodes.ALERT_WEBHOOK]);
    expect(closed.context.reached).toBe(false);

    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const timeout = (await sendAlert(webhook({ url: `http://127.0.0.1:${port}/x?access_token=${TOKEN}` }), firing, { timeoutMs: 300 }).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(timeout.message).toBe(`alert webhook http://127.0.0.1:${port}: not reachable (no answer within the timeout)`);
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
    for (const e of [http, closed, timeout]) expect(JSON.stringify([e.message, (e as AlertWebhookError).toJSON()])).not.toMatch(new RegExp(`${TOKEN}|${SECRET}`));
  });
});
