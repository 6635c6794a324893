import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { groupMessagesPerPartition, kafkajsTuned, tunedKafkajs, unsignedCrc32c } from '../../../../shared/sink/kafka/kafkajs-tuning.ts';

const require = createRequire(import.meta.url);

// The originals, evaluated from their source text so that the patched module cache cannot hand
// back the replacements.
type Group = (args: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }) => Record<number, unknown[]>;
type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function original<T>(request: string): T {
  const file = require.resolve(request);
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', readFileSync(file, 'utf8'))(module, module.exports, createRequire(file));
  return module.exports as T;
}

const originalGroup = original<Group>('kafkajs/src/producer/groupMessagesPerPartition.js');

interface EncoderClass {
  new (initialSize?: number): EncoderInstance;
  nextPowerOfTwo(n: number): number;
  prototype: EncoderInstance;
}
interface EncoderInstance {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  ensureAvailable(length: number): void;
  writeInt8(v: number): EncoderInstance;
  writeInt32(v: number): EncoderInstance;
  writeString(v: string): EncoderInstance;
  writeBytes(v: Buffer): EncoderInstance;
  writeBuffer(v: Buffer): EncoderInstance;
  writeVarInt(v: number): EncoderInstance;
}
const OriginalEncoder = original<EncoderClass>('kafkajs/src/protocol/encoder.js');

/** A small seeded PRNG (mulberry32): random cases that are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one bit at a time. */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function randomBuffer(random: () => number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(random() * 256);
  return b;
}

describe('groupMessagesPerPartition', () => {
  const metadata = (n: number) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: i % 3 }));

  it('returns {} for empty partition metadata, without calling the partitioner', () => {
    let calls = 0;
    const partitioner = () => (calls += 1);
    const args = { topic: 't', partitionMetadata: [], messages: [{ key: 'a' }, { key: 'b' }], partitioner };
    expect(groupMessagesPerPartition(args)).toEqual({});
    expect(originalGroup(args)).toEqual({});
    expect(calls).toBe(0);
  });

  it('returns {} for no messages', () => {
    const args = { topic: 't', partitionMetadata: metadata(3), messages: [], partitioner: () => 0 };
    expect(groupMessagesPerPartition(args)).toEqual(originalGroup(args));
    expect(groupMessagesPerPartition(args)).toEqual({});
  });

  it.each([1, 2, 7, 42])('matches the original for random partitioners and messages (seed %i)', (seed) => {
    const random = prng(seed);
    for (let round = 0; round < 25; round++) {
      const partitions = 1 + Math.floor(random() * 12);
      const partitionMetadata = metadata(partitions);
      const messages = Array.from({ length: Math.floor(random() * 300) }, (_, i) => ({ key: `k${Math.floor(random() * 50)}`, value: `v${i}` }));
      // A stateful random partitioner: both implementations get the same sequence of draws.
      const partitionerFrom = (s: number) => {
        const draw = prng(s);
        const calls: unknown[] = [];
        const partitioner: Partitioner = (args) => {
          calls.push(args);
          return Math.floor(draw() * partitions);
        };
        return { partitioner, calls };
      };
      const s = Math.floor(random() * 1e9);
      const a = partitionerFrom(s);
      const b = partitionerFrom(s);
      const tuned = groupMessagesPerPartition({ topic: 'dts', partitionMetadata, messages, partitioner: a.partitioner });
      const reference = originalGroup({ topic: 'dts', partitionMetadata, messages, partitioner: b.partitioner });
      expect(tuned).toEqual(reference);
      expect(Object.keys(tuned)).toEqual(Object.keys(reference));
      for (const [partition, list] of Object.entries(reference)) {
        // the same message objects, in the same order
        list.forEach((m, i) => expect(tuned[Number(partition)]![i]).toBe(m));
      }
      expect(a.calls).toEqual(b.calls);
      expect(Object.values(tuned).reduce((n, l) => n + l.length, 0)).toBe(messages.length);
    }
  });

  it('keeps message order within a partition for a key-hash partitioner', () => {
    const partitionMetadata = metadata(4);
    const messages = ['a', 'b', 'c', 'a', 'd', 'b', 'a'].map((key, i) => ({ key, i }));
    const partitioner: Partitioner = ({ message }) => (message as { key: string }).key.charCodeAt(0) % 4;
    const tuned = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner });
    expect(tuned).toEqual(originalGroup({ topic: 't', partitionMetadata, messages, partitioner }));
    expect(Object.fromEntries(Object.entries(tuned).map(([p, l]) => [p, (l as { i: number }[]).map((m) => m.i)]))).toEqual({ 0: [4], 1: [0, 3, 6], 2: [1, 5], 3: [2] });
  });
});

describe('unsignedCrc32c', () => {
  it('gives the CRC-32C check value for "123456789"', () => {
    expect(unsignedCrc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cBitwise(Buffer.from('123456789'))).toBe(0xe3069283); // the reference agrees with the standard
  });

  it.each([
    { name: 'empty', buffer: Buffer.alloc(0), crc: 0 },
    { name: '32 zero bytes', buffer: Buffer.alloc(32), crc: 0x8a9136aa },
    { name: '32 0xff bytes', buffer: Buffer.alloc(32, 0xff), crc: 0x62a8ab43 },
  ])('matches the RFC 3720 vector: $name', ({ buffer, crc }) => {
    expect(unsignedCrc32c(buffer)).toBe(crc);
    expect(crc32cBitwise(buffer)).toBe(crc);
  });

  it("equals the bit-by-bit reference and kafkajs's own table loop on random buffers", () => {
    const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
    const random = prng(99);
    for (let i = 0; i < 200; i++) {
      const length = i < 20 ? i : Math.floor(random() * 5000);
      const buffer = randomBuffer(random, length);
      const crc = unsignedCrc32c(buffer);
      expect(crc).toBe(crc32cBitwise(buffer));
      expect(crc).toBe(kafkajsCrc(buffer) >>> 0);
      expect(crc).toBeGreaterThanOrEqual(0); // unsigned
    }
    // A slice of a larger buffer: only the view's bytes count.
    const big = randomBuffer(random, 1000);
    const view = big.subarray(100, 900);
    expect(unsignedCrc32c(view)).toBe(crc32cBitwise(view));
  });
});

describe('the module cache after tuning', () => {
  it('is tuned for kafkajs 2.2.4 and exports the tuned copy of kafkajs', () => {
    expect((require('kafkajs/package.json') as { version: string }).version).toBe('2.2.4');
    expect(kafkajsTuned).toBe(true);
    expect(require('kafkajs')).toBe(tunedKafkajs);
    expect(typeof tunedKafkajs.Kafka).toBe('function');
  });

  it('hands the replacements to anything that requires the kafkajs modules', () => {
    expect(require('kafkajs/src/producer/groupMessagesPerPartition.js')).toBe(groupMessagesPerPartition);
    expect(require('kafkajs/src/protocol/recordBatch/crc32C/index.js')).toBe(unsignedCrc32c);
    // kafkajs's own relative requires resolve to the same cache entries
    const fromProducer = createRequire(require.resolve('kafkajs/src/producer/index.js'));
    expect(fromProducer('./groupMessagesPerPartition')).toBe(groupMessagesPerPartition);
    const fromRecordBatch = createRequire(require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js'));
    expect(fromRecordBatch('../crc32C')).toBe(unsignedCrc32c);
  });

  it('patches Encoder.ensureAvailable', () => {
    const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
    expect(Encoder.prototype.ensureAvailable).not.toBe(OriginalEncoder.prototype.ensureAvailable);
    expect(Encoder.prototype.ensureAvailable.toString()).toContain('allocUnsafe');
  });
});

describe('the patched Encoder', () => {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;

  function int32(v: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  }
  function str(s: string): Buffer {
    const bytes = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeInt16BE(bytes.length);
    return Buffer.concat([len, bytes]);
  }

  it('encodes int32s, strings and a big buffer across several growth steps', () => {
    const random = prng(5);
    const big = randomBuffer(random, 70_000); // 512 → … → 131072: eight growth steps
    const e = new Encoder();
    const expected: Buffer[] = [];
    const sizes: number[] = [e.buf.length];
    for (let i = 0; i < 100; i++) {
      e.writeInt32(i * 7919 - 300_000);
      expected.push(int32(i * 7919 - 300_000));
      e.writeString(`key-${i}-é✓`);
      expected.push(str(`key-${i}-é✓`));
      if (e.buf.length !== sizes.at(-1)) sizes.push(e.buf.length);
    }
    e.writeBuffer(big);
    expected.push(big);
    sizes.push(e.buf.length);
    e.writeInt32(-1);
    expected.push(int32(-1));
    e.writeBytes(Buffer.from('tail'));
    expected.push(int32(4), Buffer.from('tail'));

    const want = Buffer.concat(expected);
    expect(e.offset).toBe(want.length);
    expect(e.buffer.length).toBe(want.length);
    expect(e.buffer.equals(want)).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(4); // it did grow, several times
    expect(e.buf.length).toBeGreaterThanOrEqual(want.length);
    expect(e.buf.length & (e.buf.length - 1)).toBe(0); // grown to powers of two, as the original does
  });

  it('writes the same bytes as the original Encoder for random writes', () => {
    const random = prng(11);
    for (let round = 0; round < 20; round++) {
      const tuned = new Encoder(1 + Math.floor(random() * 64));
      const reference = new OriginalEncoder(tuned.buf.length - 1);
      for (let op = 0; op < 200; op++) {
        const kind = Math.floor(random() * 5);
        const n = Math.floor(random() * 2 ** 31) - 2 ** 30;
        for (const enc of [tuned, reference]) {
          if (kind === 0) enc.writeInt32(n);
          else if (kind === 1) enc.writeInt8(n % 128);
          else if (kind === 2) enc.writeString(`s${n}`);
          else if (kind === 3) enc.writeVarInt(n);
        }
        if (kind === 4) {
          const b = randomBuffer(random, Math.floor(random() * 3000));
          tuned.writeBuffer(b);
          reference.writeBuffer(b);
        }
      }
      expect(tuned.offset).toBe(reference.offset);
      expect(tuned.buffer.equals(reference.buffer)).toBe(true);
    }
  });
});
