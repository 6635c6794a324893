/**
 * Connections for XREAD BLOCK. A blocked connection serves nobody else, so every waiting read gets
 * one of its own (kept for reuse afterwards). An aborted wait disconnects its connection: unlike
 * CLIENT UNBLOCK, that cannot race with the XREAD still being on its way to Redis.
 */
import type { Redis } from 'ioredis';

export class Blockers {
  private readonly idle: Redis[] = [];
  private readonly busy = new Set<Redis>();
  private closed = false;

  constructor(private readonly main: Redis) {}

  /** Resolves once `stream` has an entry with an id above `afterId`, `ms` pass, or `signal` aborts. */
  async waitForEntry(stream: string, afterId: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || this.closed) return;
    const conn = this.idle.pop() ?? this.duplicate();
    this.busy.add(conn);
    let dropped = false;
    const onAbort = () => {
      dropped = true;
      conn.disconnect();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await conn.xreadBuffer('COUNT', 1, 'BLOCK', Math.max(1, Math.ceil(ms)), 'STREAMS', stream, afterId);
    } catch (err) {
      if (!dropped && !this.closed) throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.busy.delete(conn);
      if (dropped || this.closed) conn.disconnect();
      else this.idle.push(conn);
    }
  }

  private duplicate(): Redis {
    const conn = this.main.duplicate();
    conn.on('error', () => undefined); // reported by the XREAD it fails
    return conn;
  }

  close(): void {
    this.closed = true;
    for (const conn of [...this.idle, ...this.busy]) conn.disconnect();
    this.idle.length = 0;
    this.busy.clear();
  }
}
