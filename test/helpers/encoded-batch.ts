/** Batches in the reader's stored form (what the assembler emits and the appender takes), and back. */
import { BatchBuilder, decodeBatch } from '../../shared/queue/codec.ts';
import type { EncodedBatch } from '../../shared/queue/types.ts';
import type { Batch } from '../../shared/record/index.ts';

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
