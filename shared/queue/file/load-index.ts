/**
 * Brings a SegmentIndex in line with the files on disk.
 *
 * - `repair` (the writer, on taking the lock): scan everything; the last segment is checksummed and
 *   a torn last frame, left by a crash mid-append, is cut off so appends continue after the last
 *   whole batch. Damage anywhere else is corruption.
 * - `observe` (a queue that is not the writer): pick up frames and segments appended since the last
 *   look. A half-written frame at the end is an append in progress: it is left for a later look.
 * - `prune` (the writer): only forget segments that retention deleted, possibly from another process.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { QueueCorruptError } from '../errors.ts';
import { hasCode } from './fs-util.ts';
import { newSegment, type Segment, type SegmentIndex } from './segment-index.ts';
import { listSegmentFiles, scanFrames, type ScanProblem } from './segment-file.ts';

export type RefreshMode = 'repair' | 'observe' | 'prune';

export async function refreshIndex(index: SegmentIndex, dir: string, mode: RefreshMode): Promise<void> {
  const files = await listSegmentFiles(dir);
  const present = new Set(files.map((f) => f.path));
  // Retention deletes from the front only, so what disappeared is a prefix.
  while (index.segments.length > 0 && !present.has(index.segments[0]!.path)) index.segments.shift();
  if (mode === 'prune') return;

  const known = index.active;
  const newer = files.filter((f) => !known || f.firstSeq > known.firstSeq);
  if (known && !(await extend(known, newer.length === 0, mode))) index.segments.pop();
  for (const [i, file] of newer.entries()) {
    const prev = index.active;
    if (prev && file.firstSeq !== prev.lastSeq + 1) {
      throw new QueueCorruptError(
        `queue segment ${file.path} starts at seq ${file.firstSeq} but ${prev.path} ends at seq ${prev.lastSeq}: ` +
          'a segment file is missing or was renamed; restore it from a backup, or move the queue directory away to start over',
        { path: file.path, seq: file.firstSeq },
      );
    }
    const segment = newSegment(file.path, file.firstSeq);
    if (await extend(segment, i === newer.length - 1, mode)) index.segments.push(segment);
  }
}

/** Scans `segment` from its known end. False when the file is gone (retention got there first). */
async function extend(segment: Segment, isLast: boolean, mode: RefreshMode): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await open(segment.path, mode === 'repair' && isLast ? 'r+' : 'r');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return false;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const verify = mode === 'repair' && isLast;
    const scan = await scanFrames(fh, segment.end, size, verify);
    for (const offset of scan.offsets) segment.offsets.push(offset);
    segment.end = scan.end;
    if (!scan.problem) return true;
    if (!isLast || !scan.problem.torn) throw corrupt(segment, scan.problem);
    if (mode === 'repair') {
      // A crash mid-append: that append never resolved, so nothing acknowledged is lost.
      await fh.truncate(scan.end);
      await fh.datasync();
    }
    return true;
  } finally {
    await fh.close();
  }
}

function corrupt(segment: Segment, problem: ScanProblem): QueueCorruptError {
  const seq = segment.firstSeq + segment.offsets.length;
  return new QueueCorruptError(
    `queue segment ${segment.path} is damaged at byte offset ${problem.offset} (seq ${seq}): ${problem.reason}. ` +
      'Batches from there on cannot be read; restore the file from a backup, or re-sync the destinations from the source',
    { path: segment.path, offset: problem.offset, seq },
  );
}
