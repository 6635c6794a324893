/**
 * The codecs a RecordBatch's records section may be compressed with, each applied to the whole
 * section as one block (as Kafka's clients do). The same libraries and settings kafkajs is given
 * (codecs.ts; GZIP is zlib with its defaults, as kafkajs's own), so both write the same bytes.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { compressFrame } from 'lz4-napi';
import { snappyCodec } from './codecs.ts';

export type RecordsCodec = 'none' | 'gzip' | 'snappy' | 'lz4';

const gzipAsync = promisify(gzip);

export async function compressRecords(codec: Exclude<RecordsCodec, 'none'>, records: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'gzip':
      return gzipAsync(records);
    case 'snappy':
      return snappyCodec.compress({ buffer: records });
    case 'lz4':
      // On libuv's thread pool: the delivery thread is the catch-up's limit, so it encodes the
      // next chunk meanwhile. Same frame bytes as the synchronous call kafkajs's codec makes.
      return compressFrame(records);
  }
}
