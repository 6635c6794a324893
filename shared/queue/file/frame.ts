/**
 * A segment file is a run of frames, each
 *
 *   [u32 LE payload length][u32 LE crc32(payload)][payload]
 *
 * A length of 0 is never written (a payload holds at least the codec's version byte), so a
 * zero-filled tail left by a crash reads as a broken frame, not as an empty one.
 */
import zlib from 'node:zlib';
import { DtsError, ErrorCodes } from '../../errors.ts';

// zlib.crc32 arrived in Node 20.15 / 22.2; say so instead of failing on the first append.
const crc32: (data: Uint8Array) => number = zlib.crc32;
if (typeof crc32 !== 'function') throw new DtsError(`the file queue needs zlib.crc32: Node.js 20.15 or later (this is ${process.version})`, { code: ErrorCodes.QUEUE_IO, retriable: false });

export const FRAME_HEADER_BYTES = 8;
export const MAX_PAYLOAD_BYTES = 0xffff_ffff;

export function frameHeader(payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return header;
}

export interface FrameHeader {
  readonly length: number;
  readonly crc: number;
}

export function readFrameHeader(bytes: Uint8Array, at = 0): FrameHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + at, FRAME_HEADER_BYTES);
  return { length: view.readUInt32LE(0), crc: view.readUInt32LE(4) };
}

export function isPayloadIntact(header: FrameHeader, payload: Uint8Array): boolean {
  return header.length > 0 && payload.length === header.length && crc32(payload) === header.crc;
}
