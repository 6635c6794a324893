/**
 * Error codes that mean "the other side could not be reached or dropped the connection": Node's
 * socket errnos, undici's socket error (fetch), a stream cut short, and mysql2's lost connection.
 * One list for every stage, so the source, the sinks and the retry windows agree on what a
 * connection failure is (retried within the failed-connection window).
 */
const connectionFailureCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'PROTOCOL_CONNECTION_LOST',
]);

/** Whether an error code (`err.code`) names a connection failure. */
export function isConnectionFailureCode(code: string | undefined): boolean {
  return code !== undefined && connectionFailureCodes.has(code);
}
