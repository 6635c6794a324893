/**
 * One huge source transaction caught up into Kafka: the catch-up bench with all N rows inserted
 * between one BEGIN and COMMIT (multi-row INSERTs of --batch rows). The reader hands such a
 * transaction on in pieces (batches that do not end it, see Batch.endsTransaction), so the task's
 * memory stays bounded however many rows it holds. Reports seconds, rows/s and peak RSS.
 *
 *   npm run bench -- transaction [--rows 1000000] [catch-up options]
 */
import { main as catchup } from './catchup.ts';

export function main(argv: string[]): Promise<void> {
  return catchup(['--one-transaction', ...argv]);
}
