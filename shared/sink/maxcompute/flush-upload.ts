/**
 * One flush, driven to its end across failures: an upload session per (table, partition) group,
 * its blocks, the note (every session and block id, written before the first commit), the commits,
 * then the note again without sessions (the flush is confirmed). A failed step rejects and the
 * next `drive()` resumes at that step with the same sessions and block ids, so a retried block PUT
 * overwrites its own block and a retried commit is first checked against the session's status:
 * rows are never committed twice. A session the server dropped (expired) is replaced by a new one
 * holding the same blocks, and the note is rewritten before any commit.
 */
import type { Logger } from '../../log.ts';
import type { SinkCheckpoint } from '../types.ts';
import type { PartitionSpec, TunnelClient, UploadSession } from './client-types.ts';
import type { BufferedGroup } from './flush-buffer.ts';
import { serializeNote, type NoteSession } from './flush-note.ts';
import { sessionAction } from './recovery.ts';
import { SinkWriteError } from '../errors.ts';

interface PendingGroup extends BufferedGroup {
  session: UploadSession | null;
  /** Blocks 0 … uploaded-1 are on the server in `session`. */
  uploaded: number;
  /** A commit was sent: its outcome is unknown until the session's status is read. */
  commitSent: boolean;
  committed: boolean;
}

export interface FlushUploadDeps {
  readonly sink: string;
  readonly tunnel: () => Promise<TunnelClient>;
  readonly checkpoint: SinkCheckpoint;
  readonly log: Logger;
  /** getUpload, null when the server does not know the session (404). */
  readonly findUpload: (tunnel: TunnelClient, table: string, partition: PartitionSpec, uploadId: string) => Promise<UploadSession | null>;
  readonly sleep: (ms: number) => Promise<void>;
}

/** How often a session the server is still committing is asked again before the flush gives up (retried later). */
const COMMIT_POLLS = 20;

export class FlushUpload {
  readonly after: number;
  readonly through: number;
  readonly #groups: PendingGroup[];
  readonly #deps: FlushUploadDeps;
  #noted = false;
  #startedAt = Date.now();

  constructor(after: number, through: number, groups: readonly BufferedGroup[], deps: FlushUploadDeps) {
    this.after = after;
    this.through = through;
    this.#groups = groups.map((g) => ({ ...g, session: null, uploaded: 0, commitSent: false, committed: false }));
    this.#deps = deps;
  }

  get rows(): number {
    return this.#groups.reduce((n, g) => n + g.rows, 0);
  }

  /** Resolves once every group is committed and the note says so. */
  async drive(): Promise<void> {
    const tunnel = await this.#deps.tunnel();
    for (let round = 0; ; round++) {
      if (round > 3) throw new SinkWriteError(`MaxCompute keeps dropping the upload sessions of destination "${this.#deps.sink}" before their commit`, { sink: this.#deps.sink });
      await this.#upload(tunnel);
      if (!this.#noted) {
        await this.#deps.checkpoint.write(serializeNote({ after: this.after, through: this.through, sessions: this.#groups.map(noteOf) }));
        this.#noted = true;
      }
      if (await this.#commit(tunnel)) break;
    }
    await this.#deps.checkpoint.write(serializeNote({ after: this.after, through: this.through, sessions: [] }));
    this.#deps.log.info('flushed to MaxCompute', {
      count: this.rows,
      sessions: this.#groups.length,
      tables: [...new Set(this.#groups.map((g) => g.table))].join(','),
      bytes: this.#groups.reduce((n, g) => n + g.blocks.reduce((m, b) => m + b.byteLength, 0), 0),
      through: this.through,
      durationMs: Date.now() - this.#startedAt,
    });
  }

  async #upload(tunnel: TunnelClient): Promise<void> {
    for (const g of this.#groups) {
      if (g.committed) continue;
      if (!g.session) {
        g.session = await tunnel.createUpload(g.table, g.partition);
        g.uploaded = 0;
        g.commitSent = false;
        this.#noted = false;
        checkSessionColumns(g, g.session, this.#deps.sink);
      }
      while (g.uploaded < g.blocks.length) {
        await tunnel.uploadBlock(g.session, g.uploaded, g.blocks[g.uploaded]!);
        g.uploaded += 1;
      }
    }
  }

  /** false: a session was dropped by the server and must be uploaded again. */
  async #commit(tunnel: TunnelClient): Promise<boolean> {
    for (const g of this.#groups) {
      if (g.committed) continue;
      const session = g.session!;
      if (g.commitSent) {
        const action = await this.#settle(tunnel, g, session);
        if (action === 'committed') {
          g.committed = true;
          continue;
        }
        if (action === 'redo') {
          this.#deps.log.warn('MaxCompute dropped an upload session before its commit: uploading its blocks again', { table: g.table, uploadId: session.uploadId });
          g.session = null;
          return false;
        }
      }
      g.commitSent = true;
      try {
        await tunnel.commit(
          session,
          g.blocks.map((_, i) => i),
        );
      } catch (err) {
        // A session the server dropped (or a commit that did land) is known at once; anything else is retried.
        const action = await this.#settle(tunnel, g, session).catch(() => null);
        if (action === 'redo') {
          this.#deps.log.warn('MaxCompute dropped an upload session before its commit: uploading its blocks again', { table: g.table, uploadId: session.uploadId });
          g.session = null;
          return false;
        }
        if (action !== 'committed') throw err;
      }
      g.committed = true;
    }
    return true;
  }

  /** The status of a session whose commit may or may not have happened. */
  async #settle(tunnel: TunnelClient, g: PendingGroup, session: UploadSession): Promise<'committed' | 'commit' | 'redo'> {
    for (let poll = 0; poll < COMMIT_POLLS; poll++) {
      const seen = await this.#deps.findUpload(tunnel, g.table, g.partition, session.uploadId);
      const action = sessionAction(noteOf(g), seen);
      if (action !== 'wait') return action;
      await this.#deps.sleep(Math.min(100 * 2 ** poll, 2000));
    }
    throw new SinkWriteError(`MaxCompute is still committing upload session ${session.uploadId} of ${g.table}; retrying`, { sink: this.#deps.sink, table: g.table });
  }
}

function noteOf(g: PendingGroup): NoteSession {
  return { table: g.table, partition: g.partition, uploadId: g.session?.uploadId ?? '', blocks: g.blocks.map((_, i) => i) };
}

const norm = (text: string) => text.replace(/\s+/g, '').toLowerCase();

/** The rows were encoded for the columns the sink synced; a session with another schema would misnumber them. */
function checkSessionColumns(g: PendingGroup, session: UploadSession, sink: string): void {
  const same = session.columns.length === g.columns.length && session.columns.every((c, i) => norm(c.name) === norm(g.columns[i]!.name) && norm(c.type) === norm(g.columns[i]!.type));
  if (!same) {
    const shape = (cols: readonly { name: string; type: string }[]) => cols.map((c) => `${c.name} ${c.type}`).join(', ');
    throw new SinkWriteError(
      `MaxCompute table ${g.table} changed while destination "${sink}" wrote to it: it has (${shape(session.columns)}), the rows are for (${shape(g.columns)}); only this task may change the tables it writes: restore the columns, then restart the task`,
      { sink, table: g.table },
      undefined,
      false,
    );
  }
}
