/**
 * A destination. One essential method: `deliver` resolves only when the destination acknowledged
 * every record, in order. Retries, cursors and progress live outside sinks (ops/delivery.ts).
 */
import type { ChangeRecord } from '../record/index.ts';

export interface Sink {
  /** The destination's name in the task (it names the queue cursor too). */
  readonly name: string;
  connect(): Promise<void>;
  deliver(records: readonly ChangeRecord[]): Promise<void>;
  close(): Promise<void>;
}
