/**
 * Reads stored batches by seq through the index: one positioned read per frame, checksum verified,
 * records decoded when first asked for (codec.ts storedEntry). Only batches the index knows are
 * read, and the writer adds a batch to the index after its fsync, so a reader in the writer's
 * process never sees a batch before it is durable.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { storedEntry } from '../codec.ts';
import { QueueCorruptError } from '../errors.ts';
import { isReadFull, type ReadLimits } from '../read-limits.ts';
import type { QueueEntry } from '../types.ts';
import { FRAME_HEADER_BYTES, isPayloadIntact, readFrameHeader } from './frame.ts';
import { readExactly } from './fs-util.ts';
import type { SegmentIndex } from './segment-index.ts';

/** Entries after `afterSeq` up to the limits. The caller checks afterSeq against the retained range. */
export async function readFrames(index: SegmentIndex, afterSeq: number, limits: ReadLimits): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  const handles = new Map<string, FileHandle>();
  let records = 0;
  let bytes = 0;
  try {
    for (let seq = afterSeq + 1; seq <= index.lastSeq && !isReadFull(limits, entries.length, records, bytes); seq++) {
      const at = index.locate(seq);
      if (!at) break;
      const { path } = at.segment;
      let fh = handles.get(path);
      if (!fh) handles.set(path, (fh = await open(path, 'r')));
      const where = { path, offset: at.offset, seq };
      const frame = await readExactly(fh, at.offset, at.length);
      if (!frame || at.length < FRAME_HEADER_BYTES) {
        throw new QueueCorruptError(`queue segment ${path} ends before seq ${seq} at byte offset ${at.offset}: the file was truncated outside the queue`, where);
      }
      const header = readFrameHeader(frame);
      if (!isPayloadIntact(header, frame.subarray(FRAME_HEADER_BYTES))) {
        throw new QueueCorruptError(
          `queue segment ${path} fails its checksum at byte offset ${at.offset} (seq ${seq}): the bytes on disk are not what was written; ` +
            'restore the file from a backup, or re-sync the destinations from the source',
          where,
        );
      }
      const stored = storedEntry(seq, frame.subarray(FRAME_HEADER_BYTES), where);
      entries.push(stored.entry);
      records += stored.records;
      bytes += at.length;
    }
  } finally {
    await Promise.all([...handles.values()].map((fh) => fh.close()));
  }
  return entries;
}
