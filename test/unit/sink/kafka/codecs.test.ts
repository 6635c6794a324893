/**
 * The LZ4 and Snappy codecs the sink registers in kafkajs: round trips on random (incompressible)
 * and repetitive buffers of many sizes, the LZ4 frame magic (KIP-57), and Snappy in the xerial
 * framing the Java client writes and reads (SnappyOutputStream: magic, version 1, compatible
 * version 1, then length-prefixed blocks of at most 32 KiB), checked by parsing the frames here.
 * The Java client reading what the sink writes is test/integration/kafka-formats-and-codecs.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { compressSync, uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import * as kafkajs from 'kafkajs';
import { lz4Codec, registerCodecs, snappyCodec } from '../../../../shared/sink/kafka/codecs.ts';

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const BLOCK = 32 * 1024;
const SIZES = [0, 1, 100, 4096, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17, 1024 * 1024 + 3];

function repetitive(length: number): Buffer {
  const text = Buffer.from('{"id":"1","name":"ç😀 row","note":null},');
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = text[i % text.length]!;
  return out;
}

const inputs = SIZES.flatMap((n) => [[`random ${n}`, randomBytes(n)] as const, [`repetitive ${n}`, repetitive(n)] as const]);

/** Parses the xerial framing by hand: the header fields and each block decompressed alone. */
function parseXerial(stream: Buffer): { version: number; compatible: number; blocks: Buffer[] } {
  expect([...stream.subarray(0, 8)]).toEqual(XERIAL_MAGIC);
  const blocks: Buffer[] = [];
  let offset = 16;
  while (offset < stream.length) {
    const length = stream.readInt32BE(offset);
    expect(length).toBeGreaterThan(0);
    expect(offset + 4 + length).toBeLessThanOrEqual(stream.length);
    blocks.push(uncompressSync(stream.subarray(offset + 4, offset + 4 + length)) as Buffer);
    offset += 4 + length;
  }
  expect(offset).toBe(stream.length);
  return { version: stream.readInt32BE(8), compatible: stream.readInt32BE(12), blocks };
}

describe('lz4Codec', () => {
  it.each(inputs)('round trip: %s', async (name, input) => {
    const compressed = await lz4Codec.compress({ buffer: input });
    // An LZ4 frame (magic 0x184D2204, little-endian), as Kafka's record batches use.
    expect([...compressed.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    const output = await lz4Codec.decompress(compressed);
    expect(output.length).toBe(input.length);
    expect(output.equals(input)).toBe(true);
    if (input.length > 1000 && name.startsWith('repetitive')) expect(compressed.length).toBeLessThan(input.length / 4);
  });
});

describe('snappyCodec', () => {
  it.each(inputs)('round trip in xerial framing: %s', async (_, input) => {
    const compressed = await snappyCodec.compress({ buffer: input });
    const { version, compatible, blocks } = parseXerial(compressed);
    expect([version, compatible]).toEqual([1, 1]);
    // Blocks of 32 KiB of input each, the last one shorter.
    expect(blocks.length).toBe(Math.ceil(input.length / BLOCK));
    blocks.forEach((b, i) => expect(b.length).toBe(Math.min(BLOCK, input.length - i * BLOCK)));
    expect(Buffer.concat(blocks).equals(input)).toBe(true);
    const output = await snappyCodec.decompress(compressed);
    expect(output.length).toBe(input.length);
    expect(output.equals(input)).toBe(true);
  });

  it('starts with the xerial header: magic, version 1, compatible version 1', async () => {
    const compressed = await snappyCodec.compress({ buffer: Buffer.from('hello hello hello') });
    expect([...compressed.subarray(0, 16)]).toEqual([...XERIAL_MAGIC, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it.each(inputs.filter(([, b]) => b.length > 0))('reads a raw Snappy block (no framing): %s', async (_, input) => {
    const raw = compressSync(input) as Buffer;
    expect([...raw.subarray(0, 8)]).not.toEqual(XERIAL_MAGIC);
    const output = await snappyCodec.decompress(raw);
    expect(output.equals(input)).toBe(true);
  });

  it('reads xerial streams written with other block sizes', async () => {
    const input = randomBytes(200_000);
    const cuts = [0, 1000, 70_000, 70_007, 200_000]; // blocks of 1000, 69,000, 7 and 129,993 bytes
    const parts: Buffer[] = [Buffer.from([...XERIAL_MAGIC, 0, 0, 0, 1, 0, 0, 0, 1])];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const block = compressSync(input.subarray(cuts[i]!, cuts[i + 1]!)) as Buffer;
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      parts.push(length, block);
    }
    const output = await snappyCodec.decompress(Buffer.concat(parts));
    expect(output.equals(input)).toBe(true);
  });
});

describe('registerCodecs', () => {
  it('puts both codecs into a kafkajs module under their compression types', () => {
    const module = { CompressionTypes: { ...kafkajs.CompressionTypes }, CompressionCodecs: {} as Record<number, () => unknown> };
    registerCodecs(module);
    expect(module.CompressionCodecs[kafkajs.CompressionTypes.LZ4]!()).toBe(lz4Codec);
    expect(module.CompressionCodecs[kafkajs.CompressionTypes.Snappy]!()).toBe(snappyCodec);
    expect(Object.keys(module.CompressionCodecs).map(Number).sort()).toEqual([kafkajs.CompressionTypes.Snappy, kafkajs.CompressionTypes.LZ4].sort());
  });
});
