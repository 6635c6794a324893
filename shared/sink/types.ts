/**
 * A destination. One essential method: `deliver` takes the next records in queue order and says
 * which prefix of everything it took the destination now durably holds. A sink that writes through
 * (Kafka, FC) acknowledges each call's records before it resolves; a sink that buffers (MaxCompute
 * uploads one commit per flush) acknowledges them later, on a later call or on `flush`.
 * Cursors, in-flight batches and the skip of already acknowledged records after a retry live
 * outside sinks, written once (ops/delivery.ts, with queue/inflight.ts).
 */
import type { Logger } from '../log.ts';
import type { ChangeRecord } from '../record/index.ts';

export interface DeliverOptions {
  /** Make everything taken so far durable before resolving (the loop is idle or about to stop). */
  readonly flush?: boolean;
}

/**
 * What the destination holds after a call. Record ids only grow, so one id names the prefix:
 * every record taken with `id <= acknowledgedThrough` is durable at the destination.
 * `failure` set: the call failed after that prefix; the loop keeps the prefix and retries the rest.
 */
export interface Acknowledgement {
  /** Id of the last record durably held (0 when nothing yet). */
  readonly acknowledgedThrough: number;
  readonly failure?: unknown;
}

/**
 * A small note the sink keeps beside its queue cursor (MaxCompute: the upload sessions of a flush
 * being committed), read back after a restart. Written atomically; null clears it.
 */
export interface SinkCheckpoint {
  read(): Promise<string | null>;
  write(note: string | null): Promise<void>;
}

export interface SinkDeps {
  readonly log: Logger;
  readonly checkpoint: SinkCheckpoint;
  readonly now?: () => number;
  /** The task's name, for formats with a field for it (DTS Avro's `task_name` tag). */
  readonly taskName?: string;
}

export interface Sink {
  /** The destination's name in the task (it names the queue cursor too). */
  readonly name: string;
  connect(): Promise<void>;
  /**
   * Takes `records` (after the ones taken before, in order). A rejection means nothing new was
   * acknowledged by this call; a partial success resolves with `failure` set.
   */
  deliver(records: readonly ChangeRecord[], options?: DeliverOptions): Promise<Acknowledgement>;
  /**
   * At most about this many records per call: the loop hands a read in calls of whole batches up
   * to it (at least one batch), so the records of a read are not all decoded at once. Absent: a
   * whole read per call (a sink that packs records into invocations or uploads of its own sizes).
   */
  readonly callRecords?: number;
  /**
   * A sink that returns with a write still unanswered (Kafka: the last produce request, so the
   * next call encodes while the broker works): resolves once it is answered, so the loop collects
   * the acknowledgement with `deliver([])` instead of waiting for more records; null when none is.
   */
  inFlight?(): Promise<void> | null;
  close(): Promise<void>;
}
