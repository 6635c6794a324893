/**
 * The queue on Redis Streams, for deployments past one host (ApsaraDB for Redis / Tair in the cloud).
 *
 *   <prefix>:batches   stream; entry id `<seq>-1`, field `b` = the codec's bytes
 *   <prefix>:cursors   hash; consumer → committed seq
 *   <prefix>:notes     hash; consumer → its note (HSET replaces a field atomically)
 *
 * The stream id is the seq, so XRANGE reads by seq and XTRIM MINID drops by seq. XADD with an
 * explicit id is also the one-writer guard: Redis refuses an id at or below the stream's top, so a
 * second writer fails instead of interleaving. Long-poll waits use XREAD BLOCK (see blockers.ts).
 *
 * Durability is Redis's: `append` resolves when Redis has applied the XADD, which survives a Redis
 * restart only as far as its persistence allows (`appendonly yes` with `appendfsync always` loses
 * nothing; `everysec`, the usual default, can lose the last second; no AOF loses back to the last
 * RDB snapshot). A lost tail means the reader resumes from an earlier `last()` and re-reads the
 * binlog from there, so batches are re-appended, not lost, as long as the binlog still holds them.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DtsError } from '../../errors.ts';
import type { Batch } from '../../record/index.ts';
import { encodeBatch, storedEntry } from '../codec.ts';
import { QueueCorruptError, QueueIoError, QueueRangeError } from '../errors.ts';
import { assertSeq, isReadFull, readOrWait, type ReadLimits } from '../read-limits.ts';
import { keepFromSeq, retentionFloor } from '../retention.ts';
import { Serial } from '../serial.ts';
import type { EncodedBatch, Queue, QueueEntry, QueueOptions, QueueStats, ReadOptions } from '../types.ts';
import { Blockers } from './blockers.ts';

type StreamEntry = [id: Buffer, fields: Buffer[]];

/** Raises a cursor, never lowers it; returns the whole hash so retention sees every consumer. */
const RAISE_CURSOR = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('HGETALL', KEYS[1])`;

export async function createRedisQueue(redis: RedisOptions | string, prefix: string, options: QueueOptions): Promise<Queue> {
  const main = typeof redis === 'string' ? new Redis(redis, { lazyConnect: true }) : new Redis({ ...redis, lazyConnect: true });
  // Connection errors also reject the command that meets them, which is where they are reported;
  // the listener keeps ioredis from printing them and keeps the first one as the cause to show.
  let connectionError: unknown;
  main.on('error', (err: unknown) => (connectionError ??= err));
  const queue = new RedisQueue(main, prefix, options);
  try {
    await main.connect();
    await queue.loadLastSeq();
  } catch (err) {
    main.disconnect();
    throw new QueueIoError(`cannot open the Redis queue ${prefix}: is Redis reachable with the configured address and credentials?`, { path: prefix }, connectionError ?? err);
  }
  return queue;
}

class RedisQueue implements Queue {
  private readonly stream: string;
  private readonly cursorsKey: string;
  private readonly notesKey: string;
  /** Last seq this process knows of; the writer's next append is one past it. */
  private lastSeq = 0;
  private readonly appends = new Serial();
  private readonly blockers: Blockers;
  private closed = false;

  constructor(
    private readonly main: Redis,
    private readonly prefix: string,
    private readonly options: QueueOptions,
  ) {
    this.stream = `${prefix}:batches`;
    this.cursorsKey = `${prefix}:cursors`;
    this.notesKey = `${prefix}:notes`;
    this.blockers = new Blockers(main);
  }

  async loadLastSeq(): Promise<number> {
    const [top] = (await this.main.xrevrangeBuffer(this.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    this.lastSeq = top ? seqOf(top) : 0;
    return this.lastSeq;
  }

  async append(batch: Batch | EncodedBatch): Promise<number> {
    return this.appends.run(() =>
      this.io('append', async () => {
        this.assertOpen();
        const payload = encodeBatch(batch);
        const seq = this.lastSeq + 1;
        try {
          await this.main.xadd(this.stream, `${seq}-1`, 'b', payload);
        } catch (err) {
          if ((await this.loadLastSeq()) >= seq) {
            throw new QueueIoError(
              `another writer appended seq ${seq} to the Redis queue ${this.stream}: a queue has one writer; stop the other reader before starting this one`,
              { path: this.stream, seq },
              err,
            );
          }
          throw err;
        }
        this.lastSeq = seq;
        return seq;
      }),
    );
  }

  async last(): Promise<QueueEntry | null> {
    this.assertOpen();
    return this.io('last', async () => {
      const [top] = (await this.main.xrevrangeBuffer(this.stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
      return top ? this.toEntry(top).entry : null;
    });
  }

  async read(afterSeq: number, options: ReadOptions = {}): Promise<QueueEntry[]> {
    this.assertOpen();
    assertSeq('read: afterSeq', afterSeq, this.stream);
    return this.io('read', () =>
      readOrWait(
        options,
        () => this.closed,
        (limits) => this.readAvailable(afterSeq, limits),
        (left) => this.blockers.waitForEntry(this.stream, `${afterSeq}-1`, left, options.signal),
      ),
    );
  }

  async cursor(consumer: string): Promise<number> {
    this.assertOpen();
    return this.io('cursor', async () => Number((await this.main.hget(this.cursorsKey, consumer)) ?? 0));
  }

  async commit(consumer: string, seq: number): Promise<void> {
    this.assertOpen();
    assertSeq(`commit of consumer "${consumer}"`, seq, this.stream);
    return this.io('commit', async () => {
      if (seq > this.lastSeq && seq > (await this.loadLastSeq())) {
        throw new QueueRangeError(`consumer "${consumer}" cannot commit seq ${seq}: the Redis queue ${this.stream} ends at seq ${this.lastSeq}; commit only seqs it has read`, {
          path: this.stream,
          seq,
          consumer,
        });
      }
      const flat = (await this.main.eval(RAISE_CURSOR, 1, this.cursorsKey, consumer, String(seq))) as string[];
      const floor = retentionFloor(this.options.consumers, pairsToCursors(flat));
      // A stale lastSeq only keeps more: it never grows past the stream's real top.
      await this.main.xtrim(this.stream, 'MINID', keepFromSeq(floor, this.lastSeq));
    });
  }

  async readNote(consumer: string): Promise<string | null> {
    this.assertOpen();
    return this.io('readNote', () => this.main.hget(this.notesKey, consumer));
  }

  async writeNote(consumer: string, note: string | null): Promise<void> {
    this.assertOpen();
    return this.io('writeNote', async () => {
      if (note === null) await this.main.hdel(this.notesKey, consumer);
      else await this.main.hset(this.notesKey, consumer, note);
    });
  }

  async stats(): Promise<QueueStats> {
    this.assertOpen();
    return this.io('stats', async () => {
      const [first] = (await this.main.xrangeBuffer(this.stream, '-', '+', 'COUNT', 1)) as StreamEntry[];
      const lastSeq = await this.loadLastSeq();
      const all = pairsToCursors(await this.main.hgetall(this.cursorsKey).then((h) => Object.entries(h).flat()));
      const cursors: Record<string, number> = {};
      for (const c of this.options.consumers) cursors[c] = all[c] ?? 0;
      return { lastSeq, firstSeq: first ? seqOf(first) : lastSeq + 1, cursors };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    this.blockers.close();
    await this.main.quit().catch(() => this.main.disconnect());
  }

  private async readAvailable(afterSeq: number, limits: ReadLimits): Promise<QueueEntry[]> {
    const raw = (await this.main.xrangeBuffer(this.stream, String(afterSeq + 1), '+', 'COUNT', limits.maxBatches)) as StreamEntry[];
    if (raw.length > 0 && seqOf(raw[0]!) !== afterSeq + 1) {
      const firstSeq = seqOf(raw[0]!);
      throw new QueueRangeError(
        `the Redis queue ${this.stream} no longer holds seq ${afterSeq + 1}: retention dropped everything before seq ${firstSeq} ` +
          'because every registered consumer had committed past it. A consumer reading from there was not registered ' +
          'or its cursor was reset; re-sync that destination from the source',
        { path: this.stream, seq: afterSeq + 1, firstSeq },
      );
    }
    const entries: QueueEntry[] = [];
    let records = 0;
    let bytes = 0;
    for (const item of raw) {
      if (isReadFull(limits, entries.length, records, bytes)) break;
      const stored = this.toEntry(item);
      entries.push(stored.entry);
      records += stored.records;
      for (const field of item[1]) bytes += field.length;
    }
    if (entries.length > 0) this.lastSeq = Math.max(this.lastSeq, entries.at(-1)!.seq);
    return entries;
  }

  private toEntry([id, fields]: StreamEntry): { entry: QueueEntry; records: number } {
    const seq = seqOf([id, fields]);
    const at = fields.findIndex((f, i) => i % 2 === 0 && f.toString() === 'b');
    const payload = at >= 0 ? fields[at + 1] : undefined;
    if (!payload) throw new QueueCorruptError(`Redis queue ${this.stream} entry ${id.toString()} has no field "b": it was not written by this queue`, { path: this.stream, seq });
    return storedEntry(seq, payload, { path: this.stream, seq });
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueIoError(`Redis queue ${this.prefix} is closed`, { path: this.prefix });
  }

  /** Lets typed errors through and names the queue and the step in anything else (connection, auth …). */
  private async io<T>(step: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DtsError) throw err;
      throw new QueueIoError(`Redis queue ${this.prefix}: ${step} failed: ${(err as Error).message ?? err}`, { path: this.prefix }, err);
    }
  }
}

function seqOf([id]: StreamEntry): number {
  const text = id.toString();
  return Number(text.slice(0, text.indexOf('-')));
}

function pairsToCursors(flat: readonly (string | Buffer)[]): Record<string, number> {
  const cursors: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) cursors[String(flat[i])] = Number(String(flat[i + 1]));
  return cursors;
}
