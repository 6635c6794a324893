/**
 * A Kafka destination: the brokers answer (with the task's TLS and SASL settings), and every topic
 * the task writes exists or will be created (createTopics: true). One short attempt: a precheck
 * reports, it does not wait out a retry window.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { ResolvedKafkaConfig } from './index.ts';
import { createRouter } from './route.ts';
import { fail, listing, pass, type Finding } from '../../precheck/finding.ts';
import { defaults } from '../../task/defaults.ts';

export async function kafkaItems(config: ResolvedKafkaConfig, timeoutMs: number = defaults.kafkaPrecheckTimeoutMs): Promise<Finding[]> {
  const id = `destination.${config.name}`;
  const ssl = typeof config.ssl === 'boolean' ? config.ssl : { rejectUnauthorized: config.ssl.rejectUnauthorized, ...(config.ssl.caFile ? { ca: [readFileSync(config.ssl.caFile)] } : {}) };
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl,
    sasl: config.sasl ? ({ mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password.reveal() } as never) : undefined,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let existing: Set<string>;
  try {
    await admin.connect();
    existing = new Set(await admin.listTopics());
  } catch (err) {
    await admin.disconnect().catch(() => {});
    return [
      fail(
        `${id}.reachable`,
        `Kafka brokers ${config.brokers.join(', ')} do not answer: ${(err as Error).message}`,
        'check brokers, the network path (security group, whitelist) and the ssl/sasl settings of the destination',
      ),
    ];
  }
  await admin.disconnect().catch(() => {});
  const wanted = [...createRouter(config, () => 1).topics.keys()];
  if (config.oversize === 'dead-letter') wanted.push(config.deadLetterTopic ?? `${config.topic}.dead-letter`);
  const missing = wanted.filter((t) => !existing.has(t));
  const reachable = pass(`${id}.reachable`, `Kafka brokers ${config.brokers.join(', ')} answer`);
  if (missing.length === 0)
    return [
      reachable,
      pass(
        `${id}.topics`,
        listing(wanted, (list) => `topics exist: ${list}`),
      ),
    ];
  if (config.createTopics)
    return [
      reachable,
      pass(
        `${id}.topics`,
        listing(missing, (list) => `missing topics are created at start (createTopics: true): ${list}`),
      ),
    ];
  return [
    reachable,
    fail(
      `${id}.topics`,
      listing(missing, (list) => `topics do not exist and createTopics is false: ${list}`),
      `create them (kafka-topics.sh --create --topic <name> --partitions ${config.partitions}) or set createTopics: true`,
    ),
  ];
}
