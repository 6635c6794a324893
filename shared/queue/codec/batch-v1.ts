/**
 * Queue payload version 1: `v8.serialize(batch)` after the version byte. No longer written; read so
 * that a queue written before the upgrade to version 2 drains.
 */
import { deserialize } from 'node:v8';
import type { Batch, Value } from '../../record/index.ts';

export const V1 = 1;

/** Throws whatever V8 throws for bytes it cannot read; the codec names the payload. */
export function decodeV1(bytes: Uint8Array): Batch {
  const batch = deserialize(bytes.subarray(1)) as Batch;
  if (batch && Array.isArray(batch.records)) ownByteValues(batch);
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
  if (batch.resume) ownNested(batch.resume);
}

/** The resume position's full-sync cursor holds key values (bytes for binary keys) deep inside. */
function ownNested(v: object): void {
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const x = o[key];
    if (x instanceof Uint8Array) o[key] = Buffer.from(x);
    else if (typeof x === 'object' && x !== null) ownNested(x);
  }
}

function copyBytes(row: Value[]): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v instanceof Uint8Array) row[i] = Buffer.from(v);
  }
}
