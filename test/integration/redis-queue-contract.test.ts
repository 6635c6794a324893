/**
 * The Redis queue against the Queue contract, on the machine's Redis (DTS_REDIS_URL, default
 * redis://127.0.0.1:6379). Each test gets its own key prefix, deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import type { Queue } from '../../shared/queue/index.ts';
import { createRedisQueue } from '../../shared/queue/redis/index.ts';
import { queueContract } from '../contracts/queue.contract.ts';

const url = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(url);
afterAll(() => admin.quit());

queueContract('redis', {
  async newQueue(consumers) {
    const prefix = `dts-test:queue:${randomUUID()}`;
    const openQueue = () => createRedisQueue(url, prefix, { consumers });
    let queue: Queue = await openQueue();
    return {
      get queue() {
        return queue;
      },
      async reopen() {
        await queue.close();
        queue = await openQueue();
        return queue;
      },
      async cleanup() {
        await queue.close();
        const keys = await admin.keys(`${prefix}:*`);
        if (keys.length > 0) await admin.del(...keys);
      },
    };
  },
});
