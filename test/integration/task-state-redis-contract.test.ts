/** The Redis task state store against its contract, under a unique key prefix. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { taskStateContract } from '../contracts/task-state.contract.ts';

const url = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
afterAll(() => admin.quit());

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
