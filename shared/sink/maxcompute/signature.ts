/**
 * MaxCompute request signing (specs/maxcompute.md §1.3–1.4), for the client and for servers that
 * verify it.
 *
 * String to sign, one line each, joined with "\n":
 *   METHOD
 *   Content-MD5 value ("" if absent)
 *   Content-Type value ("" if absent)
 *   Date value
 *   x-odps-*: "name:value" per header (lower-cased names, sorted; also x-odps-* query
 *             parameters, as JAVA and PY sign them)
 *   resource: the path relative to the endpoint (its own /api not included), decoded, then "?" and
 *             every query parameter sorted by name, "name=value" or a bare "name" when empty,
 *             decoded, the last of duplicate names winning
 *
 * v2: `ODPS <id>:base64(HMAC-SHA1(secret, string))`. v4 (with a region): the key is an HMAC-SHA256
 * chain from "aliyun_v4" + secret over yyyymmdd, region, "odps", "aliyun_v4_request", and the last
 * step is still HMAC-SHA1: `ODPS <id>/<yyyymmdd>/<region>/odps/aliyun_v4_request:<sig>`.
 * STS: signed as above with the temporary key, then `authorization-sts-token` added unsigned.
 * The Date and Content-Type signed must be exactly the ones sent (the client sets both itself).
 */
import { createHmac } from 'node:crypto';
import type { Secret } from '../../task/secret.ts';

export interface SignableRequest {
  readonly method: string;
  /** The path relative to the endpoint, not URL-encoded: `/projects/p/tables/t`. */
  readonly resource: string;
  /** Query parameters, decoded; `''` for a bare name such as `uploads`. */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** Request headers (any case); only Content-MD5, Content-Type, Date and x-odps-* are signed. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: Secret;
  /** STS security token: sent as `authorization-sts-token`, not signed. */
  readonly securityToken?: Secret;
  /** Sign v4 for this region (e.g. `cn-hangzhou`); v2 without. */
  readonly region?: string;
}

const PREFIX = 'x-odps-';

export function canonicalString(req: SignableRequest): string {
  const signed = new Map<string, string>([
    ['content-md5', ''],
    ['content-type', ''],
  ]);
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    if (key === 'content-md5' || key === 'content-type' || key === 'date' || key.startsWith(PREFIX)) signed.set(key, value);
  }
  const params = new Map<string, string>();
  for (const [name, value] of req.params) {
    params.set(name, value);
    if (name.toLowerCase().startsWith(PREFIX)) signed.set(name.toLowerCase(), value);
  }
  const lines = [req.method.toUpperCase()];
  for (const key of [...signed.keys()].sort(byCodeUnit)) {
    const value = signed.get(key)!;
    lines.push(key.startsWith(PREFIX) ? `${key}:${value}` : value);
  }
  let resource = req.resource;
  if (params.size > 0) {
    resource += `?${[...params.keys()]
      .sort(byCodeUnit)
      .map((name) => (params.get(name) ? `${name}=${params.get(name)}` : name))
      .join('&')}`;
  }
  lines.push(resource);
  return lines.join('\n');
}

/** v2: `ODPS <accessKeyId>:<signature>`. */
export function authorizationV2(accessKeyId: string, secret: string, stringToSign: string): string {
  return `ODPS ${accessKeyId}:${createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64')}`;
}

/** The v4 signing key for a UTC day (`yyyymmdd`) and region. */
export function signingKeyV4(secret: string, day: string, region: string): Buffer {
  const step = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  return step(step(step(step(`aliyun_v4${secret}`, day), region), 'odps'), 'aliyun_v4_request');
}

/** v4: `ODPS <accessKeyId>/<yyyymmdd>/<region>/odps/aliyun_v4_request:<signature>`. */
export function authorizationV4(accessKeyId: string, secret: string, stringToSign: string, date: Date, region: string): string {
  const day = date.toISOString().slice(0, 10).replaceAll('-', '');
  const signature = createHmac('sha1', signingKeyV4(secret, day, region))
    .update(stringToSign, 'utf8')
    .digest('base64');
  return `ODPS ${accessKeyId}/${day}/${region}/odps/aliyun_v4_request:${signature}`;
}

/**
 * The headers that authenticate `req`: Authorization, and authorization-sts-token with STS.
 * `req.headers` must already hold the Date (and Content-Type) that will be sent.
 */
export function authenticationHeaders(req: SignableRequest, credentials: Credentials): Record<string, string> {
  const text = canonicalString(req);
  const secret = credentials.accessKeySecret.reveal();
  const headers: Record<string, string> = {
    Authorization: credentials.region
      ? authorizationV4(credentials.accessKeyId, secret, text, new Date(dateHeaderOf(req)), credentials.region)
      : authorizationV2(credentials.accessKeyId, secret, text),
  };
  if (credentials.securityToken) headers['authorization-sts-token'] = credentials.securityToken.reveal();
  return headers;
}

function dateHeaderOf(req: SignableRequest): string {
  for (const [name, value] of Object.entries(req.headers)) if (name.toLowerCase() === 'date') return value;
  return new Date().toUTCString();
}

/** JAVA's TreeMap order (UTF-16 code units), not the locale's. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
