/**
 * One destination's deliverer under the task's retry windows, reading the queue from the
 * destination's cursor. Each attempt gets a new sink (a retry never inherits a failed sink's
 * buffer or connection); what the destination acknowledged lives in one DeliveryProgress for all
 * attempts, so a retry does not hand it records again. The sink's checkpoint note is kept in the
 * queue beside the destination's cursor. The local runner and the deliver functions both run
 * destinations through here.
 */
import type { Logger } from '../log.ts';
import { newDeliveryProgress, runDelivery, supervise, type BackoffOptions, type DeliveryStatus, type RetryWindows, type StoredWindow } from '../ops/index.ts';
import type { Queue } from '../queue/types.ts';
import type { ChangeRecord } from '../record/index.ts';
import type { RecordMapping } from '../mapping/index.ts';
import { loadSinkFactory, type ResolvedDestination } from '../sink/registry.ts';
import type { SinkCheckpoint } from '../sink/types.ts';

export interface DestinationRun {
  readonly queue: Queue;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly windows: RetryWindows;
  readonly backoff?: BackoffOptions;
  readonly status: DeliveryStatus;
  /** The task's per-object operation filter (null: every record). */
  readonly filter: ((record: ChangeRecord) => boolean) | null;
  /** The task's object mapping (mapping/createRecordMapping; null or absent: source names). */
  readonly mapping?: RecordMapping | null;
  /** The task's name, for formats that carry it (record ids are unique per task only). */
  readonly taskName?: string;
  /** Return once the queue has been idle this long (functions); absent: run until stopped. */
  readonly idleExitMs?: number;
  /** Keep the retry window's start in the task state (FC: it must span invocations). */
  readonly stored?: StoredWindow;
}

/** The destination's note, kept in the queue under its consumer name. */
export function queueCheckpoint(queue: Queue, consumer: string): SinkCheckpoint {
  return { read: () => queue.readNote(consumer), write: (note) => queue.writeNote(consumer, note) };
}

export async function superviseDestination(destination: ResolvedDestination, run: DestinationRun): Promise<void> {
  const { queue, signal, log, status, filter, mapping, idleExitMs } = run;
  const createSink = await loadSinkFactory(destination);
  const deps = { log, checkpoint: queueCheckpoint(queue, destination.name), taskName: run.taskName };
  const progress = newDeliveryProgress();
  await supervise((onProgress) => runDelivery({ queue, sink: createSink(destination, deps), signal, log, progress, onProgress, status, filter, mapping, idleExitMs }), {
    windows: run.windows,
    backoff: run.backoff,
    signal,
    log,
    stored: run.stored,
  });
}
