/**
 * The reader's appender: batches reach the queue in order, and a batch added while the pump is
 * finishing (a full-sync worker woken by the pump's last tick adds before the pump's promise
 * settles) is appended too, not left waiting for a pump that already ended.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log.ts';
import type { Batch } from '../../../shared/record/index.ts';
import { createAppender } from '../../../shared/source/reader.ts';

const batch = (n: number): Batch => ({ records: [], resume: { file: 'binlog.000001', position: n, gtidSet: null, nextRecordId: n }, endsTransaction: true, lastRecordId: n });

function appenderOver(appended: number[], lagFirst = false) {
  let statsCalls = 0;
  const queue = {
    append: async (b: Batch) => (appended.push(b.resume.position), appended.length),
    // With `lagFirst`, the destination is one batch behind at the first look, caught up at the next.
    stats: async () => ({ cursors: { k: lagFirst && statsCalls++ === 0 ? 0 : appended.length } }),
  };
  const options = { consumers: ['k'], reader: { maxLagBatches: 0 } };
  const deps = { log: silentLogger, signal: new AbortController().signal };
  let idle = 0;
  const appender = createAppender(
    queue as never,
    options as never,
    deps as never,
    undefined,
    () => null,
    () => (idle += 1),
  );
  return { appender, idleCount: () => idle };
}

describe('reader appender', () => {
  it('appends a batch added right after the pump drained, by a waiter its last tick woke', async () => {
    const appended: number[] = [];
    const { appender } = appenderOver(appended, true);
    appender.add(batch(1), 10);
    // The pump now waits for the lagging destination; a full-sync worker waits for room meanwhile,
    // and adds as soon as room() returns, as snapshot-runner does.
    await new Promise((r) => setTimeout(r, 30));
    await appender.room();
    appender.add(batch(2), 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(appended).toEqual([1, 2]);
    expect(appender.idle).toBe(true);
  });

  it('appends many batches in order whatever the interleaving of room() and add()', async () => {
    const appended: number[] = [];
    const { appender, idleCount } = appenderOver(appended);
    for (let i = 1; i <= 200; i++) {
      await appender.room();
      appender.add(batch(i), 10);
    }
    await appender.drain();
    expect(appended).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(appender.idle).toBe(true);
    expect(idleCount()).toBeGreaterThan(0);
  });
});
