/**
 * One destination's deliverer under the task's retry windows, reading the queue from the
 * destination's cursor. One sink serves every attempt (each attempt connects it again), so a sink
 * that remembers what its target already took (FC) does not send it twice. The local runner and
 * the deliver functions both run destinations through here.
 */
import type { Logger } from '../log.ts';
import { runDelivery, supervise, type BackoffOptions, type DeliveryStatus, type RetryWindows } from '../ops/index.ts';
import type { Queue } from '../queue/types.ts';
import type { ChangeRecord } from '../record/index.ts';
import { createSink, type ResolvedDestination } from '../sink/registry.ts';

export interface DestinationRun {
  readonly queue: Queue;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly windows: RetryWindows;
  readonly backoff?: BackoffOptions;
  readonly status: DeliveryStatus;
  /** The task's per-object operation filter (null: every record). */
  readonly filter: ((record: ChangeRecord) => boolean) | null;
  /** Return once the queue has been idle this long (functions); absent: run until stopped. */
  readonly idleExitMs?: number;
}

export function superviseDestination(destination: ResolvedDestination, run: DestinationRun): Promise<void> {
  const { queue, signal, log, status, filter, idleExitMs } = run;
  const sink = createSink(destination, { log });
  return supervise((progress) => runDelivery({ queue, sink, signal, log, progress, status, filter, idleExitMs }), {
    windows: run.windows,
    backoff: run.backoff,
    signal,
    log,
  });
}
