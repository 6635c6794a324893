/** The file task state store against its contract, in a temp directory (Redis: test/integration/task-state-redis-contract.test.ts). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileTaskStateStore } from '../../shared/task/index.ts';
import { tempDir } from '../helpers/stack.ts';
import { taskStateContract } from './task-state.contract.ts';

taskStateContract('file', {
  async newStores() {
    const dir = await tempDir('task-state');
    const file = join(dir, 'state.json');
    return { store: new FileTaskStateStore(file), other: async () => new FileTaskStateStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
});
