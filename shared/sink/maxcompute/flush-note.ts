/**
 * The note the MaxCompute sink keeps beside its queue cursor (SinkCheckpoint): which upload
 * sessions hold the records of the flush being committed. A flush writes it after every block is
 * uploaded and before the first commit, and rewrites it with no sessions once every commit
 * succeeded. Records `after < id <= through` belong to that flush; every earlier flush was
 * committed before this note was written.
 *
 *   { "v": 1, "after": 41, "through": 97,
 *     "sessions": [{ "table": "orders_log", "partition": [["new_dts_sync_modifytime_year","2026"], …],
 *                    "uploadId": "2026…", "blocks": [0, 1] }] }
 *
 * No row values, no credentials: table names, partition values (times) and session ids only.
 */
import { z } from 'zod';
import { SinkWriteError } from '../errors.ts';
import type { PartitionSpec } from './client-types.ts';

export interface NoteSession {
  readonly table: string;
  readonly partition: PartitionSpec;
  readonly uploadId: string;
  readonly blocks: readonly number[];
}

export interface FlushNote {
  /** Id of the last record of the flush before this one (every record up to it is committed). */
  readonly after: number;
  /** Id of the last record this flush covers. */
  readonly through: number;
  /** Sessions still to confirm; empty once every commit succeeded. */
  readonly sessions: readonly NoteSession[];
}

const noteSchema = z
  .object({
    v: z.literal(1),
    after: z.number().int().min(0),
    through: z.number().int().min(0),
    sessions: z.array(
      z
        .object({
          table: z.string().min(1),
          partition: z.array(z.tuple([z.string(), z.string()])),
          uploadId: z.string().min(1),
          blocks: z.array(z.number().int().min(0)),
        })
        .strict(),
    ),
  })
  .strict()
  .refine((n) => n.after <= n.through, { message: 'after must not exceed through' });

export function serializeNote(note: FlushNote): string {
  return JSON.stringify({ v: 1, after: note.after, through: note.through, sessions: note.sessions });
}

/** null when there is no note (a destination that never flushed). */
export function parseNote(text: string | null, sink: string): FlushNote | null {
  if (text === null || text === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = noteSchema.safeParse(json);
  if (!parsed.success) {
    throw new SinkWriteError(
      `the upload note of MaxCompute destination "${sink}" is not readable (${parsed.error.issues[0]?.message ?? 'not JSON'}); only this sink writes it, so the queue's storage was changed or damaged: restore the queue, or start the destination over with a new name and a full sync`,
      { sink },
      undefined,
      false,
    );
  }
  const { after, through, sessions } = parsed.data;
  return { after, through, sessions };
}
