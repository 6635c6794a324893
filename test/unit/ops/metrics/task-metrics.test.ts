/**
 * A task's metrics from a real file queue and a stored state: record totals from the dense record
 * ids (also after retention dropped the acknowledged batch), queue depth per destination, DTS
 * latency, every stage's retry window open or not, the status one-hot, the full sync's progress;
 * then the exact Prometheus text of that snapshot.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTaskMetrics, renderExposition, taskMetricFamilies } from '../../../../shared/ops/metrics/index.ts';
import { createFileQueue } from '../../../../shared/queue/file/index.ts';
import type { Queue } from '../../../../shared/queue/types.ts';
import type { Batch, ChangeRecord, TableSchema } from '../../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../../shared/record/index.ts';
import type { TaskState } from '../../../../shared/task/index.ts';
import { parseExposition } from '../../../helpers/prometheus-text.ts';

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

/** Records `firstId..lastId` at second `s`, or an empty checkpoint carrying the ids handed out so far. */
function batch(s: number, ids: [number, number] | { through: number }): Batch {
  const records = Array.isArray(ids) ? Array.from({ length: ids[1] - ids[0] + 1 }, (_, i) => record(ids[0] + i, T0 + s * 1000)) : [];
  const lastRecordId = Array.isArray(ids) ? ids[1] : ids.through;
  return { records, resume: { file: 'binlog.000001', position: s * 1000, gtidSet: null, nextRecordId: lastRecordId + 1 }, endsTransaction: true, lastRecordId, sourceTimeMs: T0 + s * 1000 };
}

describe('collectTaskMetrics', () => {
  let dir: string;
  let queue: Queue;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dts-metrics-'));
    queue = await createFileQueue(dir, { consumers: ['kafka', 'fc', 'mc'] });
  });
  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts records by id, depth and latency per destination, every stage and the stored progress', async () => {
    await queue.append(batch(1, [1, 3])); // seq 1
    await queue.append(batch(2, [4, 4])); // seq 2
    await queue.append(batch(3, { through: 4 })); // seq 3: a heartbeat checkpoint
    await queue.append(batch(4, [5, 9])); // seq 4
    await queue.commit('kafka', 4);
    await queue.commit('fc', 2);
    const state: TaskState = {
      status: 'PAUSED',
      at: new Date(T0).toISOString(),
      retryWindows: { 'deliver:fc': { since: T0 - 90_000, attempts: 4 } },
      fullSync: { runId: 'r', rows: 52, tablesDone: 1, tables: 3, current: 'shop.orders', currentRows: 2, currentEstimate: 10, completed: false },
    };
    const now = T0 + 10_000;
    const m = await collectTaskMetrics({ task: 'demo', destinations: ['kafka', 'fc', 'mc'], queue, state, now });
    expect(m).toEqual({
      task: 'demo',
      status: 'PAUSED',
      readRecordsTotal: 9,
      queueHeadSeq: 4,
      destinations: {
        kafka: { deliveredRecordsTotal: 9, latencyMs: 6_000, latencyExact: true, cursor: 4, pendingBatches: 0, pendingRecords: 0 },
        fc: { deliveredRecordsTotal: 4, latencyMs: 8_000, latencyExact: true, cursor: 2, pendingBatches: 2, pendingRecords: 5 },
        mc: { deliveredRecordsTotal: 0, latencyMs: null, latencyExact: true, cursor: 0, pendingBatches: 4, pendingRecords: 9 },
      },
      retryWindows: {
        reader: { open: false, openSeconds: 0, attempts: 0 },
        'deliver:kafka': { open: false, openSeconds: 0, attempts: 0 },
        'deliver:fc': { open: true, openSeconds: 100, attempts: 4 },
        'deliver:mc': { open: false, openSeconds: 0, attempts: 0 },
      },
      fullSync: { tables: 3, tablesDone: 1, rowsCopied: 52, completed: false },
    });

    expect(renderExposition(taskMetricFamilies(m))).toBe(
      [
        '# HELP dts_task_status Task status: 1 for the current one (RUNNING, PAUSED, STOPPED, FAILED, COMPLETED), 0 for the others.',
        '# TYPE dts_task_status gauge',
        'dts_task_status{task="demo",status="RUNNING"} 0',
        'dts_task_status{task="demo",status="PAUSED"} 1',
        'dts_task_status{task="demo",status="STOPPED"} 0',
        'dts_task_status{task="demo",status="FAILED"} 0',
        'dts_task_status{task="demo",status="COMPLETED"} 0',
        '# HELP dts_read_records_total Records the reader has queued (row changes, full-sync rows, DDL), since the queue began.',
        '# TYPE dts_read_records_total counter',
        'dts_read_records_total{task="demo"} 9',
        '# HELP dts_queue_head_seq Sequence number of the newest batch in the queue.',
        '# TYPE dts_queue_head_seq gauge',
        'dts_queue_head_seq{task="demo"} 4',
        '# HELP dts_delivered_records_total Records the destination has acknowledged (records its operation filter drops count as passed).',
        '# TYPE dts_delivered_records_total counter',
        'dts_delivered_records_total{task="demo",destination="kafka"} 9',
        'dts_delivered_records_total{task="demo",destination="fc"} 4',
        'dts_delivered_records_total{task="demo",destination="mc"} 0',
        '# HELP dts_latency_seconds DTS latency: now minus the source commit time of the newest change the destination acknowledged, heartbeats included.',
        '# TYPE dts_latency_seconds gauge',
        'dts_latency_seconds{task="demo",destination="kafka"} 6',
        'dts_latency_seconds{task="demo",destination="fc"} 8',
        '# HELP dts_queue_pending_batches Queued batches the destination has not acknowledged.',
        '# TYPE dts_queue_pending_batches gauge',
        'dts_queue_pending_batches{task="demo",destination="kafka"} 0',
        'dts_queue_pending_batches{task="demo",destination="fc"} 2',
        'dts_queue_pending_batches{task="demo",destination="mc"} 4',
        '# HELP dts_queue_pending_records Queued records the destination has not acknowledged.',
        '# TYPE dts_queue_pending_records gauge',
        'dts_queue_pending_records{task="demo",destination="kafka"} 0',
        'dts_queue_pending_records{task="demo",destination="fc"} 5',
        'dts_queue_pending_records{task="demo",destination="mc"} 9',
        '# HELP dts_retry_window_open 1 while the stage is failing inside its retry window, else 0.',
        '# TYPE dts_retry_window_open gauge',
        'dts_retry_window_open{task="demo",stage="reader"} 0',
        'dts_retry_window_open{task="demo",stage="deliver:kafka"} 0',
        'dts_retry_window_open{task="demo",stage="deliver:fc"} 1',
        'dts_retry_window_open{task="demo",stage="deliver:mc"} 0',
        '# HELP dts_retry_window_open_seconds Seconds since the open retry window began (0 when closed).',
        '# TYPE dts_retry_window_open_seconds gauge',
        'dts_retry_window_open_seconds{task="demo",stage="reader"} 0',
        'dts_retry_window_open_seconds{task="demo",stage="deliver:kafka"} 0',
        'dts_retry_window_open_seconds{task="demo",stage="deliver:fc"} 100',
        'dts_retry_window_open_seconds{task="demo",stage="deliver:mc"} 0',
        '# HELP dts_retry_window_attempts Failed attempts in the open retry window (0 when closed).',
        '# TYPE dts_retry_window_attempts gauge',
        'dts_retry_window_attempts{task="demo",stage="reader"} 0',
        'dts_retry_window_attempts{task="demo",stage="deliver:kafka"} 0',
        'dts_retry_window_attempts{task="demo",stage="deliver:fc"} 4',
        'dts_retry_window_attempts{task="demo",stage="deliver:mc"} 0',
        '# HELP dts_full_sync_tables Tables the full data sync copies.',
        '# TYPE dts_full_sync_tables gauge',
        'dts_full_sync_tables{task="demo"} 3',
        '# HELP dts_full_sync_tables_done Tables the full data sync has copied.',
        '# TYPE dts_full_sync_tables_done gauge',
        'dts_full_sync_tables_done{task="demo"} 1',
        '# HELP dts_full_sync_rows Rows the full data sync has copied in its current run.',
        '# TYPE dts_full_sync_rows gauge',
        'dts_full_sync_rows{task="demo"} 52',
        '# HELP dts_full_sync_completed 1 once the full data sync copied every table.',
        '# TYPE dts_full_sync_completed gauge',
        'dts_full_sync_completed{task="demo"} 0',
        '',
      ].join('\n'),
    );
  });

  it('counts from the first pending batch once retention dropped the acknowledged one, and is RUNNING with nothing stored', async () => {
    // One segment per batch, so retention can drop the acknowledged batch itself.
    await queue.close();
    queue = await createFileQueue(join(dir, 'small'), { consumers: ['kafka'], segmentBytes: 1 });
    await queue.append(batch(1, [1, 3]));
    await queue.append(batch(2, [4, 6]));
    await queue.append(batch(3, [7, 8]));
    await queue.commit('kafka', 2);
    expect((await queue.stats()).firstSeq).toBe(3); // the writer pruned batches 1 and 2
    const m = await collectTaskMetrics({ task: 'demo', destinations: ['kafka'], queue, state: null, now: T0 + 5_000 });
    expect(m.status).toBe('RUNNING');
    expect(m.fullSync).toBeNull();
    expect(m.readRecordsTotal).toBe(8);
    // Measured from batch 3, the first pending one: its first record's id − 1, and its time as a lower bound.
    expect(m.destinations.kafka).toEqual({ deliveredRecordsTotal: 6, latencyMs: 2_000, latencyExact: false, cursor: 2, pendingBatches: 1, pendingRecords: 2 });
    const text = renderExposition(taskMetricFamilies(m));
    expect([...parseExposition(text).keys()].filter((n) => n.startsWith('dts_full_sync'))).toEqual([]);
  });
});
