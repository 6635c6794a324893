/** The task state stores against their contract: a file in a temp directory, and Redis under a unique prefix. */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { FileTaskStateStore } from '../../shared/task/index.ts';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { tempDir } from '../helpers/stack.ts';
import { taskStateContract } from './task-state.contract.ts';

const url = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
afterAll(() => admin.quit());

taskStateContract('file', {
  async newStores() {
    const dir = await tempDir('task-state');
    const file = join(dir, 'state.json');
    return { store: new FileTaskStateStore(file), other: async () => new FileTaskStateStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
});

taskStateContract('redis', {
  async newStores() {
    const prefix = `dts-test:state:${randomUUID()}`;
    return {
      store: await createRedisTaskStateStore(url, prefix),
      other: () => createRedisTaskStateStore(url, prefix),
      cleanup: async () => void (await admin.del(`${prefix}:state`)),
    };
  },
});
