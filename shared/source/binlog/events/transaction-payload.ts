/**
 * TRANSACTION_PAYLOAD_EVENT (type 40): with binlog_transaction_compression=ON, MySQL 8.0.20+ writes a
 * whole transaction's events (QUERY BEGIN, TABLE_MAP, rows events, XID) compressed into one event.
 *
 * Body layout (after the 19-byte common header; the file's CRC32, if any, covers the whole event):
 *   header fields, each:  type (length-encoded int), length (length-encoded int), value (`length`
 *                         bytes holding a length-encoded int); type 0 ends the list and has no length.
 *     1 PAYLOAD_SIZE       bytes of compressed payload that follow the header fields
 *     2 COMPRESSION_TYPE   0 = ZSTD, 255 = NONE
 *     3 UNCOMPRESSED_SIZE  bytes of the inner events once decompressed
 *   payload:              PAYLOAD_SIZE bytes; decompressed, a run of whole v4 events, each with its
 *                         19-byte header (log_pos 0) and NO checksum of its own (checked on the
 *                         fixtures: the inner sizes add up to UNCOMPRESSED_SIZE with no CRC bytes).
 *
 * The inner events are yielded one at a time while the payload is decompressed block by block, so a
 * large transaction is never held both whole-compressed and whole-decompressed beyond the event itself.
 * fzstd (pure JS, MIT) decodes the standard zstd frames MySQL writes; Node 20 has no built-in zstd.
 */
import { Decompress } from 'fzstd';
import { ByteCursor } from './byte-cursor.ts';
import { EVENT_HEADER_LENGTH, readEventHeader, type RawEvent } from './event-header.ts';
import { MalformedEventError } from './event-errors.ts';

export const CompressionType = { ZSTD: 0, NONE: 255 } as const;

const FIELD_END = 0;
const FIELD_PAYLOAD_SIZE = 1;
const FIELD_COMPRESSION_TYPE = 2;
const FIELD_UNCOMPRESSED_SIZE = 3;
/** Compressed bytes handed to the decompressor at a time: bounds the output held before it is yielded. */
const FEED_CHUNK = 16 * 1024;

export interface TransactionPayload {
  readonly compressionType: number;
  readonly payloadSize: number;
  readonly uncompressedSize: number;
  /** The compressed (or, for NONE, plain) payload bytes: a view into the event body. */
  readonly payload: Buffer;
}

/** Reads the header fields of a TRANSACTION_PAYLOAD body (checksum already removed). */
export function parseTransactionPayload(body: Buffer): TransactionPayload {
  const c = new ByteCursor(body);
  let payloadSize: number | null = null;
  let compressionType: number | null = null;
  let uncompressedSize: number | null = null;
  for (;;) {
    const field = c.packed('payload header field type');
    if (field === FIELD_END) break;
    const length = c.packed('payload header field length');
    const value = new ByteCursor(c.bytes(length, 'payload header field value'));
    // Unknown field types are skipped by length: newer servers may add fields.
    if (field === FIELD_PAYLOAD_SIZE) payloadSize = value.packed('payload_size');
    else if (field === FIELD_COMPRESSION_TYPE) compressionType = value.packed('compression_type');
    else if (field === FIELD_UNCOMPRESSED_SIZE) uncompressedSize = value.packed('uncompressed_size');
  }
  if (payloadSize === null || compressionType === null) {
    throw new MalformedEventError('TRANSACTION_PAYLOAD event lacks its payload_size or compression_type field; the binlog is damaged or from an unknown server version');
  }
  if (compressionType !== CompressionType.ZSTD && compressionType !== CompressionType.NONE) {
    throw new MalformedEventError(`TRANSACTION_PAYLOAD uses compression type ${compressionType}; only ZSTD (0) and NONE (255) exist in MySQL 8.0/8.4/9.x`);
  }
  if (payloadSize !== c.remaining) {
    throw new MalformedEventError(`TRANSACTION_PAYLOAD declares ${payloadSize} payload bytes but carries ${c.remaining}; the event is damaged`);
  }
  const payload = c.bytes(payloadSize, 'payload');
  return { compressionType, payloadSize, uncompressedSize: uncompressedSize ?? payloadSize, payload };
}

/** Cuts whole events off the front of a growing byte stream. */
class EventSplitter {
  #carry: Buffer = Buffer.alloc(0);
  total = 0;

  *push(chunk: Uint8Array): Generator<RawEvent> {
    this.total += chunk.length;
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const buf = this.#carry.length === 0 ? view : Buffer.concat([this.#carry, view]);
    let at = 0;
    while (buf.length - at >= EVENT_HEADER_LENGTH) {
      const header = readEventHeader(buf, at);
      if (header.eventSize < EVENT_HEADER_LENGTH) throw new MalformedEventError(`Inner event of a TRANSACTION_PAYLOAD declares size ${header.eventSize}, smaller than its header`);
      if (buf.length - at < header.eventSize) break;
      yield { header, body: buf.subarray(at + EVENT_HEADER_LENGTH, at + header.eventSize) };
      at += header.eventSize;
    }
    // Copy the partial event so the consumed chunk can be freed.
    this.#carry = Buffer.from(buf.subarray(at));
  }

  get leftover(): number {
    return this.#carry.length;
  }
}

/**
 * The inner events of a TRANSACTION_PAYLOAD body, in order, each a whole event with its header and
 * no checksum. Throws if the decompressed size or the event boundaries do not match the header.
 */
export function* transactionPayloadEvents(body: Buffer): Generator<RawEvent> {
  const p = parseTransactionPayload(body);
  const splitter = new EventSplitter();
  if (p.compressionType === CompressionType.NONE) {
    yield* splitter.push(p.payload);
  } else {
    const out: Uint8Array[] = [];
    const zstd = new Decompress((data) => {
      out.push(data);
    });
    for (let at = 0; at < p.payload.length; at += FEED_CHUNK) {
      const end = Math.min(at + FEED_CHUNK, p.payload.length);
      try {
        zstd.push(p.payload.subarray(at, end), end === p.payload.length);
      } catch (err) {
        throw new MalformedEventError(`TRANSACTION_PAYLOAD zstd data is corrupt (${(err as Error).message}); the binlog is damaged`, undefined, err);
      }
      while (out.length > 0) yield* splitter.push(out.shift()!);
    }
  }
  if (splitter.leftover !== 0) {
    throw new MalformedEventError(`TRANSACTION_PAYLOAD ends inside an inner event (${splitter.leftover} bytes left over); the binlog is damaged`);
  }
  if (splitter.total !== p.uncompressedSize) {
    throw new MalformedEventError(`TRANSACTION_PAYLOAD decompressed to ${splitter.total} bytes but declares ${p.uncompressedSize}; the binlog is damaged`);
  }
}
