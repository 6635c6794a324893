/** redis: the queue on Redis Streams, for deployments past one host. */
export { createRedisQueue } from './redis-queue.ts';
