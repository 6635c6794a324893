/**
 * Batch ⇄ bytes, the payload both adapters store.
 *
 * Layout: [u8 envelope version = 1][v8.serialize(batch)]. The V8 format keeps what JSON loses:
 * byte values and object identity, so the TableSchema that the records of one table share is
 * written once per batch and comes back shared. V8 stamps its own format version and reads older
 * ones, so a Node upgrade still reads old queues; the first byte is ours, for the day the envelope
 * changes (a new number, and this file keeps reading the old one).
 */
import { deserialize, serialize } from 'node:v8';
import type { ErrorContext } from '../errors.ts';
import type { Batch, Value } from '../record/index.ts';
import { QueueCorruptError } from './errors.ts';

export const CODEC_VERSION = 1;

export function encodeBatch(batch: Batch): Buffer {
  const body = serialize(batch);
  const out = Buffer.allocUnsafe(1 + body.length);
  out[0] = CODEC_VERSION;
  body.copy(out, 1);
  return out;
}

/** `where` names the stored bytes (file and offset, or Redis key and seq) for the error message. */
export function decodeBatch(bytes: Uint8Array, where: ErrorContext = {}): Batch {
  const at = describe(where);
  if (bytes.length < 2) throw new QueueCorruptError(`queue payload ${at} is ${bytes.length} bytes, too short to be a batch`, where);
  if (bytes[0] !== CODEC_VERSION) {
    throw new QueueCorruptError(
      `queue payload ${at} has format version ${bytes[0]}, this build reads version ${CODEC_VERSION}: ` +
        'was the queue written by a newer build? Run that build, or drain the queue with it first',
      where,
    );
  }
  let batch: Batch;
  try {
    batch = deserialize(bytes.subarray(1)) as Batch;
  } catch (err) {
    throw new QueueCorruptError(`queue payload ${at} does not decode as a batch`, where, err);
  }
  if (!batch || !Array.isArray(batch.records)) throw new QueueCorruptError(`queue payload ${at} decodes to something that is not a batch`, where);
  ownByteValues(batch);
  return batch;
}

/**
 * V8 hands byte values back as views into the input (and plain Uint8Array for Uint8Array input).
 * Copying them into their own Buffers keeps the contract (`Buffer` in, `Buffer` out), lets the
 * payload be freed, and stays correct when the input is a reused network buffer (Redis replies).
 */
function ownByteValues(batch: Batch): void {
  for (const record of batch.records) {
    if (record.op === 'DDL') continue;
    if (record.before) copyBytes(record.before as Value[]);
    if (record.after) copyBytes(record.after as Value[]);
  }
}

function copyBytes(row: Value[]): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v instanceof Uint8Array) row[i] = Buffer.from(v);
  }
}

function describe(where: ErrorContext): string {
  const parts = Object.entries(where).map(([k, v]) => `${k} ${v}`);
  return parts.length ? `(${parts.join(', ')})` : '';
}
