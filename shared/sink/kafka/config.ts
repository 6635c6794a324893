/** The Kafka destination's part of the task file. */
import { z } from 'zod';
import { secretSchema } from '../../task/secret.ts';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port, for example 127.0.0.1:9092');

export const kafkaDestinationSchema = z
  .object({
    type: z.literal('kafka'),
    /** Names the destination's cursor in the queue; renaming it starts the destination over. */
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -').default('kafka'),
    brokers: z.array(hostPort).min(1, 'at least one broker'),
    topic: z.string().min(1).max(249).regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name (letters, digits, . _ -)'),
    format: z.enum(['canal-json']).default('canal-json'),
    /** DTS "message acknowledgement mechanism": none (acks=0), leader (acks=1), all in-sync replicas. */
    acks: z.enum(['none', 'leader', 'all']).default('all'),
    clientId: z.string().default('mysql-dts'),
    /** Per-request timeout towards the broker. */
    requestTimeoutMs: z.number().int().min(1000).max(300000).default(30000),
    /** Records per produce request. */
    maxBatchRecords: z.number().int().min(1).max(100000).default(2000),
    /** DTS refuses records above 10 MB by default; raise up to the broker's max.message.bytes. */
    maxRecordBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: secretSchema,
      })
      .strict()
      .optional(),
    ssl: z.boolean().default(false),
  })
  .strict();

export type KafkaDestinationConfig = z.infer<typeof kafkaDestinationSchema>;
