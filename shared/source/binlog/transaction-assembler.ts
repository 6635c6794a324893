/**
 * Turns the binlog's transaction framing into batches. Invariants:
 * - a batch that ends a transaction resumes after that transaction's commit; a batch cut inside a
 *   huge transaction resumes at the transaction's start (never in the middle of one);
 * - record ids are handed out in stream order from the resume point's `nextRecordId`, so a replay
 *   from a resume point reproduces the same ids, and records with ids up to `skipThrough` (already
 *   in the queue) are dropped instead of emitted twice;
 * - nothing of a rolled-back transaction is emitted.
 * No I/O: the stream feeds it calls, and `emit` receives finished batches, already in the queue's
 * payload form: each record is written into it as it is read (the open transaction's source
 * fields go in at its commit, a rollback cuts its records off), so no record object outlives its
 * rows event.
 */
import { InvariantError } from '../../errors.ts';
import { BatchBuilder } from '../../queue/codec.ts';
import type { EncodedBatch } from '../../queue/types.ts';
import { comparePositions, type DdlKind, type ResumePosition, type Row, type SnapshotCursor, type SourceInfo, type TableSchema } from '../../record/index.ts';
import type { ChunkRows } from '../snapshot/chunk-rows.ts';

export interface AssemblerOptions {
  readonly serverId: number;
  readonly serverVersion?: string;
  readonly start: ResumePosition;
  /** Records with ids up to this one are already stored; replaying them emits nothing. */
  readonly skipThrough: number;
  readonly batchMaxRecords: number;
  readonly batchMaxBytes: number;
  /** Receives each batch with the estimated bytes of its binlog rows (full-sync rows count none). */
  readonly emit: (batch: EncodedBatch, bytes: number) => void;
  /** Told of every row change as it is read (a full sync drops keys changed under its chunks). */
  readonly observeRows?: (schema: TableSchema, images: readonly { before: Row | null; after: Row | null }[]) => void;
  /** Called between transactions, before the next one opens: where full-sync rows may be placed. */
  readonly beforeTransaction?: () => void;
  /** Told of every DDL statement after `beforeTransaction` ran for it (a full sync re-reads chunks pending across it). */
  readonly observeDdl?: (kind: DdlKind, database: string, table: string) => void;
  /**
   * Tables whose changes are never records (the heartbeat table, even when the task selects its
   * database): their transactions still move the boundary and the source time, nothing else.
   */
  readonly silentTable?: (database: string, table: string) => boolean;
  /** The source time the stored queue ends at (its last batch's `sourceTimeMs`), carried on until a newer commit. */
  readonly startSourceTimeMs?: number;
  /** Told after each commit (records may now be flushed): the reader flushes at once while its queue is idle. */
  readonly afterCommit?: () => void;
}

interface OpenTransaction {
  source: { -readonly [K in keyof SourceInfo]: SourceInfo[K] };
  /** Where to restart this transaction from, with the ids it starts at. */
  restart: ResumePosition;
  seq: number;
  /** Part of it left in a batch already (the transaction is larger than a batch). */
  emittedPart: boolean;
}

export class TransactionAssembler {
  readonly #o: AssemblerOptions;
  #file: string;
  /** The last transaction boundary passed: where a reader restarts. */
  #boundary: ResumePosition;
  #nextId: number;
  #tx: OpenTransaction | null = null;
  /** The batch being filled: committed records, then the open transaction's. */
  #batch = new BatchBuilder();
  #bytes = 0;
  #pendingGtid: string | null = null;
  #lastEmittedBoundary: ResumePosition;
  #snapshot: SnapshotCursor | undefined;
  /** Commit time of the newest transaction passed (selected or not); what batches carry as `sourceTimeMs`. */
  #sourceTimeMs: number | undefined;

  constructor(options: AssemblerOptions) {
    this.#o = options;
    this.#file = options.start.file;
    this.#boundary = options.start;
    this.#lastEmittedBoundary = options.start;
    this.#nextId = options.start.nextRecordId;
    this.#snapshot = options.start.snapshot;
    this.#sourceTimeMs = options.startSourceTimeMs;
  }

  /** Where the stream stands between transactions, with the full sync's progress at that point. */
  #at(position: number, gtidSet: string | null): ResumePosition {
    const b: ResumePosition = { file: this.#file, position, gtidSet, nextRecordId: this.#nextId };
    return this.#snapshot ? { ...b, snapshot: this.#snapshot } : b;
  }

  get inTransaction(): boolean {
    return this.#tx !== null;
  }

  get bufferedRecords(): number {
    return this.#batch.count;
  }

  /** The position the stream is at between transactions (for status and lag). */
  get boundary(): ResumePosition {
    return this.#boundary;
  }

  /** A new binlog file: between transactions, its start is a valid resume point too. */
  rotate(file: string, position: number): void {
    this.#file = file;
    // The rotate that opens a dump names the file the stream is already in: never move back.
    if (this.#tx || comparePositions({ file, position }, this.#boundary) <= 0) return;
    this.#boundary = { ...this.#boundary, file, position };
  }

  /**
   * An event between transactions that carries no change (format description, GTID list, binlog
   * checkpoint): the boundary moves past it, so a quiet stream still reaches the binlog's end.
   */
  passed(nextPosition: number, gtidSet: string | null): void {
    if (this.#tx || nextPosition <= this.#boundary.position || this.#file !== this.#boundary.file) return;
    this.#boundary = this.#at(nextPosition, gtidSet ?? this.#boundary.gtidSet);
  }

  /** Full-sync progress with no rows: the boundary carries it, so the next batch stores it. */
  record(progress: SnapshotCursor): void {
    this.#snapshot = progress;
    if (!this.#tx) this.#boundary = this.#at(this.#boundary.position, this.#boundary.gtidSet);
  }

  /**
   * Rows of a full-sync chunk, placed at the current boundary (between transactions) as INIT
   * records, and the sync's progress after them. They leave in a batch of their own that resumes
   * here, so a restart neither repeats nor loses the chunk. An empty chunk still records progress.
   */
  init(schema: TableSchema | null, rows: ChunkRows, progress: SnapshotCursor, timestampMs: number): void {
    if (this.#tx) throw new InvariantError('full-sync rows can only be placed between transactions');
    if (schema === null && rows.length > 0) throw new InvariantError('full-sync rows need their table schema');
    const source: SourceInfo = { serverId: this.#o.serverId, serverVersion: this.#o.serverVersion, file: this.#file, position: this.#boundary.position, gtid: null, timestampMs, txId: null };
    let seq = 0;
    for (let i = 0; i < rows.length; i++) {
      const id = this.#nextId++;
      if (id <= this.#o.skipThrough) continue;
      // The row's image is already in the queue's layout: copied into the batch as it is.
      this.#batch.addInit(id, seq++, schema!, source, rows.buf, rows.start(i), rows.end(i));
    }
    this.#snapshot = progress;
    this.#boundary = this.#at(this.#boundary.position, this.#boundary.gtidSet);
    this.#emit(this.#boundary, true);
  }

  /** The GTID of the next transaction (a GTID event precedes BEGIN or a DDL statement). */
  gtid(gtid: string): void {
    this.#pendingGtid = gtid;
  }

  begin(timestampMs: number): void {
    if (this.#tx) return; // MariaDB: a GTID event and then a BEGIN query open the same transaction
    this.#tx = this.#open(timestampMs);
  }

  rows(op: 'INSERT' | 'UPDATE' | 'DELETE', schema: TableSchema, images: readonly { before: Row | null; after: Row | null; bytes: number }[], timestampMs: number): void {
    const tx = (this.#tx ??= this.#open(timestampMs));
    // Before ids are handed out: a silent table's rows take none, so ids stay a function of what is delivered.
    if (this.#o.silentTable?.(schema.database, schema.table)) return;
    this.#o.observeRows?.(schema, images);
    for (const image of images) {
      const id = this.#nextId++;
      const seq = tx.seq++;
      if (id <= this.#o.skipThrough) continue;
      this.#batch.add({ id, seq, op, schema, before: image.before, after: image.after, source: tx.source });
      this.#bytes += image.bytes;
      if (this.bufferedRecords >= this.#o.batchMaxRecords * 2 || this.#bytes >= this.#o.batchMaxBytes * 2) {
        // A huge transaction streams through in pieces; each piece restarts at the transaction.
        tx.emittedPart = true;
        this.#batch.commit();
        this.#emit(tx.restart, false);
        this.#batch.begin();
      }
    }
  }

  /** XID or COMMIT: the transaction is durable on the source. */
  commit(nextPosition: number, gtidSet: string | null, xid: string | null): void {
    if (this.#tx) {
      this.#tx.source.txId = xid;
      this.#sourceTimeMs = Math.max(this.#sourceTimeMs ?? 0, this.#tx.source.timestampMs);
    }
    this.#batch.commit();
    this.#tx = null;
    this.#pendingGtid = null;
    this.#boundary = this.#at(nextPosition, gtidSet);
    if (this.#batch.count >= this.#o.batchMaxRecords || this.#bytes >= this.#o.batchMaxBytes) this.flush();
    else if (this.#batch.count > 0) this.#o.afterCommit?.();
  }

  /**
   * ROLLBACK: drop what the transaction produced. Its ids are handed out again, unless part of it
   * was already emitted (a rolled-back transaction larger than a batch, which only mixed
   * non-transactional tables write): those records are stored and their ids stay used.
   */
  rollback(nextPosition: number, gtidSet: string | null): void {
    const tx = this.#tx;
    if (tx) {
      this.#batch.rollback();
      if (!tx.emittedPart) this.#nextId = tx.restart.nextRecordId;
    }
    this.#tx = null;
    this.#pendingGtid = null;
    this.#boundary = this.#at(nextPosition, gtidSet);
  }

  /** A DDL statement: its own transaction (it commits implicitly). */
  ddl(kind: DdlKind, database: string, table: string, sql: string, timestampMs: number, nextPosition: number, gtidSet: string | null): void {
    if (this.#o.silentTable?.(database, table)) {
      this.#batch.commit(); // the DDL ended an open transaction implicitly: what it wrote stays
      this.#tx = null;
      this.#sourceTimeMs = Math.max(this.#sourceTimeMs ?? 0, timestampMs);
      return this.advance(nextPosition, gtidSet);
    }
    const tx = this.#tx ?? this.#open(timestampMs);
    this.#o.observeDdl?.(kind, database, table);
    const id = this.#nextId++;
    if (id > this.#o.skipThrough) {
      this.#batch.add({ id, seq: tx.seq, op: 'DDL', kind, database, table, sql, source: tx.source });
      this.#bytes += sql.length;
    }
    this.#tx = null;
    this.commit(nextPosition, gtidSet, null);
  }

  /** A statement outside any transaction that moves the position but carries nothing to deliver. */
  advance(nextPosition: number, gtidSet: string | null): void {
    if (this.#tx) return;
    this.#pendingGtid = null;
    this.#boundary = this.#at(nextPosition, gtidSet);
  }

  /**
   * Emits what is buffered up to the last transaction boundary. With nothing buffered, emits an
   * empty batch only when `checkpoint` is set and the boundary moved, so the stored resume point
   * keeps up with a stream of changes the task does not select.
   */
  flush(checkpoint = false): void {
    if (this.#tx) return;
    if (this.#batch.count === 0) {
      if (!checkpoint || this.#samePosition(this.#boundary, this.#lastEmittedBoundary)) return;
    }
    this.#emit(this.#boundary, true);
  }

  #samePosition(a: ResumePosition, b: ResumePosition): boolean {
    return a.file === b.file && a.position === b.position && a.nextRecordId === b.nextRecordId && a.snapshot === b.snapshot;
  }

  #emit(resume: ResumePosition, endsTransaction: boolean): void {
    const batch = this.#batch;
    const bytes = this.#bytes;
    this.#batch = new BatchBuilder();
    this.#bytes = 0;
    this.#lastEmittedBoundary = resume;
    const lastRecordId = Math.max(this.#nextId - 1, this.#o.skipThrough);
    const sourceTimeMs = this.#sourceTimeMs;
    this.#o.emit(batch.finish(sourceTimeMs === undefined ? { resume, endsTransaction, lastRecordId } : { resume, endsTransaction, lastRecordId, sourceTimeMs }), bytes);
  }

  #open(timestampMs: number): OpenTransaction {
    this.#o.beforeTransaction?.();
    this.#batch.begin();
    const b = this.#boundary;
    const source = { serverId: this.#o.serverId, serverVersion: this.#o.serverVersion, file: this.#file, position: b.position, gtid: this.#pendingGtid, timestampMs, txId: null as string | null };
    return { source, restart: b, seq: 0, emittedPart: false };
  }
}
