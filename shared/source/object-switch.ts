/**
 * Switching a running reader's object set at an exact binlog position. The change arrives as a
 * signal row (signal.ts `requestObjectSet`); the reader takes the rest of that row's transaction
 * with the old set, then stops feeding the assembler: nothing after the transaction's end is
 * read with the old set. The reader checkpoints there, records the change in the object-set
 * history and starts again from that checkpoint with the new set, so a restart at any position
 * reads it with the set the history names (task/object-set-history.ts).
 */
import type { Logger } from '../log.ts';
import type { ResumePosition, Row, TableSchema } from '../record/index.ts';
import { objectListSchema, objectNames, objectSetAt, objectsKey, type ObjectSetChange, type Task } from '../task/index.ts';
import { parseObjectSetSignal } from './snapshot/signal.ts';
import type { TransactionAssembler } from './binlog/transaction-assembler.ts';

/** Where the reader keeps and reads the object-set history (the task state). */
export interface ObjectSetLog {
  read(): Promise<readonly ObjectSetChange[]>;
  /** `startOver`: the change replaces the whole history (a new queue). */
  record(change: ObjectSetChange, startOver?: boolean): Promise<void>;
}

/**
 * The objects a reader starting at `resume` reads with. Records the configured set as the first
 * one when none is, and when the queue is new (`fresh`: started over, so the old history, which
 * describes batches no longer held, is replaced).
 */
export async function objectsInEffect(log: ObjectSetLog | undefined, configured: Task['objects'], resume: ResumePosition, fresh = false): Promise<Task['objects']> {
  if (!log) return configured;
  const history = await log.read();
  if (history.length === 0 || fresh) {
    await log.record({ objects: configured, from: { file: resume.file, position: resume.position }, signalId: null, at: new Date().toISOString(), added: objectNames(configured), removed: [] }, fresh);
    return configured;
  }
  return [...(objectSetAt(history, resume) ?? history[0]!).objects];
}

/** A change the reader read: switch once `ready` resolves (its transaction has ended). */
export interface PendingSwitch {
  readonly signalId: string;
  readonly objects: Task['objects'];
}

/** Assembler calls that move the stream on; dropped once the switch's transaction has ended. */
const STREAM_CALLS = new Set(['rotate', 'passed', 'gtid', 'begin', 'rows', 'commit', 'rollback', 'ddl', 'advance']);

export function createObjectSwitch(task: string, current: Task['objects'], log: Logger) {
  const currentKey = objectsKey(current);
  let pending: PendingSwitch | null = null;
  let closed = false;
  let ready: (change: PendingSwitch) => void = () => {};
  const switched = new Promise<PendingSwitch>((resolve) => (ready = resolve));
  return {
    /** Resolves when the reader should checkpoint and start again with the new set. */
    switched,
    /** True when the stream is past the switch: signal rows after it belong to the next set. */
    get closed() {
      return closed;
    },
    /** A signal row: true when it was an object-set change (taken, or ignored as the set in effect). */
    onSignal(schema: TableSchema, row: Row): boolean {
      const signal = parseObjectSetSignal(schema, row, task);
      if (!signal) return false;
      if (pending) return true; // two changes in one transaction: the next reader reads the second
      const parsed = objectListSchema.safeParse(signal.objects);
      if (!parsed.success) {
        log.error('object-set signal ignored: its objects are not valid (write it with `npm run dts -- reload`)', { signalId: signal.id, error: parsed.error.issues[0]?.message });
        return true;
      }
      if (objectsKey(parsed.data) === currentKey) return true;
      pending = { signalId: signal.id, objects: parsed.data };
      log.info('object set changes at the end of this transaction', { signalId: signal.id, objects: objectNames(parsed.data).join(',') });
      return true;
    },
    /** The assembler as the stream sees it: after the switch's transaction ends, it takes nothing more. */
    gate(assembler: TransactionAssembler): TransactionAssembler {
      return new Proxy(assembler, {
        get(target, prop) {
          const value: unknown = Reflect.get(target, prop, target);
          if (typeof value !== 'function') return value;
          const method = (value as (...args: unknown[]) => unknown).bind(target);
          if (typeof prop !== 'string' || !STREAM_CALLS.has(prop)) return method;
          return (...args: unknown[]) => {
            if (closed) return undefined;
            const result = method(...args);
            if (pending && !target.inTransaction) {
              closed = true;
              ready(pending);
            }
            return result;
          };
        },
      });
    },
  };
}

/** The history entry for a switch at `at`: what was added and removed, by name. */
export function switchRecord(change: PendingSwitch, before: Task['objects'], at: ResumePosition): ObjectSetChange {
  const was = new Set(objectNames(before));
  const now = new Set(objectNames(change.objects));
  return {
    objects: change.objects,
    from: { file: at.file, position: at.position },
    signalId: change.signalId,
    at: new Date().toISOString(),
    added: [...now].filter((n) => !was.has(n)),
    removed: [...was].filter((n) => !now.has(n)),
  };
}
