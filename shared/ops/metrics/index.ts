/** metrics: a task's numbers (throughput, latency, queue depth, retry windows, full sync) as Prometheus text or one log line. */
export * from './exposition.ts';
export * from './task-metrics.ts';
export * from './task-families.ts';
export * from './metrics-server.ts';
export * from './serve-task-metrics.ts';
