/**
 * Verifies the ACS3-HMAC-SHA256 (V3) signature used by @alicloud/fc20230330 through
 * @alicloud/openapi-core (specs §3.4):
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
 *     CanonicalURI     the path as sent (`+` → %20, `*` → %2A, %7E → ~)
 *     CanonicalQuery   keys sorted, "key=" + RFC 3986 encoded value, joined by &
 *     CanonicalHeaders host, content-type and every x-acs-* header, sorted, "name:trimmed value\n"
 *   Authorization    = "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=" + hex(HMAC-SHA256(secret, StringToSign))
 *   StringToSign     = "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))
 *
 * SignedHeaders must be exactly the headers the SDK signs (so none can be added unsigned),
 * x-acs-content-sha256 must match the body, x-acs-date must be within 15 minutes, and a
 * signature nonce is accepted once.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { accepted, header, MAX_CLOCK_SKEW_MS, refused, type EndpointCredentials, type ReceivedRequest, type Verdict } from './verdict.ts';

const ALGORITHM = 'ACS3-HMAC-SHA256';

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** encodeURIComponent plus the characters RFC 3986 reserves that it leaves alone. */
function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(rawQuery: string): string {
  const params = new URLSearchParams(rawQuery);
  const keys = [...new Set(params.keys())].sort();
  return keys.map((key) => `${key}=${percentEncode(params.get(key) ?? '')}`).join('&');
}

/** The headers the SDK signs, given the request's header names. */
export function acs3HeadersToSign(request: ReceivedRequest): string[] {
  return Object.keys(request.headers)
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
}

export function acs3StringToSign(request: ReceivedRequest, signedHeaders: readonly string[], payloadHash: string): string {
  const uri = request.rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const headers = signedHeaders.map((name) => `${name}:${(header(request, name) ?? '').trim()}\n`).join('');
  const canonicalRequest = `${request.method}\n${uri}\n${canonicalQuery(request.rawQuery)}\n${headers}\n${signedHeaders.join(';')}\n${payloadHash}`;
  return `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** Nonces seen in the last 15 minutes (older requests fail the date check anyway). */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  /** False when the nonce was already used. */
  use(nonce: string, nowMs: number): boolean {
    for (const [key, at] of this.#seen) {
      if (nowMs - at <= MAX_CLOCK_SKEW_MS) break;
      this.#seen.delete(key);
    }
    if (this.#seen.has(nonce)) return false;
    this.#seen.set(nonce, nowMs);
    return true;
  }
}

export function verifyAcs3Request(request: ReceivedRequest, credentials: EndpointCredentials, nowMs: number, nonces: NonceCache): Verdict {
  const authorization = header(request, 'authorization') ?? '';
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]*),Signature=([0-9a-f]+)$/.exec(authorization);
  if (!match) return refused(403, 'InvalidAuthorization', 'the Authorization header is missing or not "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…"');
  const [, accessKeyId, signedList, signature] = match as unknown as [string, string, string, string];
  if (accessKeyId !== credentials.accessKeyId) return refused(403, 'InvalidAccessKeyId.NotFound', `access key id "${accessKeyId}" is not the one this endpoint accepts`);

  const date = header(request, 'x-acs-date');
  const signedAt = date !== undefined && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(date) ? Date.parse(date) : NaN;
  if (Number.isNaN(signedAt)) return refused(403, 'InvalidAuthorization', 'x-acs-date is missing or not yyyy-MM-ddTHH:mm:ssZ');
  const skewMs = Math.abs(nowMs - signedAt);
  if (skewMs > MAX_CLOCK_SKEW_MS) {
    return refused(403, 'RequestTimeTooSkewed', `the request is dated ${date}, ${Math.round(skewMs / 60_000)} minutes from this endpoint's clock (at most 15 allowed)`);
  }

  const expectedHeaders = acs3HeadersToSign(request);
  const signedHeaders = signedList.split(';');
  if (signedHeaders.join(';') !== expectedHeaders.join(';') || !signedHeaders.includes('host') || !signedHeaders.includes('x-acs-content-sha256')) {
    return refused(403, 'SignatureDoesNotMatch', `SignedHeaders must list host, content-type and every x-acs-* header, sorted: expected "${expectedHeaders.join(';')}", got "${signedList}"`);
  }
  if (credentials.securityToken !== undefined && header(request, 'x-acs-security-token') !== credentials.securityToken) {
    return refused(403, 'InvalidSecurityToken', 'x-acs-security-token is missing or not the token this endpoint accepts');
  }
  const payloadHash = sha256Hex(request.body);
  if (header(request, 'x-acs-content-sha256') !== payloadHash) {
    return refused(403, 'SignatureDoesNotMatch', 'the body does not match x-acs-content-sha256 (which the signature covers): the body was changed after signing');
  }

  const expected = Buffer.from(
    createHmac('sha256', credentials.accessKeySecret)
      .update(acs3StringToSign(request, signedHeaders, payloadHash))
      .digest('hex'),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refused(
      403,
      'SignatureDoesNotMatch',
      'the signature does not match: check the access key secret, and that nothing signed (method, path, query, signed headers, body) changed after signing',
    );
  }
  const nonce = header(request, 'x-acs-signature-nonce');
  if (!nonce) return refused(403, 'MissingSignatureNonce', 'x-acs-signature-nonce is missing');
  if (!nonces.use(nonce, nowMs)) return refused(403, 'SignatureNonceUsed', `signature nonce ${nonce} was already used: every request needs a new one`);
  return accepted;
}
