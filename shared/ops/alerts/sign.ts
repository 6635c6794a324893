/**
 * DingTalk custom robot signing ("Additional Signature", 加签): the robot accepts a message only
 * when the URL carries `timestamp` (epoch ms, within an hour of its clock) and
 * `sign` = urlencode(base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`))).
 */
import { createHmac } from 'node:crypto';

export function dingtalkSignature(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** The URL with `timestamp` and `sign` set (URLSearchParams percent-encodes the base64's + / =). */
export function signedUrl(url: URL, secret: string, timestamp: number): URL {
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestamp));
  signed.searchParams.set('sign', dingtalkSignature(secret, timestamp));
  return signed;
}
