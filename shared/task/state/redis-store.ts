/**
 * The task state in Redis under the queue's prefix (`<prefix>:state`, one JSON string), for
 * deployments where every FC invocation is a new process. Updates are optimistic: WATCH the key,
 * read, MULTI/SET/EXEC; EXEC fails when another process wrote in between, and the change is applied
 * again to what that process wrote. Its own connection: WATCH belongs to a connection.
 */
import { Redis } from 'ioredis';
import { Serial } from '../../queue/serial.ts';
import type { TaskState } from '../state.ts';
import { TaskStateIoError } from './errors.ts';
import type { StateChange, TaskStateStore } from './store.ts';

const maxConflicts = 100;

export async function createRedisTaskStateStore(url: string, prefix: string): Promise<TaskStateStore> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let connectionError: unknown;
  redis.on('error', (err: unknown) => (connectionError ??= err));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new TaskStateIoError(`cannot open the task state ${prefix}:state: is Redis reachable with the queue's address and credentials?`, `${prefix}:state`, connectionError ?? err);
  }
  return new RedisTaskStateStore(redis, `${prefix}:state`);
}

class RedisTaskStateStore implements TaskStateStore {
  readonly #serial = new Serial();
  constructor(
    private readonly redis: Redis,
    readonly where: string,
  ) {}

  async read(): Promise<TaskState | null> {
    return parse(await this.#io('GET', () => this.redis.get(this.where)));
  }

  update(change: StateChange): Promise<TaskState | null> {
    return this.#serial.run(async () => {
      for (let i = 0; i < maxConflicts; i++) {
        await this.#io('WATCH', () => this.redis.watch(this.where));
        const current = parse(await this.#io('GET', () => this.redis.get(this.where)));
        const next = change(current);
        if (next === null) {
          await this.redis.unwatch();
          return current;
        }
        const result = await this.#io('EXEC', () => this.redis.multi().set(this.where, JSON.stringify(next)).exec());
        if (result !== null) return next;
      }
      throw new TaskStateIoError(`the task state ${this.where} changed under ${maxConflicts} updates in a row; is something rewriting it in a loop?`, this.where);
    });
  }

  async close(): Promise<void> {
    await this.#serial.idle();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async #io<T>(step: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new TaskStateIoError(`task state ${this.where}: ${step} failed: ${(err as Error).message}; is Redis reachable?`, this.where, err);
    }
  }
}

function parse(text: string | null): TaskState | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as TaskState;
  } catch {
    return null;
  }
}
