/**
 * Batch ⇄ bytes, the payload both adapters store. The first byte is the envelope version:
 * - 2 (written): our own binary layout, codec/batch-v2.ts: one pass, values tagged by kind, each
 *   source and table schema written once per batch and shared again after reading;
 * - 1 (read only): `v8.serialize(batch)`, codec/batch-v1.ts, so a queue written before the upgrade
 *   drains. A build that only knows version 1 cannot read version 2: drain before downgrading.
 */
import type { ErrorContext } from '../errors.ts';
import { InvariantError } from '../errors.ts';
import type { Batch, ChangeRecord, SourceInfo, TableSchema } from '../record/index.ts';
import type { EncodedBatch, QueueEntry } from './types.ts';
import { PayloadCorruption } from './codec/byte-reader.ts';
import { decodeV1, V1 } from './codec/batch-v1.ts';
import { BatchV2Builder, decodeV2, encodeV2, recordCountV2, V2, type BatchHead } from './codec/batch-v2.ts';
import { UnstorableValueError } from './codec/tagged-value.ts';
import { QueueCorruptError } from './errors.ts';

export const CODEC_VERSION = V2;

/** The payload for one batch. A value the layout cannot hold (never produced by the source) is an InvariantError. */
export function encodeBatch(batch: Batch | EncodedBatch): Buffer {
  return 'payload' in batch ? batch.payload : storable(() => encodeV2(batch));
}

/** A batch written record by record as the reader reads them (codec/batch-v2.ts BatchV2Builder), in the current payload version. */
export class BatchBuilder {
  readonly #b = new BatchV2Builder();

  get count(): number {
    return this.#b.count;
  }

  /** Records added from here to `commit` or `rollback` belong to one transaction (a rollback drops them). */
  begin(): void {
    this.#b.begin();
  }

  add(record: ChangeRecord): void {
    storable(() => this.#b.add(record));
  }

  /** A full-sync row already in the payload's layout (BatchV2Builder#addInit). */
  addInit(id: number, seq: number, schema: TableSchema, source: SourceInfo, image: Buffer, start: number, end: number): void {
    storable(() => this.#b.addInit(id, seq, schema, source, image, start, end));
  }

  commit(): void {
    storable(() => this.#b.commit());
  }

  rollback(): void {
    this.#b.rollback();
  }

  finish(head: BatchHead): EncodedBatch {
    return storable(() => this.#b.finish(head));
  }
}

function storable<T>(write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof UnstorableValueError) throw new InvariantError(`the queue cannot store a batch: ${err.message}`);
    throw err;
  }
}

/** `where` names the stored bytes (file and offset, or Redis key and seq) for the error message. */
export function decodeBatch(bytes: Uint8Array, where: ErrorContext = {}): Batch {
  const at = describe(where);
  if (bytes.length < 2) throw new QueueCorruptError(`queue payload ${at} is ${bytes.length} bytes, too short to be a batch`, where);
  const version = bytes[0];
  if (version === V2) return readV2(bytes, where, decodeV2);
  if (version !== V1) {
    throw new QueueCorruptError(
      `queue payload ${at} has format version ${version}, this build reads versions ${V1} and ${V2}: ` + 'was the queue written by a newer build? Run that build, or drain the queue with it first',
      where,
    );
  }
  let batch: Batch;
  try {
    batch = decodeV1(bytes);
  } catch (err) {
    throw new QueueCorruptError(`queue payload ${at} does not decode as a batch`, where, err);
  }
  if (!batch || !Array.isArray(batch.records)) throw new QueueCorruptError(`queue payload ${at} decodes to something that is not a batch`, where);
  return batch;
}

/**
 * A stored batch as a read returns it: its record count comes from the header, its records are
 * decoded when `batch` is first read. A read made ahead (the deliverer's next one) then holds
 * bytes, not thousands of objects that would outlive young-generation collections.
 */
export function storedEntry(seq: number, payload: Uint8Array, where: ErrorContext = {}): { entry: QueueEntry; records: number } {
  if (payload.length < 2 || payload[0] !== V2) {
    const batch = decodeBatch(payload, where);
    return { entry: { seq, batch }, records: batch.records.length };
  }
  const records = readV2(payload, where, recordCountV2);
  let batch: Batch | null = null;
  const entry: QueueEntry = {
    seq,
    get batch(): Batch {
      return (batch ??= readV2(payload, where, decodeV2));
    },
  };
  return { entry, records };
}

/** `read` over a version 2 payload; what it finds corrupt becomes a QueueCorruptError naming the bytes and where they came from. */
function readV2<T>(bytes: Uint8Array, where: ErrorContext, read: (buf: Buffer) => T): T {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return read(buf);
  } catch (err) {
    if (!(err instanceof PayloadCorruption)) throw err;
    throw new QueueCorruptError(`queue payload ${describe(where)} is corrupt at byte ${err.offset} of ${bytes.length}: ${err.message}`, where, err);
  }
}

function describe(where: ErrorContext): string {
  const parts = Object.entries(where).map(([k, v]) => `${k} ${v}`);
  return parts.length ? `(${parts.join(', ')})` : '';
}
