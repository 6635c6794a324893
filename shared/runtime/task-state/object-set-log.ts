/** The reader's object-set history, kept in the task state every process shares. */
import type { ObjectSetLog } from '../../source/object-switch.ts';
import { withObjectSetChange, type TaskStateStore } from '../../task/index.ts';

export function objectSetLogOf(store: TaskStateStore): ObjectSetLog {
  return {
    read: async () => (await store.read())?.objectSets ?? [],
    record: async (change, startOver) => {
      await store.update(startOver ? (current) => ({ ...(current ?? { status: 'RUNNING' as const, at: change.at }), objectSets: [change] }) : withObjectSetChange(change));
    },
  };
}
