/** Batches in the reader's stored form (what the assembler emits and the appender takes), and back. */
import { BatchBuilder, decodeBatch } from '../../shared/queue/codec.ts';
import type { EncodedBatch } from '../../shared/queue/types.ts';
import type { Batch, RowRecord } from '../../shared/record/index.ts';
import { StoredRowRecord } from '../../shared/queue/codec/stored-row-record.ts';

/** The batch as the reader hands it to the queue. */
export function encoded(batch: Batch): EncodedBatch {
  const builder = new BatchBuilder();
  for (const record of batch.records) builder.add(record);
  return builder.finish(batch);
}

/** What a deliverer reads back from the stored form. */
export function decoded(batch: EncodedBatch): Batch {
  return decodeBatch(batch.payload);
}

/**
 * The batch with plain row records: a decoded row record keeps its images as stored bytes behind
 * getters (StoredRowRecord), which a structured clone or `v8.serialize` would drop.
 */
export function plainBatch(batch: Batch): Batch {
  return { ...batch, records: batch.records.map((r) => (r instanceof StoredRowRecord ? r.toJSON() : r)) };
}

/** Where a stored record's images lie in its payload (StoredRowRecord's accessors in one object); null for any other record. */
export function storedImagesOf(record: RowRecord): { bytes: Buffer; beforeAt: number; afterAt: number } | null {
  const bytes = StoredRowRecord.bytesOf(record);
  if (bytes === null) return null;
  const stored = record as StoredRowRecord;
  return { bytes, beforeAt: StoredRowRecord.beforeAtOf(stored), afterAt: StoredRowRecord.afterAtOf(stored) };
}
