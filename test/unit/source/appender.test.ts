/**
 * The reader's appender: batches reach the queue in order; a batch added while the pump is
 * finishing (a full-sync worker woken by the pump's last tick adds before the pump's promise
 * settles) is appended too; the binlog socket is paused while two batches wait or a destination
 * lags, and resumed after; a failed append stops the pump.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log.ts';
import type { EncodedBatch } from '../../../shared/queue/types.ts';
import { MysqlTypeCode, type ChangeRecord, type TableSchema } from '../../../shared/record/index.ts';
import { encoded } from '../../helpers/encoded-batch.ts';
import { createAppender, type AppenderOptions, type AppenderStatus, type PausableStream } from '../../../shared/source/appender.ts';

const SCHEMA: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'k', type: 'int', typeCode: MysqlTypeCode.LONG, unsigned: false, charset: null, nullable: false, key: true }],
  pkNames: ['k'],
};

function record(id: number, op: 'INSERT' | 'UPDATE' | 'DELETE' | 'INIT', timestampMs: number): ChangeRecord {
  return { id, seq: 0, op, schema: SCHEMA, before: null, after: [id], source: { serverId: 1, file: 'binlog.000001', position: id * 100, gtid: null, timestampMs, txId: String(id) } };
}

const batch = (n: number, records: ChangeRecord[] = []): EncodedBatch =>
  encoded({ records, resume: { file: 'binlog.000001', position: n, gtidSet: null, nextRecordId: n }, endsTransaction: true, lastRecordId: n });

/** A stream that logs each pause and resume, and is paused while any reason holds it. */
class LoggedStream implements PausableStream {
  readonly calls: string[] = [];
  readonly #holds = new Set<string>();
  pause(reason: 'lag' | 'queue'): void {
    this.calls.push(`pause ${reason}`);
    this.#holds.add(reason);
  }
  resume(reason: 'lag' | 'queue'): void {
    this.calls.push(`resume ${reason}`);
    this.#holds.delete(reason);
  }
  get paused(): boolean {
    return this.#holds.size > 0;
  }
}

interface Over {
  /** The destination's cursor per stats() call: the value at that index, else caught up. */
  readonly cursors?: readonly number[];
  /** Appends wait for this before storing (to hold a batch in flight). */
  readonly gate?: Promise<void>;
  readonly failAt?: number;
  readonly options?: Partial<AppenderOptions>;
}

function appenderOver(appended: number[], over: Over = {}) {
  let statsCalls = 0;
  const queue = {
    append: async (b: EncodedBatch) => {
      await over.gate;
      if (b.resume.position === over.failAt) throw new Error('disk full');
      appended.push(b.resume.position);
      return appended.length;
    },
    stats: async () => ({ cursors: { k: over.cursors?.[statsCalls++] ?? appended.length } }),
  };
  const stream = new LoggedStream();
  const status: AppenderStatus = { records: 0, batches: 0, position: '', lastSourceTimeMs: 0, paused: false };
  let idle = 0;
  let progress = 0;
  const appender = createAppender(
    { consumers: ['k'], maxLagBatches: 0, ...over.options },
    {
      queue: queue as never,
      log: silentLogger,
      signal: new AbortController().signal,
      onProgress: () => (progress += 1),
      status,
      stream: () => stream,
      onIdle: () => (idle += 1),
    },
  );
  return { appender, stream, status, idleCount: () => idle, progressCount: () => progress };
}

describe('appender', () => {
  it('appends a batch added right after the pump drained, by a waiter its last tick woke', async () => {
    const appended: number[] = [];
    // The destination is one batch behind at the first look, caught up at the next.
    const { appender, stream } = appenderOver(appended, { cursors: [0] });
    appender.add(batch(1), 10);
    // The pump now waits for the lagging destination; a full-sync worker waits for room meanwhile,
    // and adds as soon as room() returns, as snapshot-runner does.
    await new Promise((r) => setTimeout(r, 30));
    await appender.room();
    appender.add(batch(2), 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(appended).toEqual([1, 2]);
    expect(appender.idle).toBe(true);
    expect(stream.calls).toEqual(['pause lag', 'resume lag', 'resume queue', 'resume lag', 'resume queue']);
  });

  it('appends many batches in order whatever the interleaving of room() and add()', async () => {
    const appended: number[] = [];
    const { appender, idleCount, progressCount, status } = appenderOver(appended);
    for (let i = 1; i <= 200; i++) {
      await appender.room();
      appender.add(batch(i), 10);
    }
    await appender.drain();
    expect(appended).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(appender.idle).toBe(true);
    expect(idleCount()).toBeGreaterThan(0);
    expect(progressCount()).toBe(200);
    expect([status.batches, status.position]).toEqual([200, 'binlog.000001:200']);
  });

  it('pauses the socket while two batches wait, holds room() until one is stored, and resumes after', async () => {
    const appended: number[] = [];
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => (open = r));
    const { appender, stream, status } = appenderOver(appended, { gate });
    appender.add(batch(1), 10);
    expect([stream.calls, status.paused]).toEqual([[], false]);
    appender.add(batch(2), 10);
    expect([stream.calls, status.paused]).toEqual([['pause queue'], true]);
    let roomy = false;
    const room = appender.room().then(() => (roomy = true));
    await new Promise((r) => setTimeout(r, 20));
    expect([roomy, appender.idle]).toEqual([false, false]);
    open();
    await room;
    await appender.drain();
    expect(appended).toEqual([1, 2]);
    expect(stream.calls).toEqual(['pause queue', 'resume lag', 'resume queue', 'resume lag', 'resume queue']);
    expect(stream.paused).toBe(false);
  });

  it('counts records and rows: the throttle is told rows without INIT markers and the batch bytes', async () => {
    const appended: number[] = [];
    const told: [number, number][] = [];
    const throttle = { afterRows: async (rows: number, bytes: number) => void told.push([rows, bytes]) };
    const { appender, status } = appenderOver(appended, { options: { throttle } });
    appender.add(batch(1, [record(1, 'INIT', 0), record(2, 'INSERT', 1_000), record(3, 'UPDATE', 2_000)]), 300);
    appender.add(batch(2, [record(4, 'DELETE', 3_000)]), 40);
    await appender.drain();
    expect(told).toEqual([
      [2, 300],
      [1, 40],
    ]);
    expect(status).toEqual({ records: 4, batches: 2, position: 'binlog.000001:2', lastSourceTimeMs: 3_000, paused: true });
  });

  it('a failed append rejects `failed`, stores nothing after it, and leaves the later batch unstored', async () => {
    const appended: number[] = [];
    const { appender, idleCount } = appenderOver(appended, { failAt: 2 });
    appender.add(batch(1), 10);
    appender.add(batch(2), 10);
    appender.add(batch(3), 10);
    await expect(appender.failed).rejects.toThrow('disk full');
    await appender.drain();
    expect(appended).toEqual([1]);
    expect(appender.idle).toBe(false);
    expect(idleCount()).toBe(1);
  });

  it('without consumers to wait for, never asks the queue for cursors nor pauses for lag', async () => {
    const appended: number[] = [];
    const { appender, stream } = appenderOver(appended, { options: { consumers: [] }, cursors: [-100, -100] });
    appender.add(batch(1), 10);
    await appender.drain();
    expect(appended).toEqual([1]);
    expect(stream.calls).toEqual(['resume lag', 'resume queue']);
  });
});
