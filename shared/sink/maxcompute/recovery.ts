/**
 * What to do with the upload sessions of an unconfirmed flush, from what the server says about
 * each (pure; the sink asks the server and acts). The note was written after every block was
 * uploaded, so a session is in one of these states:
 * - CLOSED: the commit happened (maybe just before a crash): its rows are in the table. Never again.
 * - NORMAL holding exactly the noted blocks: uploaded, not committed: commit it now.
 * - CLOSING / COMMITTING: the server is committing: ask again.
 * - anything else (EXPIRED after 24 h, CANCELED, CRITICAL, NORMAL with other blocks, unknown to
 *   the server): nothing of it is in the table: upload its (table, partition) group again from
 *   the re-read records.
 * Records `after < id <= through` outside the groups to redo are in the table and are acknowledged
 * without being uploaded again; a crash between a commit and the cursor write thus never commits twice.
 */
import type { PartitionSpec, UploadSession } from './client-types.ts';
import type { FlushNote, NoteSession } from './flush-note.ts';

export type SessionAction = 'committed' | 'commit' | 'wait' | 'redo';

/** `observed` null: the server does not know the session. */
export function sessionAction(noted: NoteSession, observed: Pick<UploadSession, 'status' | 'blocks'> | null): SessionAction {
  if (observed === null) return 'redo';
  switch (observed.status) {
    case 'CLOSED':
      return 'committed';
    case 'CLOSING':
    case 'COMMITTING':
      return 'wait';
    case 'NORMAL':
      return sameBlocks(
        noted.blocks,
        observed.blocks.map((b) => b.blockId),
      )
        ? 'commit'
        : 'redo';
    default:
      return 'redo';
  }
}

function sameBlocks(noted: readonly number[], held: readonly number[]): boolean {
  if (noted.length !== held.length) return false;
  const a = [...noted].sort((x, y) => x - y);
  const b = [...held].sort((x, y) => x - y);
  return a.every((id, i) => id === b[i]);
}

/** The key of a (destination table, partition) group: the unit of an upload session. */
export function groupKey(table: string, partition: PartitionSpec): string {
  let key = table;
  for (const [, value] of partition) key += `\u0000${value}`;
  return key;
}

export interface RecoveryPlan {
  /** Records with `id <= skipThrough` are in the table unless their group is in `redo`. */
  readonly skipThrough: number;
  /** Records `redoAfter < id <= skipThrough` of these groups must be uploaded again. */
  readonly redoAfter: number;
  readonly redo: ReadonlySet<string>;
  /** What the destination durably holds: everything through this id. */
  readonly acknowledgedThrough: number;
}

/** Once every session has a final action (no 'wait'): which records to skip and which groups to redo. */
export function recoveryPlan(note: FlushNote | null, actions: readonly SessionAction[]): RecoveryPlan {
  if (note === null) return { skipThrough: 0, redoAfter: 0, redo: new Set(), acknowledgedThrough: 0 };
  const redo = new Set<string>();
  note.sessions.forEach((s, i) => {
    if (actions[i] === 'redo') redo.add(groupKey(s.table, s.partition));
  });
  return { skipThrough: note.through, redoAfter: note.after, redo, acknowledgedThrough: redo.size > 0 ? note.after : note.through };
}
