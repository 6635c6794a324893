/**
 * Verifies MaxCompute's request signature (specs/maxcompute.md §1.3–1.4), recomputed from what was
 * received, for the control plane and the tunnel alike:
 *
 *   StringToSign = METHOD \n Content-MD5 \n Content-Type \n Date \n
 *                  { x-odps-* header or query parameter, lower case, sorted: "name:value\n" }
 *                  resource (URL-decoded, without the endpoint's own path such as /api)
 *                  [ "?" name[=value] "&" … every query parameter, decoded, sorted by name ]
 *   v2: "ODPS " accessId ":" base64(HMAC-SHA1(secret, StringToSign))
 *   v4: "ODPS " accessId "/" yyyymmdd "/" region "/odps/aliyun_v4_request:" base64(HMAC-SHA1(key, StringToSign)),
 *       key = HMAC-SHA256 chain over "aliyun_v4" + secret, the date, the region, "odps", "aliyun_v4_request"
 *
 * A wrong key, a missing or stale Date (more than 15 minutes off), any signed header, parameter or
 * path changed after signing, or a missing STS token (for an STS account) is refused with 403.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface OdpsAccount {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Required in `authorization-sts-token` when set (an STS account). */
  readonly securityToken?: string;
}

export interface SignedRequest {
  readonly method: string;
  /** The resource as signed: the path below the endpoint, still percent-encoded. */
  readonly resource: string;
  /** The raw query string, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
}

export type SignatureVerdict = { readonly ok: true; readonly accessKeyId: string } | { readonly ok: false; readonly reason: 'credentials' | 'signature' | 'date' | 'token'; readonly message: string };

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query parameters decoded; a repeated name keeps its last value (as the SDKs' maps do). */
export function queryParams(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    params.set(name, eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  return params;
}

export function canonicalString(request: SignedRequest): string {
  const params = queryParams(request.rawQuery);
  const signed = new Map<string, string>([
    ['content-md5', header(request.headers, 'content-md5') ?? ''],
    ['content-type', header(request.headers, 'content-type') ?? ''],
  ]);
  const date = header(request.headers, 'date');
  if (date !== undefined) signed.set('date', date);
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith('x-odps-')) signed.set(name, header(request.headers, name) ?? '');
  }
  for (const [name, value] of params) if (name.startsWith('x-odps-')) signed.set(name, value);
  const lines = [...signed.keys()].sort().map((k) => (k.startsWith('x-odps-') ? `${k}:${signed.get(k)}` : signed.get(k)!));
  const names = [...params.keys()].sort();
  const query = names.map((n) => (params.get(n) === '' ? n : `${n}=${params.get(n)}`)).join('&');
  return `${request.method.toUpperCase()}\n${lines.join('\n')}\n${decode(request.resource)}${query === '' ? '' : `?${query}`}`;
}

export function signatureV2(stringToSign: string, secret: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

export function signingKeyV4(secret: string, yyyymmdd: string, region: string): Buffer {
  const kDate = createHmac('sha256', `aliyun_v4${secret}`).update(yyyymmdd).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update('odps').digest();
  return createHmac('sha256', kService).update('aliyun_v4_request').digest();
}

export function signatureV4(stringToSign: string, secret: string, yyyymmdd: string, region: string): string {
  return createHmac('sha1', signingKeyV4(secret, yyyymmdd, region))
    .update(stringToSign, 'utf8')
    .digest('base64');
}

const AUTHORIZATION = /^ODPS ([^:/\s]+)(?:\/(\d{8})\/([^/\s]+)\/odps\/aliyun_v4_request)?:(\S+)$/;

export function verifySignature(request: SignedRequest, accounts: readonly OdpsAccount[], nowMs: number): SignatureVerdict {
  const authorization = header(request.headers, 'authorization') ?? '';
  const match = AUTHORIZATION.exec(authorization);
  if (!match)
    return {
      ok: false,
      reason: 'signature',
      message: 'the Authorization header is missing or not "ODPS <accessKeyId>:<signature>" (v2) or "ODPS <accessKeyId>/<yyyymmdd>/<region>/odps/aliyun_v4_request:<signature>" (v4)',
    };
  const [, accessKeyId, day, region, given] = match as unknown as [string, string, string | undefined, string | undefined, string];
  const account = accounts.find((a) => a.accessKeyId === accessKeyId);
  if (!account) return { ok: false, reason: 'credentials', message: `access key id "${accessKeyId}" is not known to this endpoint` };

  const date = header(request.headers, 'date');
  const signedAt = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(signedAt)) return { ok: false, reason: 'date', message: 'the Date header is missing or not an RFC 1123 date (e.g. "Wed, 04 Aug 2021 06:00:00 GMT"); it is part of the signature' };
  const skew = Math.abs(nowMs - signedAt);
  if (skew > MAX_CLOCK_SKEW_MS)
    return { ok: false, reason: 'date', message: `the request is dated ${date}, ${Math.round(skew / 60_000)} minutes from the endpoint's clock (at most 15 allowed): check the client's clock` };

  const stringToSign = canonicalString(request);
  const expected = day === undefined ? signatureV2(stringToSign, account.accessKeySecret) : signatureV4(stringToSign, account.accessKeySecret, day, region!);
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return {
      ok: false,
      reason: 'signature',
      message:
        'the signature does not match: check the access key secret, and that nothing signed (method, Content-MD5, Content-Type, Date, x-odps-* headers, the path and the query parameters) changed after signing',
    };
  }
  if (account.securityToken !== undefined && header(request.headers, 'authorization-sts-token') !== account.securityToken) {
    return { ok: false, reason: 'token', message: `access key id "${accessKeyId}" is an STS credential: the authorization-sts-token header is missing or not its security token` };
  }
  return { ok: true, accessKeyId };
}
