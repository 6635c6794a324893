/**
 * The catalog of a task's Prometheus metrics (docs/operations.md "Metrics" lists the same names).
 * Counters are totals since the queue began: rows/s is `rate(dts_read_records_total[1m])`.
 * Latency is in seconds, Prometheus's base unit. Every sample carries `task`; per-destination
 * ones `destination`, per-stage ones `stage`.
 */
import { MetricFamilies, type MetricFamily } from './exposition.ts';
import { TASK_STATUSES, type TaskMetrics } from './task-metrics.ts';

export function taskMetricFamilies(m: TaskMetrics): MetricFamily[] {
  const f = new MetricFamilies();
  const task = { task: m.task };
  const status = f.gauge('dts_task_status', 'Task status: 1 for the current one (RUNNING, PAUSED, STOPPED, FAILED, COMPLETED), 0 for the others.');
  for (const s of TASK_STATUSES) status(s === m.status ? 1 : 0, { ...task, status: s });

  f.counter('dts_read_records_total', 'Records the reader has queued (row changes, full-sync rows, DDL), since the queue began.')(m.readRecordsTotal, task);
  f.gauge('dts_queue_head_seq', 'Sequence number of the newest batch in the queue.')(m.queueHeadSeq, task);

  const delivered = f.counter('dts_delivered_records_total', 'Records the destination has acknowledged (records its operation filter drops count as passed).');
  const latency = f.gauge('dts_latency_seconds', 'DTS latency: now minus the source commit time of the newest change the destination acknowledged, heartbeats included.');
  const pendingBatches = f.gauge('dts_queue_pending_batches', 'Queued batches the destination has not acknowledged.');
  const pendingRecords = f.gauge('dts_queue_pending_records', 'Queued records the destination has not acknowledged.');
  for (const [name, d] of Object.entries(m.destinations)) {
    const labels = { ...task, destination: name };
    delivered(d.deliveredRecordsTotal, labels);
    // No sample until the destination acknowledged something: an invented 0 would read as "current".
    if (d.latencyMs !== null) latency(d.latencyMs / 1000, labels);
    pendingBatches(d.pendingBatches, labels);
    pendingRecords(d.pendingRecords, labels);
  }

  const open = f.gauge('dts_retry_window_open', '1 while the stage is failing inside its retry window, else 0.');
  const openSeconds = f.gauge('dts_retry_window_open_seconds', 'Seconds since the open retry window began (0 when closed).');
  const attempts = f.gauge('dts_retry_window_attempts', 'Failed attempts in the open retry window (0 when closed).');
  for (const [stage, w] of Object.entries(m.retryWindows)) {
    const labels = { ...task, stage };
    open(w.open ? 1 : 0, labels);
    openSeconds(w.openSeconds, labels);
    attempts(w.attempts, labels);
  }

  if (m.fullSync) {
    f.gauge('dts_full_sync_tables', 'Tables the full data sync copies.')(m.fullSync.tables, task);
    f.gauge('dts_full_sync_tables_done', 'Tables the full data sync has copied.')(m.fullSync.tablesDone, task);
    f.gauge('dts_full_sync_rows', 'Rows the full data sync has copied in its current run.')(m.fullSync.rowsCopied, task);
    f.gauge('dts_full_sync_completed', '1 once the full data sync copied every table.')(m.fullSync.completed ? 1 : 0, task);
  }
  return f.families();
}
