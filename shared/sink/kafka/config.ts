/** The Kafka destination's part of the task file. */
import { z } from 'zod';
import { envText, secretSchema } from '../../task/secret.ts';
import { defaults } from '../../task/defaults.ts';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, for example 127.0.0.1:9092');
const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name (letters, digits, . _ -)');
const partitionCount = z.number().int().min(1).max(10_000);

/** DTS "object name mapping" for one table: its own topic, partition count, partition-key columns. */
const tableMappingSchema = z
  .object({
    database: z.string().min(1),
    table: z.string().min(1),
    topic: topicName.optional(),
    /** Partitions when the topic is created (an existing topic keeps its own count). */
    partitions: partitionCount.optional(),
    /** Columns hashed by the primary-key policy instead of the primary key. */
    partitionKey: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/**
 * A Confluent-compatible schema registry for DTS Avro: values are framed with the magic byte and
 * the schema id the registry gives the Record schema (schema-registry.ts).
 */
const schemaRegistrySchema = z
  .object({
    /** The registry's Confluent API base, e.g. http://registry:8081 or Apicurio's .../apis/ccompat/v7. */
    url: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL, for example http://127.0.0.1:8081' })
      .refine((u) => !new URL(u).username && !new URL(u).password, 'no credentials in the URL: use schemaRegistry.basicAuth'),
    /** `topic`: subject `<topic>-value` (TopicNameStrategy); `record`: `com.alibaba.dts.formats.avro.Record`. */
    subjectStrategy: z.enum(['topic', 'record']).default('topic'),
    basicAuth: z
      .object({ username: z.string().min(1), password: secretSchema })
      .strict()
      .optional(),
    /** Per-request timeout towards the registry. */
    timeoutMs: z.number().int().min(1000).max(300000).default(defaults.schemaRegistryTimeoutMs),
  })
  .strict();

export const kafkaDestinationSchema = z
  .object({
    type: z.literal('kafka'),
    /** Names the destination's cursor in the queue; renaming it starts the destination over. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
      .default('kafka'),
    /** Each one host:port, or `${NAME}` read from the environment when the task starts. */
    brokers: z.array(envText(hostPort)).min(1, 'at least one broker'),
    topic: topicName,
    /** DDL goes here; defaults to `topic` (DTS "Topic That Stores DDL Information"). */
    ddlTopic: topicName.optional(),
    /** Partitions of topics this task creates. */
    partitions: partitionCount.default(1),
    /** Create missing topics (with `partitions`); when false, a missing topic fails the precheck. */
    createTopics: z.boolean().default(true),
    /** DTS "Policy for Shipping Data to Kafka Partitions". */
    partitionPolicy: z.enum(['partition-zero', 'database-table', 'primary-key']).default('partition-zero'),
    mapping: z.array(tableMappingSchema).default([]),
    /**
     * A record above maxRecordBytes: `fail` stops the task naming table, key and position (DTS);
     * `dead-letter` writes a small JSON descriptor of it to `deadLetterTopic` and goes on, counted.
     */
    oversize: z.enum(['fail', 'dead-letter']).default('fail'),
    deadLetterTopic: topicName.optional(),
    /** DTS "Kafka Data Compression Format". */
    compression: z.enum(['lz4', 'gzip', 'snappy', 'none']).default('lz4'),
    /** DTS Avro (the DTS default, specs/formats.md §1) or Canal JSON (§2). */
    format: z.enum(['canal-json', 'dts-avro']).default('canal-json'),
    /** DTS "message acknowledgement mechanism": none (acks=0), leader (acks=1), all in-sync replicas. */
    acks: z.enum(['none', 'leader', 'all']).default('all'),
    clientId: z.string().default('mysql-dts'),
    /** Per-request timeout towards the broker. */
    requestTimeoutMs: z.number().int().min(1000).max(300000).default(defaults.kafkaRequestTimeoutMs),
    /** Records per produce request. */
    maxBatchRecords: z.number().int().min(1).max(100000).default(defaults.kafkaMaxBatchRecords),
    /** DTS refuses records above 10 MB by default; raise up to the broker's max.message.bytes. */
    maxRecordBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(defaults.kafkaMaxRecordBytes),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: secretSchema,
      })
      .strict()
      .optional(),
    /** TLS: true for the system CAs, or a CA file (PEM) for a private CA. */
    ssl: z.union([z.boolean(), z.object({ caFile: z.string().min(1).optional(), rejectUnauthorized: z.boolean().default(true) }).strict()]).default(false),
    schemaRegistry: schemaRegistrySchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.schemaRegistry && d.format !== 'dts-avro') {
      ctx.addIssue({ code: 'custom', path: ['schemaRegistry'], message: `a schema registry frames DTS Avro values only: set format: dts-avro, or remove schemaRegistry (format is ${d.format})` });
    }
  });

export type KafkaDestinationConfig = z.infer<typeof kafkaDestinationSchema>;
