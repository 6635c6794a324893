/**
 * InvokeFunction failures → sink errors, by FC error code and HTTP status (never message text):
 * - the function ran and failed (`X-Fc-Error-Type`): a failed delivery, retried in the window
 *   for other issues, never skipped;
 * - credentials, clock, or a target that does not exist: final, with the setting to fix;
 * - throttling and server errors: retried (other issues); no answer at all: retried within the
 *   failed-connection window.
 */
import { DtsError, type ErrorContext } from '../../errors.ts';
import { isConnectionFailureCode } from '../../socket-errors.ts';
import { SinkConnectionError, SinkWriteError } from '../errors.ts';

/** What the SDKs throw: @alicloud/fc2 sets `code` (FC's ErrorCode); fc20230330 adds `statusCode`. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
}

const credentialCodes = new Set([
  'SignatureNotMatch',
  'InvalidAccessKeyID',
  'InvalidAccessKeyId',
  'InvalidAccessKeyId.NotFound',
  'AccessDenied',
  'InvalidSecurityToken',
  'InvalidSecurityToken.Expired',
  'Forbidden',
]);
const missingCodes = new Set(['ServiceNotFound', 'FunctionNotFound', 'AliasNotFound', 'VersionNotFound', 'QualifierNotFound', 'NotFound']);

export interface FcWhere {
  readonly sink: string;
  /** `service.qualifier/function` or `function:qualifier`. */
  readonly target: string;
}

export function classifyFcError(err: unknown, where: FcWhere): DtsError {
  if (err instanceof DtsError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const context: ErrorContext = { sink: where.sink, function: where.target };
  const detail = `${e.code ?? e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  const status = e.statusCode;
  const settings = `of destination "${where.sink}"`;
  if (e.code === 'RequestTimeTooSkewed') {
    return new SinkConnectionError(`FC refused the request date for ${where.target} (${detail}); set this machine's clock right (FC allows 15 minutes of skew)`, context, err, false);
  }
  if ((e.code && credentialCodes.has(e.code)) || status === 401 || status === 403) {
    return new SinkConnectionError(
      `FC refused the credentials for ${where.target} (${detail}); check accessKeyId, accessKeySecret and securityToken ${settings}, and that the key may call fc:InvokeFunction`,
      context,
      err,
      false,
    );
  }
  if ((e.code && missingCodes.has(e.code)) || status === 404) {
    return new SinkConnectionError(`FC has no function ${where.target} (${detail}); check service, function and qualifier ${settings}, and its region and accountId`, context, err, false);
  }
  if (e.code === 'RequestEntityTooLarge' || status === 413) {
    return new SinkWriteError(`FC refused an event as too large for ${where.target} (${detail}); lower maxInvocationBytes ${settings}`, context, err, false);
  }
  if (isConnectionFailureCode(e.code) || e.name === 'RequestTimeoutError' || (e.name?.startsWith('RequestTimeout') ?? false)) {
    return new SinkConnectionError(`cannot reach FC for ${where.target} (${detail})`, context, err);
  }
  // Throttling (429, ResourceThrottled, ResourceExhausted), server errors and anything untyped.
  return new SinkWriteError(`FC did not run ${where.target} (${detail})`, context, err);
}

/** The function threw or called back with an error: DTS retries the same records, in order. */
export function functionFailedError(where: FcWhere, errorType: string, body: Buffer, requestId: string, records: number): SinkWriteError {
  const { message, type } = functionErrorOf(body);
  return new SinkWriteError(`the function ${where.target} failed on ${records} record${records === 1 ? '' : 's'} (${errorType}${type ? ` ${type}` : ''}): ${message}`, {
    sink: where.sink,
    function: where.target,
    errorType,
    requestId,
  });
}

/** FC's error document `{"errorMessage","errorType","stackTrace"}`, or the raw text when it is not one. */
function functionErrorOf(body: Buffer): { message: string; type?: string } {
  const text = body.toString('utf8');
  try {
    const doc = JSON.parse(text) as { errorMessage?: unknown; errorType?: unknown };
    if (doc && typeof doc === 'object' && typeof doc.errorMessage === 'string') {
      return { message: doc.errorMessage, type: typeof doc.errorType === 'string' ? doc.errorType : undefined };
    }
  } catch {
    // not JSON: the text is the message
  }
  return { message: text.slice(0, 2000) || '(no message)' };
}
