/** A task's /metrics: each scrape collects the task's metrics from its queue and stored state, and renders them. */
import type { Logger } from '../../log.ts';
import type { Queue } from '../../queue/types.ts';
import type { TaskStateStore } from '../../task/index.ts';
import { renderExposition } from './exposition.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';
import { taskMetricFamilies } from './task-families.ts';
import { collectTaskMetrics } from './task-metrics.ts';

export interface ServeTaskMetricsOptions {
  readonly task: string;
  readonly destinations: readonly string[];
  /** A read-only view of the task's queue, open for as long as the server runs. */
  readonly queue: Queue;
  readonly store: TaskStateStore;
  readonly port: number;
  readonly host?: string;
  readonly log: Logger;
}

export function serveTaskMetrics(o: ServeTaskMetricsOptions): Promise<MetricsServer> {
  const render = async () => {
    const state = await o.store.read();
    return renderExposition(taskMetricFamilies(await collectTaskMetrics({ task: o.task, destinations: o.destinations, queue: o.queue, state })));
  };
  return startMetricsServer({ port: o.port, host: o.host, render, log: o.log });
}
