/**
 * Verifies the FC 2.0 signature (API 2016-08-15, as @alicloud/fc2 computes it; specs §3.1):
 *
 *   Authorization = "FC " + AccessKeyId + ":" + base64(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   StringToSign  = METHOD \n Content-MD5 \n Content-Type \n Date \n
 *                   CanonicalizedFCHeaders   every x-fc-* header, lower-case, sorted, "name:value\n"
 *                   CanonicalizedResource    the path ("/2016-08-15/services/…/invocations")
 *
 * The body is covered through Content-MD5, which the SDK writes as base64 of the *hex* MD5 digest:
 * a body that does not match it was changed after signing. Date must be within 15 minutes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { accepted, header, MAX_CLOCK_SKEW_MS, refused, type EndpointCredentials, type ReceivedRequest, type Verdict } from './verdict.ts';

export function fc2StringToSign(request: ReceivedRequest): string {
  const fcHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${header(request, name)}\n`)
    .join('');
  return `${request.method}\n${header(request, 'content-md5') ?? ''}\n${header(request, 'content-type') ?? ''}\n${header(request, 'date') ?? ''}\n${fcHeaders}${request.rawPath}`;
}

export function fc2Signature(stringToSign: string, secret: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

/** Content-MD5 as @alicloud/fc2 writes it. */
export function fc2ContentMd5(body: Buffer): string {
  return Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');
}

export function verifyFc2Request(request: ReceivedRequest, credentials: EndpointCredentials, nowMs: number): Verdict {
  const authorization = header(request, 'authorization') ?? '';
  const match = /^FC ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) return refused(403, 'SignatureNotMatch', 'the Authorization header is missing or not "FC <accessKeyId>:<signature>"');
  const [, accessKeyId, signature] = match as unknown as [string, string, string];
  if (accessKeyId !== credentials.accessKeyId) return refused(403, 'InvalidAccessKeyID', `access key id "${accessKeyId}" is not the one this endpoint accepts`);

  const date = header(request, 'date');
  const signedAt = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(signedAt)) return refused(403, 'SignatureNotMatch', 'the Date header is missing or not an HTTP date');
  const skewMs = Math.abs(nowMs - signedAt);
  if (skewMs > MAX_CLOCK_SKEW_MS) {
    return refused(403, 'RequestTimeTooSkewed', `the request is dated ${date}, ${Math.round(skewMs / 60_000)} minutes from this endpoint's clock (at most 15 allowed)`);
  }

  if (credentials.securityToken !== undefined && header(request, 'x-fc-security-token') !== credentials.securityToken) {
    return refused(403, 'InvalidSecurityToken', 'x-fc-security-token is missing or not the token this endpoint accepts');
  }

  const contentMd5 = header(request, 'content-md5');
  if (request.body.length > 0 && contentMd5 === undefined) {
    return refused(403, 'SignatureNotMatch', 'the request has a body but no Content-MD5, so the signature does not cover the body');
  }
  if (contentMd5 !== undefined && contentMd5 !== fc2ContentMd5(request.body)) {
    return refused(403, 'SignatureNotMatch', 'the body does not match its Content-MD5 (which the signature covers): the body was changed after signing');
  }

  const expected = Buffer.from(fc2Signature(fc2StringToSign(request), credentials.accessKeySecret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refused(
      403,
      'SignatureNotMatch',
      'the signature does not match: check the access key secret, and that nothing signed (method, Content-MD5, Content-Type, Date, x-fc-* headers, path) changed after signing',
    );
  }
  return accepted;
}
