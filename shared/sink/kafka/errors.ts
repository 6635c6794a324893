/**
 * kafkajs errors → sink errors, by class name and protocol error type (kafkajs's own code table),
 * never by message text. Decides retry window (connection or other) or fatal.
 */
import { SinkConnectionError, SinkWriteError } from '../errors.ts';

interface KafkaJsErrorShape {
  name?: string;
  /** Node's socket/TLS error code, kept by KafkaJSConnectionError. */
  code?: string;
  type?: string;
  retriable?: boolean;
  message?: string;
  cause?: unknown;
}

const connectionErrors = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound', 'KafkaJSRequestTimeoutError', 'KafkaJSMetadataNotLoaded', 'KafkaJSLockTimeout']);

const fatalProtocolTypes = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);

/** Certificate failures: retrying cannot help until the task's TLS settings change. */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function classifyKafkaError(err: unknown, where: { brokers: readonly string[]; topic: string }): Error {
  let e = err as KafkaJsErrorShape;
  // kafkajs wraps the last failure of its own retries; the cause says what actually happened.
  while (e?.name === 'KafkaJSNumberOfRetriesExceeded' && e.cause) e = e.cause as KafkaJsErrorShape;
  const context = { topic: where.topic, brokers: where.brokers.join(',') };
  const detail = `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
  if (e?.name === 'KafkaJSSASLAuthenticationError' || (e?.type && fatalProtocolTypes.has(e.type))) {
    return new SinkConnectionError(`Kafka refused the credentials or permissions for topic ${where.topic} (${detail}); check the destination's sasl settings and ACLs`, context, err, false);
  }
  if (e?.code && certificateCodes.has(e.code)) {
    return new SinkConnectionError(`Kafka's TLS certificate is not trusted (${detail}); set ssl.caFile of the destination to the CA that signed it`, context, err, false);
  }
  if (e?.name && connectionErrors.has(e.name)) {
    return new SinkConnectionError(`cannot reach Kafka at ${where.brokers.join(', ')} (${detail})`, context, err);
  }
  // kafkajs marks an error non-retriable when its own in-connection retry cannot help; a fresh
  // producer often can, so only typed protocol refusals are final and everything else gets the
  // task's other-issues window.
  return new SinkWriteError(`Kafka rejected the write to ${where.topic} (${detail})`, context, err, e?.retriable !== false || e?.type === undefined);
}
