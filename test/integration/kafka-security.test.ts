/**
 * The local broker's authenticated listeners (scripts/start-stack.sh), proven with kafkajs alone:
 * SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for user dts, a wrong password
 * refused with kafkajs's SASL authentication error, and SSL with the stack's own CA (without it
 * the certificate is not trusted).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kafka, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const stackDir = (() => {
  const dir = process.env.DTS_STACK_DIR ?? '.stack';
  return isAbsolute(dir) ? dir : resolve(repoRoot, dir);
})();
const plaintextBroker = `127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`;
const saslBroker = `127.0.0.1:${process.env.DTS_KAFKA_SASL_PORT ?? 19094}`;
const sslBroker = `127.0.0.1:${process.env.DTS_KAFKA_SSL_PORT ?? 19095}`;
const caFile = resolve(stackDir, 'kafka/tls/ca.pem');
const user = 'dts';
const password = 'dts-secret';

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

function client(brokers: string[], extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'dts-security-tests',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 10_000,
    ...extra,
  });
}

/** Produces two records to a new topic and reads them back, all through `kafka`. */
async function roundTrip(kafka: Kafka, label: string): Promise<string[]> {
  const topic = uniqueName(`security_${label}`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: `${label}-1` }, { value: `${label}-2` }] });
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: uniqueName('security_g'), maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`timed out with ${values.length} of 2 messages from ${topic}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString('utf8') ?? '');
          if (values.length >= 2) {
            clearTimeout(timer);
            done();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Connects an admin client and lists topics; the error it fails with, or undefined. */
async function connectError(kafka: Kafka): Promise<unknown> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The error and its causes (kafkajs wraps connection errors), for matching on any of them. */
function errorChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth += 1) {
    const err = e as { name?: string; message?: string; code?: string; cause?: unknown; originalError?: unknown };
    parts.push(`${err.name ?? ''}: ${err.message ?? String(e)} ${err.code ?? ''}`);
    e = err.cause ?? err.originalError;
  }
  return parts.join(' <- ');
}

describe('Kafka SASL_PLAINTEXT listener', () => {
  const mechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

  for (const mechanism of mechanisms) {
    it(`${mechanism}: produces and consumes as ${user}`, async () => {
      const kafka = client([saslBroker], { sasl: { mechanism, username: user, password } as SASLOptions });
      const label = mechanism.replace(/-/g, '_');
      expect(await roundTrip(kafka, label)).toEqual([`${label}-1`, `${label}-2`]);
    });

    it(`${mechanism}: a wrong password fails with a SASL authentication error`, async () => {
      const kafka = client([saslBroker], { sasl: { mechanism, username: user, password: 'not-the-password' } as SASLOptions, retry: { retries: 0 } });
      const error = await connectError(kafka);
      expect(error).toBeInstanceOf(KafkaJSSASLAuthenticationError);
      expect((error as Error).name).toBe('KafkaJSSASLAuthenticationError');
    });
  }

  it('without SASL the listener does not answer as PLAINTEXT', async () => {
    const error = await connectError(client([saslBroker], { retry: { retries: 0 }, connectionTimeout: 2_000, requestTimeout: 3_000 }));
    // The broker hangs up on a request that is not part of a SASL handshake.
    expect(error).toBeInstanceOf(KafkaJSConnectionError);
    expect((error as Error).name).toBe('KafkaJSConnectionClosedError');
  });
});

describe('Kafka SSL listener', () => {
  it('with the stack CA: produces and consumes', async () => {
    const kafka = client([sslBroker], { ssl: { ca: [readFileSync(caFile)] } });
    expect(await roundTrip(kafka, 'ssl')).toEqual(['ssl-1', 'ssl-2']);
  });

  it('without the CA: the certificate is not trusted', async () => {
    const error = await connectError(client([sslBroker], { ssl: true, retry: { retries: 0 } }));
    // kafkajs gives up at once (retries: 0) on the connection error TLS caused.
    expect(error).toBeInstanceOf(KafkaJSNumberOfRetriesExceeded);
    expect((error as Error).cause).toBeInstanceOf(KafkaJSConnectionError);
    // Node's verdict on a certificate signed by an unknown CA: "unable to verify the first
    // certificate" (UNABLE_TO_VERIFY_LEAF_SIGNATURE), or SELF_SIGNED_CERT_IN_CHAIN if the server
    // also sent its CA.
    expect(errorChain(error)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|unable to verify the first certificate|self[- ]signed certificate/);
  });
});

describe('Kafka PLAINTEXT listener', () => {
  it('still serves unauthenticated clients', async () => {
    expect(await roundTrip(client([plaintextBroker]), 'plaintext')).toEqual(['plaintext-1', 'plaintext-2']);
  });
});
