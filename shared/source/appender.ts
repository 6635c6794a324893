/**
 * The reader's batch pump and its backpressure. Appends batches one at a time, in order. While one
 * append is in flight the next batch may fill; when a third would start, or when the slowest
 * destination is `maxLagBatches` behind, the binlog socket is paused, so memory holds at most two
 * batches whatever the stream's speed.
 */
import type { Logger } from '../log.ts';
import type { EncodedBatch, Queue } from '../queue/types.ts';
import { formatPosition } from '../record/index.ts';

/** What the appender holds back: the binlog stream's socket (binlog-stream.ts), by reason. */
export interface PausableStream {
  pause(reason: 'lag' | 'queue'): void;
  resume(reason: 'lag' | 'queue'): void;
  readonly paused: boolean;
}

export interface AppenderOptions {
  /** Consumers whose lag (in batches) holds the reader back. */
  readonly consumers: readonly string[];
  readonly maxLagBatches: number;
  /** DTS "throttling for incremental sync": waits after each batch's rows (ops/throttle.ts). */
  readonly throttle?: { afterRows(rows: number, bytes: number, signal?: AbortSignal): Promise<void> };
}

export interface AppenderDeps {
  readonly queue: Pick<Queue, 'append' | 'stats'>;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Called after each append: the reader made progress (ends a retry streak). */
  readonly onProgress?: () => void;
  /** The reader's live counters (reader.ts ReaderStatus), moved after each append. */
  readonly status?: AppenderStatus;
  /** The stream to pause; null before it exists. */
  readonly stream: () => PausableStream | null;
  /** Told when the last waiting batch is stored (group commit flushes then). */
  readonly onIdle: () => void;
}

/** The counters an append moves. */
export interface AppenderStatus {
  records: number;
  batches: number;
  /** The last stored batch's resume position, formatted. */
  position: string;
  /** Source time of the last record appended (ms), 0 before any. */
  lastSourceTimeMs: number;
  /** Whether the binlog socket was paused when the last batch was added. */
  paused: boolean;
}

export interface Appender {
  /** Rejects with the first append's failure; the appender appends nothing after it. */
  readonly failed: Promise<never>;
  /** No batch waiting or being appended. */
  readonly idle: boolean;
  /** Resolves when the appender can take another batch (full-sync chunks wait for it). */
  room(): Promise<void>;
  add(batch: EncodedBatch, bytes: number): void;
  /** Resolves when every added batch is appended (or the pump failed). */
  drain(): Promise<void>;
}

export function createAppender(options: AppenderOptions, deps: AppenderDeps): Appender {
  const { queue, log, status, stream } = deps;
  const pending: { batch: EncodedBatch; bytes: number }[] = [];
  let running: Promise<void> | null = null;
  let lagging = false;
  let moved: () => void = () => {};
  let movedOnce = new Promise<void>((r) => (moved = r));
  const tick = () => {
    moved();
    movedOnce = new Promise<void>((r) => (moved = r));
  };
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});

  async function waitForConsumers(seq: number): Promise<void> {
    if (options.consumers.length === 0) return;
    while (!deps.signal.aborted) {
      const { cursors } = await queue.stats();
      const slowest = Math.min(...options.consumers.map((c) => cursors[c] ?? 0));
      if (seq - slowest <= options.maxLagBatches) {
        lagging = false;
        return;
      }
      lagging = true;
      stream()?.pause('lag');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function pump(): Promise<void> {
    while (pending.length > 0) {
      const { batch, bytes } = pending[0]!;
      const seq = await queue.append(batch);
      pending.shift();
      deps.onProgress?.();
      if (status) {
        status.records += batch.recordCount;
        status.batches += 1;
        status.position = formatPosition(batch.resume);
        if (batch.lastSourceTimeMs !== null) status.lastSourceTimeMs = batch.lastSourceTimeMs;
      }
      await waitForConsumers(seq);
      if (options.throttle) {
        // While this waits, batches pile up to two and the binlog socket pauses.
        await options.throttle.afterRows(batch.changeCount, bytes, deps.signal);
      }
      tick();
      if (deps.signal.aborted) continue; // draining on stop: the stream stays paused
      stream()?.resume('lag');
      if (pending.length < 2) stream()?.resume('queue');
    }
  }

  let broken = false;
  function start(): void {
    running ??= pump()
      .catch((err: Error) => {
        broken = true;
        log.error('append to the queue failed', { error: err.message });
        fail(err);
      })
      .finally(() => {
        running = null;
        // A batch added after pump's loop ended but before this ran (a full-sync worker woken by
        // tick() adds in between) found `running` set: append it now, or it would wait forever.
        if (pending.length > 0 && !broken) return start();
        tick();
        deps.onIdle();
      });
  }

  return {
    failed,
    get idle(): boolean {
      return running === null && pending.length === 0;
    },
    async room(): Promise<void> {
      while ((pending.length >= 2 || lagging) && !deps.signal.aborted) await movedOnce;
    },
    add(batch: EncodedBatch, bytes: number): void {
      pending.push({ batch, bytes });
      if (pending.length >= 2) stream()?.pause('queue');
      if (status) status.paused = stream()?.paused ?? false;
      start();
    },
    async drain(): Promise<void> {
      while (running) await running;
    },
  };
}
