import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, frameHeader, isPayloadIntact, readFrameHeader } from '../../../../shared/queue/file/frame.ts';

describe('frame header', () => {
  it('is [u32 LE length][u32 LE crc32] of the payload', () => {
    const payload = Buffer.from('hello, queue');
    const header = frameHeader(payload);
    expect(header.length).toBe(FRAME_HEADER_BYTES);
    expect(header.readUInt32LE(0)).toBe(12);
    expect(header.readUInt32LE(4)).toBe(crc32(payload));
    // crc32 check value of the standard (IEEE, zlib) polynomial
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(readFrameHeader(Buffer.concat([Buffer.alloc(3), header]), 3)).toEqual({ length: 12, crc: crc32(payload) });
  });

  it('accepts the payload it was made for and nothing else', () => {
    const payload = Buffer.from([1, 2, 3, 4]);
    const header = readFrameHeader(frameHeader(payload));
    expect(isPayloadIntact(header, payload)).toBe(true);
    expect(isPayloadIntact(header, Buffer.from([1, 2, 3, 5]))).toBe(false);
    expect(isPayloadIntact(header, payload.subarray(0, 3))).toBe(false);
    expect(isPayloadIntact({ length: 0, crc: 0 }, Buffer.alloc(0))).toBe(false); // zero-filled is never a frame
  });
});
