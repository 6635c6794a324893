/**
 * The queue is the checkpoint: an ordered, durable log of batches between the reader and every
 * destination. `append` resolves only once the batch is durable; the reader resumes from the last
 * appended batch. Each destination (consumer) reads from its own cursor and commits it only after
 * the destination acknowledged, and may keep a small note beside it (the sink's own checkpoint).
 * Retention drops batches every registered consumer has committed.
 */
import type { Batch, ResumePosition } from '../record/index.ts';

/** A stored batch and its sequence number: 1, 2, 3 … with no gaps, in append order. */
export interface QueueEntry {
  readonly seq: number;
  readonly batch: Batch;
}

/**
 * A batch already in its stored form (codec.ts `BatchBuilder`): the reader writes each record
 * into the payload as it reads it, and hands the queue bytes.
 */
export interface EncodedBatch {
  readonly payload: Buffer;
  readonly resume: ResumePosition;
  readonly recordCount: number;
  /** Records other than full-sync rows (INIT): what the incremental throttle counts. */
  readonly changeCount: number;
  /** Source commit time of the last record, null when the batch holds none. */
  readonly lastSourceTimeMs: number | null;
}

export interface ReadOptions {
  /** At most this many batches (default 64). */
  maxBatches?: number;
  /** Stop adding batches once this many records are collected (at least one batch is returned). */
  maxRecords?: number;
  /**
   * Stop adding batches once their stored payloads reach this many bytes (at least one batch is
   * returned; default 8 MiB): what a read holds decoded stays bounded whatever the rows' sizes.
   */
  maxBytes?: number;
  /** When nothing is available, wait up to this long for an append (default 0: return at once). */
  waitMs?: number;
  /** Ends a wait early (shutdown): the read resolves with what it has, usually [], and does not reject. */
  signal?: AbortSignal;
}

export interface QueueStats {
  /** Sequence number of the last appended batch (0 when empty). */
  readonly lastSeq: number;
  /** Sequence number of the oldest batch still stored (lastSeq + 1 when empty). */
  readonly firstSeq: number;
  /** Committed cursor per registered consumer. */
  readonly cursors: Readonly<Record<string, number>>;
}

export interface Queue {
  /** Stores a batch durably and returns its sequence number. One writer per queue. */
  append(batch: Batch | EncodedBatch): Promise<number>;
  /** The last appended entry, or null for an empty queue: where the reader resumes. */
  last(): Promise<QueueEntry | null>;
  /** Entries with seq > afterSeq, in order. Throws if afterSeq + 1 was already dropped by retention. */
  read(afterSeq: number, options?: ReadOptions): Promise<QueueEntry[]>;
  /** The consumer's committed cursor: the seq of the last batch it finished (0 before any). */
  cursor(consumer: string): Promise<number>;
  /**
   * Moves the consumer's cursor forward (never back: a lower seq is ignored) and lets retention drop
   * what all consumers passed. A seq past the last appended batch is a QueueRangeError.
   */
  commit(consumer: string, seq: number): Promise<void>;
  /**
   * The consumer's note: a small text its sink keeps beside the cursor (e.g. the upload sessions of
   * a flush being committed), or null when it has none. It lasts like the cursor does.
   */
  readNote(consumer: string): Promise<string | null>;
  /**
   * Replaces the consumer's note durably and atomically: after a crash it reads back as the old
   * text or the new one, never a mix. `null` deletes it. One writer per consumer (its deliverer).
   */
  writeNote(consumer: string, note: string | null): Promise<void>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

export interface QueueOptions {
  /**
   * Consumers whose cursors hold back retention. A consumer without a committed cursor holds
   * everything from the start, so a destination added later still sees every stored batch.
   */
  consumers: readonly string[];
}
