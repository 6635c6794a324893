/**
 * Places full-sync chunks into the binlog stream (the DBLog idea, with positions as watermarks):
 * a chunk read at binlog position H joins the stream at the first transaction boundary at or after
 * H, so every change after H follows it. Keys the stream changed since the run started (from the
 * run's first position up to the moment the chunk joins) are dropped from it: the stream already
 * delivered their image as of H, so each row arrives exactly once, either copied (unchanged since
 * the run started) or through its changes, never twice and never older than the stream. This also
 * makes MySQL's H exact in effect: read just after the snapshot starts, it may be later than the
 * snapshot's true point, and every commit in between is a change the stream delivers and the chunk
 * drops (see changed-keys.ts for the memory this takes).
 * A DDL on the table that passes through the stream while a chunk is pending makes the chunk stale:
 * its rows have the shape of before the DDL but would join after it (and MariaDB's instant ALTERs
 * let an older snapshot read the table without an error), so the chunk is not placed and its
 * worker reads the same range again, after the DDL. DDLs are rare; the re-read is one chunk.
 * Progress (the cursor) changes only here, in stream order, and travels with the batches.
 */
import { comparePositions, type DdlKind, type ResumePosition, type Row, type SnapshotCursor, type TableSchema, type TableSnapshot } from '../../record/index.ts';
import { ChangedKeys, sameNames } from './changed-keys.ts';
import type { Chunk } from './chunk-reader.ts';
import { ChunkRows } from './chunk-rows.ts';
import { keyString } from './key-sql.ts';

/** What the merger needs of the assembler: its boundary and a way to place rows there. */
export interface MergeTarget {
  readonly inTransaction: boolean;
  readonly boundary: ResumePosition;
  init(schema: TableSchema | null, rows: ChunkRows, progress: SnapshotCursor, timestampMs: number): void;
  /** Progress without rows (a run starts, a table is planned): stored with the next batch. */
  record(progress: SnapshotCursor): void;
}

interface Pending {
  /** `db.table` whose changes are watched, or null for a progress-only step. */
  readonly table: string | null;
  readonly touched: Set<string>;
  /** A DDL on the table passed while the chunk was pending: its rows may have the old shape. */
  stale: boolean;
  ready: { chunk: Chunk; apply: (cursor: SnapshotCursor, rows: number) => SnapshotCursor } | null;
  readonly merged: (outcome: MergeOutcome) => void;
}

/** `placed`: the rows are in the stream and the cursor moved; `stale`: nothing placed, read the range again. */
export type MergeOutcome = 'placed' | 'stale';

export interface PendingHandle {
  /** Settles once the chunk is in the stream (and so in the next batch appended), or was found stale. */
  readonly merged: Promise<MergeOutcome>;
}

const NO_WATERMARK = { file: '', position: 0 };

export class ChunkMerger {
  #cursor: SnapshotCursor | null;
  /** Undefined only while the reader is still being put together. */
  readonly #target: () => MergeTarget | undefined;
  readonly #pending: Pending[] = [];
  readonly #keyIndexes = new WeakMap<TableSchema, { key: readonly string[]; indexes: number[] | null }>();
  /** Keys the stream changed since the run started, per table of the run not copied yet. */
  readonly #changed: ChangedKeys;
  /** The run's tables as a set (row events ask for every row). */
  #runTables: { list: readonly string[]; names: Set<string> } | null = null;
  readonly #onMerged: (cursor: SnapshotCursor) => void;
  readonly #now: () => number;
  #ddlsSeen = 0;

  constructor(
    cursor: SnapshotCursor | null,
    target: () => MergeTarget | undefined,
    onMerged: (cursor: SnapshotCursor) => void,
    now: () => number = Date.now,
    changed: ChangedKeys = new ChangedKeys(),
  ) {
    this.#cursor = cursor;
    this.#changed = changed;
    this.#target = target;
    this.#onMerged = onMerged;
    this.#now = now;
  }

  /** The progress as of the last chunk placed in the stream (plus the table being planned). */
  get cursor(): SnapshotCursor | null {
    return this.#cursor;
  }

  get pendingChunks(): number {
    return this.#pending.length;
  }

  /** How many DDL statements the stream has passed: chunk readers keep a table's shape while this stays put. */
  get ddlsSeen(): number {
    return this.#ddlsSeen;
  }

  /**
   * A new run, or the next table's plan: takes effect now and travels with the next batch, so a
   * run that has not placed a chunk yet is not forgotten if the reader stops.
   */
  replace(cursor: SnapshotCursor): void {
    // A new run starts here: what the stream changed before it is the destination's, not the run's concern.
    if (cursor.runId !== this.#cursor?.runId) this.#changed.clear();
    this.#cursor = cursor;
    this.#target()?.record(cursor);
  }

  /**
   * Call before a chunk's SELECT starts: from here on, changes to its table are watched. `cancel`
   * drops a chunk that will never be ready (a read ahead whose predecessor was stale, a failed read).
   */
  register(table: string | null): { handle: PendingHandle; ready: (chunk: Chunk, apply: (cursor: SnapshotCursor, rows: number) => SnapshotCursor) => void; cancel: () => void } {
    let merged!: (outcome: MergeOutcome) => void;
    const promise = new Promise<MergeOutcome>((resolve) => (merged = resolve));
    const pending: Pending = { table, touched: new Set(), stale: false, ready: null, merged };
    this.#pending.push(pending);
    return {
      handle: { merged: promise },
      ready: (chunk, apply) => {
        pending.ready = { chunk, apply };
        this.tryMerge();
      },
      cancel: () => {
        const i = this.#pending.indexOf(pending);
        if (i < 0 || pending.ready) return;
        this.#pending.splice(i, 1);
        merged('stale');
      },
    };
  }

  /** Records a progress step (a finished run) that needs no rows; it is stored with the next batch. */
  progress(apply: (cursor: SnapshotCursor) => SnapshotCursor): Promise<void> {
    const { handle, ready } = this.register(null);
    ready({ schema: null as unknown as TableSchema, rows: ChunkRows.empty, bytes: 0, high: NO_WATERMARK, lastKey: null, last: true }, (c) => apply(c));
    return handle.merged.then(() => undefined);
  }

  /**
   * A DDL as the stream reads it, after the chunks ready before it were placed (the assembler calls
   * this once the statement's transaction opened): pending chunks of the table it touches become
   * stale. A database-level statement touches every table of its database; a RENAME (whose other
   * names are not classified) touches every table.
   */
  observeDdl(kind: DdlKind, database: string, table: string): void {
    this.#ddlsSeen++;
    const name = `${database}.${table}`;
    const touches = (watched: string): boolean => {
      if (kind === 'RENAME_TABLE') return true;
      if (kind.endsWith('_DATABASE')) return watched.startsWith(`${database}.`);
      return watched === name;
    };
    for (const p of this.#pending) if (p.table !== null && touches(p.table)) p.stale = true;
  }

  /** Row images as the stream reads them: keys of watched tables are remembered. */
  observe(schema: TableSchema, images: readonly { before: Row | null; after: Row | null }[]): void {
    const name = `${schema.database}.${schema.table}`;
    const tracked = this.#tracks(name);
    const watching = this.#pending.filter((p) => p.table === name);
    if (watching.length === 0 && !tracked) return;
    const { key, indexes } = this.#indexesOf(schema);
    for (const image of images) {
      for (const row of [image.before, image.after]) {
        if (!row) continue;
        // Without the key's columns (the table was altered), drop the whole chunk's rows by marking all.
        const k = indexes ? keyString(indexes.map((i) => row[i]!)) : '*';
        for (const p of watching) p.touched.add(k);
        if (tracked && indexes) this.#changed.add(name, key, k);
      }
    }
  }

  /** Whether the stream's changes to this table still matter to the run: it is in the run and not copied yet. */
  #tracks(name: string): boolean {
    const c = this.#cursor;
    if (!c || c.completedAtMs !== null || name in c.finished) return false;
    if (c.listPending === true) return true;
    if (this.#runTables?.list !== c.tables) this.#runTables = { list: c.tables, names: new Set(c.tables) };
    return this.#runTables.names.has(name);
  }

  /** Lets stale chunks go, then places every ready chunk whose watermark the stream has passed, in registration order per range. */
  tryMerge(): void {
    // Stale chunks place nothing, so they leave at once, even inside a transaction.
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const p = this.#pending[i]!;
      if (p.ready && p.stale) {
        this.#pending.splice(i, 1);
        p.merged('stale');
      }
    }
    const target = this.#target();
    if (!target || target.inTransaction || !this.#cursor) return;
    for (let i = 0; i < this.#pending.length;) {
      const p = this.#pending[i]!;
      if (!p.ready || comparePositions(target.boundary, p.ready.chunk.high) < 0) {
        i++;
        continue;
      }
      this.#pending.splice(i, 1);
      const { chunk, apply } = p.ready;
      const rows = this.#withoutChanged(chunk, p);
      this.#cursor = apply(this.#cursor, rows.length);
      for (const table of this.#changed.tables()) if (table in this.#cursor.finished) this.#changed.forget(table);
      target.init(chunk.schema, rows, this.#cursor, this.#now());
      this.#onMerged(this.#cursor);
      p.merged('placed');
    }
  }

  /** The chunk's rows without the keys changed while it was pending or, before that, since the run started. */
  #withoutChanged(chunk: Chunk, p: Pending): ChunkRows {
    if (p.table === null) return chunk.rows;
    if (p.touched.has('*')) return ChunkRows.empty;
    const table = p.table;
    // The common case, a table nobody writes to during its copy: no key to build per row.
    if (p.touched.size === 0 && !this.#changed.holds(table)) return chunk.rows;
    const { key, indexes } = this.#indexesOf(chunk.schema);
    if (!indexes) return p.touched.size === 0 ? chunk.rows : ChunkRows.empty;
    const kept: number[] = [];
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows.row(i);
      const k = keyString(indexes.map((j) => row[j]!));
      if (!p.touched.has(k) && !this.#changed.has(table, key, k)) kept.push(i);
    }
    return chunk.rows.pick(kept);
  }

  /** Positions of the chunk key's columns in rows of this shape (the plan's key, in key order, else the table's). */
  #indexesOf(schema: TableSchema): { key: readonly string[]; indexes: number[] | null } {
    const key = this.#keyOf(`${schema.database}.${schema.table}`) ?? schema.pkNames;
    const cached = this.#keyIndexes.get(schema);
    if (cached && sameNames(cached.key, key)) return cached;
    const found = key.map((k) => schema.columns.findIndex((c) => c.name === k));
    const entry = { key, indexes: key.length > 0 && found.every((i) => i >= 0) ? found : null };
    this.#keyIndexes.set(schema, entry);
    return entry;
  }

  #keyOf(table: string): readonly string[] | null {
    const current: TableSnapshot | null | undefined = this.#cursor?.current;
    return current && `${current.database}.${current.table}` === table ? current.key : null;
  }
}
