/**
 * DTS latency over a real file queue: now − the source time of the batch at the destination's
 * cursor (what it acknowledged), never of a newer batch it has not; heartbeat-only batches count;
 * older batches without `sourceTimeMs` fall back to their last change.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileQueue } from '../../../shared/queue/file/index.ts';
import { batchSourceTime, destinationLatency, latencyFrom } from '../../../shared/queue/latency.ts';
import type { Queue } from '../../../shared/queue/types.ts';
import type { Batch, ChangeRecord, TableSchema } from '../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../shared/record/index.ts';

const T0 = 1_700_000_000_000;
const SCHEMA: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'k', type: 'int', typeCode: MysqlTypeCode.LONG, unsigned: false, charset: null, nullable: false, key: true }],
  pkNames: ['k'],
};

function record(id: number, timestampMs: number): ChangeRecord {
  return { id, seq: 0, op: 'INSERT', schema: SCHEMA, before: null, after: [id], source: { serverId: 1, file: 'binlog.000001', position: id * 100, gtid: null, timestampMs, txId: String(id) } };
}

function batch(position: number, records: ChangeRecord[], sourceTimeMs?: number): Batch {
  const b: Batch = { records, resume: { file: 'binlog.000001', position, gtidSet: null, nextRecordId: position }, endsTransaction: true, lastRecordId: records.at(-1)?.id ?? 0 };
  return sourceTimeMs === undefined ? b : { ...b, sourceTimeMs };
}

describe('destinationLatency', () => {
  let dir: string;
  let queue: Queue;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-latency-'));
    queue = await createFileQueue(dir, { consumers: ['kafka', 'fc'] });
  });
  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is unknown before the destination acknowledged anything', async () => {
    await queue.append(batch(1, [record(1, T0)], T0));
    expect(await destinationLatency(queue, 'kafka', T0 + 5000)).toEqual({ cursor: 0, sourceTimeMs: null, latencyMs: null, exact: true });
  });

  it('measures from the batch at the cursor: a heartbeat-only batch keeps a caught-up destination current', async () => {
    await queue.append(batch(1, [record(1, T0)], T0)); // seq 1: a change
    await queue.append(batch(2, [], T0 + 10_000)); // seq 2: only a heartbeat passed
    await queue.append(batch(3, [], T0 + 20_000)); // seq 3: the next heartbeat
    await queue.commit('kafka', 3);
    await queue.commit('fc', 1);
    const now = T0 + 21_500;
    expect(await destinationLatency(queue, 'kafka', now)).toEqual({ cursor: 3, sourceTimeMs: T0 + 20_000, latencyMs: 1_500, exact: true });
    // fc acknowledged only the change: the beats after it do not make it current.
    expect(await destinationLatency(queue, 'fc', now)).toEqual({ cursor: 1, sourceTimeMs: T0, latencyMs: 21_500, exact: true });
    await queue.commit('fc', 2);
    expect(await destinationLatency(queue, 'fc', now)).toEqual({ cursor: 2, sourceTimeMs: T0 + 10_000, latencyMs: 11_500, exact: true });
  });

  it('grows with the wall clock while nothing newer is acknowledged, and never goes negative', async () => {
    await queue.append(batch(1, [record(1, T0)], T0));
    await queue.commit('kafka', 1);
    expect((await destinationLatency(queue, 'kafka', T0 + 1_000)).latencyMs).toBe(1_000);
    expect((await destinationLatency(queue, 'kafka', T0 + 61_000)).latencyMs).toBe(61_000);
    expect((await destinationLatency(queue, 'kafka', T0 - 500)).latencyMs).toBe(0); // source clock ahead
  });

  it('falls back to the last change of a batch stored without sourceTimeMs', async () => {
    await queue.append(batch(1, [record(1, T0), record(2, T0 + 3_000)]));
    await queue.append(batch(2, []));
    await queue.commit('kafka', 1);
    await queue.commit('fc', 2);
    expect(await destinationLatency(queue, 'kafka', T0 + 4_000)).toEqual({ cursor: 1, sourceTimeMs: T0 + 3_000, latencyMs: 1_000, exact: true });
    expect(await destinationLatency(queue, 'fc', T0 + 4_000)).toEqual({ cursor: 2, sourceTimeMs: null, latencyMs: null, exact: true });
  });
});

describe('batchSourceTime and latencyFrom', () => {
  it('takes the later of the passed commit time and the last change', () => {
    expect(batchSourceTime(batch(1, [record(1, T0 + 2_000)], T0 + 1_000))).toBe(T0 + 2_000);
    expect(batchSourceTime(batch(1, [record(1, T0)], T0 + 1_000))).toBe(T0 + 1_000);
    expect(batchSourceTime(batch(1, [], T0))).toBe(T0);
    expect(batchSourceTime(batch(1, []))).toBeNull();
    expect(latencyFrom(null, T0)).toBeNull();
    expect(latencyFrom(T0, T0 + 7)).toBe(7);
  });
});
