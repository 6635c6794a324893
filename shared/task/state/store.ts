/**
 * Where a task's state is kept. Every write is a read-modify-write through `update`, atomic against
 * other processes (file: a lock file + tmp/fsync/rename; Redis: WATCH/MULTI), so a `pause` written by
 * the command never loses against the runner recording progress at the same moment.
 */
import type { TaskState } from '../state.ts';

/** Returns the new state, or `null` to leave the stored one as it is (no write). */
export type StateChange = (current: TaskState | null) => TaskState | null;

export interface TaskStateStore {
  /** Where the state lives (a file path or a Redis key), for messages. */
  readonly where: string;
  read(): Promise<TaskState | null>;
  /** Applies `change` to the current state atomically; resolves with the state stored afterwards. */
  update(change: StateChange): Promise<TaskState | null>;
  close(): Promise<void>;
}
