/**
 * LZ4 and Snappy for kafkajs, which ships only GZIP. Both use native codecs from npm packages with
 * prebuilt binaries. LZ4 is the frame format Kafka's record batches use (KIP-57). Snappy is
 * written in the xerial framing that the Java client's SnappyOutputStream writes and reads; plain
 * Snappy blocks are read too (other clients write those).
 */
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compressSync, uncompressSync } from 'snappy';

interface EncoderLike {
  readonly buffer: Buffer;
}

export interface KafkaCodec {
  compress(encoder: EncoderLike): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export const lz4Codec: KafkaCodec = {
  compress: async (encoder) => compressFrameSync(encoder.buffer),
  decompress: async (buffer) => decompressFrameSync(buffer),
};

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]); // \x82SNAPPY\0
const XERIAL_HEADER_BYTES = 16; // magic, version (int32), compatible version (int32)
const XERIAL_BLOCK_BYTES = 32 * 1024;

function xerialHeader(): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  return header;
}

export const snappyCodec: KafkaCodec = {
  async compress(encoder) {
    const input = encoder.buffer;
    const parts: Buffer[] = [xerialHeader()];
    for (let offset = 0; offset < input.length; offset += XERIAL_BLOCK_BYTES) {
      const block = compressSync(input.subarray(offset, offset + XERIAL_BLOCK_BYTES));
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length, 0);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  },
  async decompress(buffer) {
    if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, 8).equals(XERIAL_MAGIC)) return uncompressSync(buffer) as Buffer;
    const parts: Buffer[] = [];
    for (let offset = XERIAL_HEADER_BYTES; offset < buffer.length;) {
      const length = buffer.readInt32BE(offset);
      parts.push(uncompressSync(buffer.subarray(offset + 4, offset + 4 + length)) as Buffer);
      offset += 4 + length;
    }
    return Buffer.concat(parts);
  },
};

/** Registers the codecs in a kafkajs module (the sink's private copy, or a consumer's). */
export interface KafkajsCodecRegistry {
  readonly CompressionTypes: { readonly LZ4: number; readonly Snappy: number };
  readonly CompressionCodecs: Record<number, () => unknown>;
}

export function registerCodecs(kafkajs: KafkajsCodecRegistry): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = () => lz4Codec;
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = () => snappyCodec;
}
