/**
 * A real local HTTP receiver for alert webhooks (node:http on port 0): records every request and
 * answers as a DingTalk custom robot does, checking the signature it was sent with the robot's
 * rule, computed here with node:crypto independently of the code under test.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  readonly path: string;
  /** The raw query string as sent (percent-encoded). */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
  /** null when the receiver has no secret; else whether timestamp and sign are the robot's. */
  readonly signatureValid: boolean | null;
}

export interface AlertReceiver {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly received: ReceivedAlert[];
  /** HTTP statuses to answer the next requests with, in order (then 200). */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** The DingTalk robot's check: timestamp within an hour, sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)). */
export function dingtalkSignatureValid(query: URLSearchParams, secret: string, now = Date.now()): boolean {
  const timestamp = query.get('timestamp');
  const sign = query.get('sign');
  if (!timestamp || !sign || Math.abs(now - Number(timestamp)) > 3_600_000) return false;
  return sign === createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export async function startAlertReceiver(options: { secret?: string } = {}): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const failures: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const signatureValid = options.secret === undefined ? null : dingtalkSignatureValid(url.searchParams, options.secret);
      received.push({
        path: url.pathname,
        rawQuery: (req.url ?? '').split('?')[1] ?? '',
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        signatureValid,
      });
      const status = failures.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(signatureValid === false ? { errcode: 310000, errmsg: 'sign not match' } : { errcode: status === 200 ? 0 : 1, errmsg: status === 200 ? 'ok' : 'busy' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
