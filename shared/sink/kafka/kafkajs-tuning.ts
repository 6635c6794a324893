/**
 * Hot spots of kafkajs 2.2.4's producer, replaced in a copy of kafkajs loaded for the sink alone
 * (`tunedKafkajs`): the sink must not depend on who imported kafkajs first, since modules bind
 * their dependencies when they load.
 * - `groupMessagesPerPartition` copies the partition's array for every message (quadratic in the
 *   batch size): 14% of produce CPU at 2,000 messages per send;
 * - `crc32C` is a byte-at-a-time JS table loop: 8% of produce CPU. @node-rs/crc32 computes the
 *   same Castagnoli CRC with the CPU's CRC32 instruction.
 * - the protocol `Encoder` grows its buffer with `Buffer.alloc`, zero-filling bytes it overwrites
 *   at once; `Buffer.allocUnsafe` skips that (bytes past `offset` are never read: `buffer` slices).
 * - Produce requests v3-v7 encode each record through its own Encoder objects (a Buffer per field
 *   per record, then copies of copies): in the catch-up profile that was 16% of the delivery
 *   thread plus much of its 10% GC. produce-request.ts writes each partition's RecordBatch in one
 *   buffer instead (record-batch.ts), and kafkajs's share fell under 2%.
 * - `sendMessages` holds an idempotent producer's broker lock for a whole round trip: one request
 *   in flight. pipelined-send.ts keeps several in flight, in sequence order.
 * The first three were measured with a 400,000-message produce loop (600-byte values, acks=all,
 * idempotent) under `node --cpu-prof`. The replacements keep the modules' contracts (same inputs,
 * same outputs: kafkajs-tuning.test.ts and produce-request.test.ts check them against the
 * originals). Any other kafkajs version is left untouched.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { pipelinedSendMessages, type KafkajsParts } from './pipelined-send.ts';
import { createProduceRequestV3, type EncoderLike, type ProduceRequestArgs } from './produce-request.ts';

const require = createRequire(import.meta.url);
const TUNED_VERSION = '2.2.4';

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
interface GroupArgs {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}

/** Same result as kafkajs's, in one pass. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** kafkajs's crc32C/index.js contract: an unsigned 32-bit CRC-32C of the buffer. */
export function unsignedCrc32c(buffer: Buffer): number {
  return crc32c(buffer) >>> 0;
}

interface EncoderShape {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
}

type ProduceVersion = (args: ProduceRequestArgs) => { request: unknown; response: unknown };

/**
 * kafkajs's produce version map with v3-v7 built by produce-request.ts (their bodies are the same;
 * only apiVersion differs). Bound when the private copy loads: the original map requires each
 * version lazily, which would find whichever kafkajs copy's module the cache holds at send time.
 */
function produceVersions(Encoder: new () => EncoderLike): { versions: string[]; protocol: (args: { version: string | number }) => ProduceVersion | undefined } {
  const original = require('kafkajs/src/protocol/requests/produce/index.js') as { versions: string[]; protocol: (args: { version: string | number }) => ProduceVersion | undefined };
  const requestV3 = createProduceRequestV3(Encoder);
  const ours = new Map<number, ProduceVersion>();
  for (const version of [3, 4, 5, 6, 7]) {
    const response = require(`kafkajs/src/protocol/requests/produce/v${version}/response.js`) as unknown;
    ours.set(version, (args) => ({ request: { ...requestV3(args), apiVersion: version }, response }));
  }
  return { versions: original.versions, protocol: ({ version }) => ours.get(Number(version)) ?? original.protocol({ version }) };
}

function replaceExports(request: string, exports: unknown): void {
  const file = require.resolve(request);
  require(file);
  const cached = require.cache[file];
  if (cached) cached.exports = exports;
}

/**
 * Loads a private copy of kafkajs with the replacements. Modules of a copy loaded earlier (by a
 * test kit, a benchmark, the ESM loader linking an `import 'kafkajs'`) are set aside while the
 * private copy loads, then put back: their importers keep exactly what they had, and this copy
 * binds the tuned functions.
 */
type ProduceProtocol = ReturnType<typeof produceVersions>['protocol'];

function loadTunedKafkajs(): { kafkajs: typeof import('kafkajs'); tuned: boolean; produce?: ProduceProtocol } {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== TUNED_VERSION) return { kafkajs: require('kafkajs') as typeof import('kafkajs'), tuned: false };
  const root = dirname(require.resolve('kafkajs/package.json')) + sep;
  const earlier = new Map<string, NodeJS.Module>();
  for (const [file, module] of Object.entries(require.cache)) {
    if (file.startsWith(root) && module) {
      earlier.set(file, module);
      delete require.cache[file];
    }
  }
  try {
    replaceExports('kafkajs/src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition);
    replaceExports(
      'kafkajs/src/producer/sendMessages.js',
      pipelinedSendMessages({
        sendMessages: require('kafkajs/src/producer/sendMessages.js') as KafkajsParts['sendMessages'],
        responseSerializer: require('kafkajs/src/producer/responseSerializer.js') as KafkajsParts['responseSerializer'],
        MetadataNotLoaded: (require('kafkajs/src/errors.js') as { KafkaJSMetadataNotLoaded: KafkajsParts['MetadataNotLoaded'] }).KafkaJSMetadataNotLoaded,
      }),
    );
    replaceExports('kafkajs/src/protocol/recordBatch/crc32C/index.js', unsignedCrc32c);
    const Encoder = require('kafkajs/src/protocol/encoder.js') as { new (): EncoderLike; nextPowerOfTwo(n: number): number; prototype: EncoderShape };
    Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderShape, length: number): void {
      if (this.offset + length <= this.buf.length) return;
      const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    };
    const produce = produceVersions(Encoder);
    replaceExports('kafkajs/src/protocol/requests/produce/index.js', produce);
    return { kafkajs: require('kafkajs') as typeof import('kafkajs'), tuned: true, produce: produce.protocol };
  } finally {
    for (const [file, module] of earlier) require.cache[file] = module;
  }
}

const loaded = loadTunedKafkajs();
/**
 * The kafkajs module the Kafka sink's clients use. The precheck's short-lived admin client
 * (precheck-items.ts) imports kafkajs as installed: it sends no produce requests.
 */
export const tunedKafkajs = loaded.kafkajs;
/** False when the installed kafkajs is not 2.2.4: `tunedKafkajs` is then kafkajs itself. */
export const kafkajsTuned = loaded.tuned;
/** The produce version map the private copy's brokers use (for tests). */
export const tunedProduceProtocol = loaded.produce;
