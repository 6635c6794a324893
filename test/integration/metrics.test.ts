/**
 * Metrics of a running task against the real stack: the local runner with a metrics port serves
 * Prometheus text on /metrics (parsed strictly: every line a HELP, a TYPE or a sample of its
 * family), whose counters equal the rows written and copied, whose latency is seconds with the
 * heartbeat on, whose queue depth is 0 for a destination that has everything and the whole
 * backlog for one that cannot connect (its retry window open), with the full sync's progress and
 * the status gauge following a pause; the endpoint ends with the task. The progress line carries
 * `<dest>.latencyMs`, the state the latency series, `dts status` both. `npm start --metrics-port`
 * as a process serves the same and exits 2 on a bad port.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger, LogFields } from '../../shared/log.ts';
import { runTaskLocally } from '../../shared/runtime/local/run-task.ts';
import { changeTaskLifecycle } from '../../shared/runtime/task-state/lifecycle.ts';
import { taskStatus } from '../../shared/runtime/task-state/task-status.ts';
import { readTaskState } from '../../shared/task/index.ts';
import { formatStatus } from '../../scripts/dts/lifecycle.ts';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { parseExposition, sampleValue, type ParsedFamily } from '../helpers/prometheus-text.ts';
import { consumeMessages, createTopic, stack, taskFor, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';

const fastBackoff = { initialMs: 50, maxMs: 200, factor: 2 };
const CLOSED_PORT_BROKER = '127.0.0.1:1';

async function scrape(port: number): Promise<Map<string, ParsedFamily>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

/** A logger that keeps the progress lines' fields. */
function progressLogger(): Logger & { progress: LogFields[] } {
  const progress: LogFields[] = [];
  const log = {
    progress,
    debug() {},
    info: (message: string, fields: LogFields = {}) => void (message === 'progress' && progress.push(fields)),
    warn() {},
    error() {},
    child: () => log,
  };
  return log;
}

describe('metrics of a running task', () => {
  const { db, conn } = useDatabase('metrics', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');

  it('serves /metrics whose counters, latency, queue depth, retry windows, full sync and status follow the task', { timeout: 120_000 }, async () => {
    const topic = uniqueName('metrics');
    await createTopic(topic);
    const dir = await tempDir('metrics');
    // Two rows before the start: the full sync copies them, as INIT records.
    await conn().query(`INSERT INTO ${db}.t VALUES (100, 'old'), (101, 'older')`);
    const task = taskFor(
      { database: db, tables: ['t'], topic, dir },
      {
        name: uniqueName('metrics'),
        syncTypes: ['full', 'incremental'],
        destinations: [
          { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' },
          // Never reachable: it acknowledges nothing and keeps its retry window open.
          { type: 'kafka', name: 'down', brokers: [CLOSED_PORT_BROKER], topic, format: 'canal-json' },
        ],
        advanced: { heartbeat: { table: `${db}.beat`, intervalSeconds: 1 } },
      },
    );
    const stop = new AbortController();
    const log = progressLogger();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    let listening!: (port: number) => void;
    const bound = new Promise<number>((resolve) => (listening = resolve));
    const outcome = runTaskLocally({
      task,
      origin: 'test',
      baseDir: process.cwd(),
      log,
      logOptions: { level: 'warn', format: 'text' },
      signal: stop.signal,
      onReaderReady: () => ready(),
      statusIntervalMs: 1_000,
      windows: { connectionMs: 600_000, otherMs: 60_000 },
      backoff: fastBackoff,
      statePollMs: 100,
      metricsPort: 0,
      onMetricsListening: (address) => listening(address.port),
      latencySampleMs: 1_000,
    });
    let port = 0;
    try {
      port = await Promise.race([bound, outcome.then((o) => Promise.reject(new Error(`the task ended first: ${o.status} ${o.error?.message ?? ''}`)))]);
      await Promise.race([isReady, outcome.then((o) => Promise.reject(new Error(`the task ended first: ${o.status} ${o.error?.message ?? ''}`)))]);

      // Only /metrics, only GET.
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics/x`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);

      // 5 rows in one transaction, 3 in their own.
      await conn().query(`INSERT INTO ${db}.t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')`);
      for (const id of [6, 7, 8]) await conn().query(`INSERT INTO ${db}.t VALUES (?, 'x')`, [id]);
      await consumeMessages(topic, 10);

      const k = { destination: 'kafka' };
      const d = { destination: 'down' };
      const m = await waitFor(
        async () => {
          const s = await scrape(port);
          // Delivered, committed and the full sync's end stored: then the numbers hold still.
          const settled = sampleValue(s, 'dts_delivered_records_total', k) === 10 && sampleValue(s, 'dts_queue_pending_batches', k) === 0 && s.get('dts_full_sync_completed')?.samples[0]?.value === 1;
          // The unreachable destination's first failure opens its stored window.
          return settled && sampleValue(s, 'dts_retry_window_open', { stage: 'deliver:down' }) === 1 && s;
        },
        30_000,
        "kafka to have acknowledged all 10 records, and down's retry window to be open",
      );

      expect([...m.keys()]).toEqual([
        'dts_task_status',
        'dts_read_records_total',
        'dts_queue_head_seq',
        'dts_delivered_records_total',
        'dts_latency_seconds',
        'dts_queue_pending_batches',
        'dts_queue_pending_records',
        'dts_retry_window_open',
        'dts_retry_window_open_seconds',
        'dts_retry_window_attempts',
        'dts_full_sync_tables',
        'dts_full_sync_tables_done',
        'dts_full_sync_rows',
        'dts_full_sync_completed',
      ]);
      for (const [name, family] of m) {
        expect(family.type, name).toBe(name.endsWith('_total') ? 'counter' : 'gauge');
        for (const sample of family.samples) expect(sample.labels.task, name).toBe(task.name);
      }
      const status = (s: Map<string, ParsedFamily>) => Object.fromEntries(s.get('dts_task_status')!.samples.map((x) => [x.labels.status, x.value]));
      expect(status(m)).toEqual({ RUNNING: 1, PAUSED: 0, STOPPED: 0, FAILED: 0, COMPLETED: 0 });
      // 2 copied rows + 8 written ones, read once each: no heartbeat, no DDL of the heartbeat table.
      expect(sampleValue(m, 'dts_read_records_total')).toBe(10);
      expect(sampleValue(m, 'dts_queue_pending_records', k)).toBe(0);
      // Heartbeats every second keep a caught-up destination's latency at seconds.
      const latency = sampleValue(m, 'dts_latency_seconds', k);
      expect(latency).toBeGreaterThanOrEqual(0);
      expect(latency).toBeLessThan(5);
      // The unreachable destination: nothing acknowledged, the whole queue pending, no latency sample.
      expect(sampleValue(m, 'dts_delivered_records_total', d)).toBe(0);
      expect(sampleValue(m, 'dts_queue_pending_records', d)).toBe(10);
      expect(sampleValue(m, 'dts_queue_pending_batches', d)).toBe(sampleValue(m, 'dts_queue_head_seq'));
      expect(sampleValue(m, 'dts_queue_head_seq')).toBeGreaterThanOrEqual(2);
      expect(m.get('dts_latency_seconds')!.samples.map((x) => x.labels.destination)).toEqual(['kafka']);
      const windows = (name: string) => Object.fromEntries(m.get(name)!.samples.map((x) => [x.labels.stage, x.value]));
      expect(windows('dts_retry_window_open')).toEqual({ reader: 0, 'deliver:kafka': 0, 'deliver:down': 1 });
      expect(windows('dts_retry_window_attempts')['deliver:down']).toBeGreaterThanOrEqual(1);
      expect(windows('dts_retry_window_attempts')['deliver:kafka']).toBe(0);
      expect(windows('dts_retry_window_open_seconds')['deliver:down']).toBeGreaterThanOrEqual(0);
      expect([sampleValue(m, 'dts_full_sync_tables'), sampleValue(m, 'dts_full_sync_tables_done'), sampleValue(m, 'dts_full_sync_rows')]).toEqual([1, 1, 2]);

      // The progress line carries each destination's DTS latency; the state the latency series.
      const line = await waitFor(() => log.progress.find((f) => typeof f['kafka.latencyMs'] === 'number'), 10_000, 'a progress line with kafka.latencyMs');
      expect(line['kafka.latencyMs'] as number).toBeLessThan(5_000);
      expect(line['down.latencyMs']).toBeNull();
      expect(line).toHaveProperty(['kafka.lagMs']);
      const series = await waitFor(
        async () => {
          const s = (await readTaskState(join(dir, 'state.json')))?.latencySeries?.kafka;
          return s && s.length >= 3 && s;
        },
        15_000,
        'three latency samples in the state',
      );
      const times = series.map(([at]) => at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size).toBe(times.length);
      expect(Math.max(...series.map(([, ms]) => ms))).toBeLessThan(5_000);
      expect((await readTaskState(join(dir, 'state.json')))!.latencySeries!.down).toBeUndefined();

      // dts status: the latency now and the stored series.
      const report = await taskStatus(task, process.cwd(), 'test');
      const kafka = report.destinations.find((x) => x.name === 'kafka')!;
      expect(kafka.latencyMs).toBeLessThan(5_000);
      expect(kafka.latencySeries.length).toBeGreaterThanOrEqual(3);
      expect(report.destinations.find((x) => x.name === 'down')).toMatchObject({ latencyMs: null, currentTo: null, latencySeries: [] });
      const text = formatStatus(report);
      expect(text).toMatch(
        /kafka \(kafka\): delivered up to batch \d+, lag 0 records in \d+ batches, latency \d+(\.\d)? m?s \(current to \d{4}-\d\d-\d\dT[\d:.]+Z\), highest [\d.]+ m?s in \d+ samples since /,
      );
      expect(text).toContain('down (kafka): delivered up to batch 0, lag 10 records in');
      expect(text).toContain('latency unknown (nothing acknowledged yet)');

      // A pause reaches the status gauge; the endpoint keeps serving while the task waits.
      await changeTaskLifecycle(task, process.cwd(), 'test', 'pause');
      const paused = await waitFor(
        async () => {
          const s = await scrape(port);
          return status(s).PAUSED === 1 && s;
        },
        10_000,
        'the PAUSED status gauge',
      );
      expect(status(paused)).toEqual({ RUNNING: 0, PAUSED: 1, STOPPED: 0, FAILED: 0, COMPLETED: 0 });
      expect(sampleValue(paused, 'dts_read_records_total')).toBe(10);
    } finally {
      stop.abort();
      await outcome;
    }
    expect((await outcome).status).toBe('STOPPED');
    // The endpoint ended with the task.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('npm start --metrics-port serves /metrics until the task ends; a bad or busy port exits 2', { timeout: 90_000 }, async () => {
    const dir = await tempDir('metrics-cli');
    const taskFile = await writeTaskFile(dir, {
      name: uniqueName('metricscli'),
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5000 + (process.pid % 1000) },
      objects: [{ database: db, tables: ['t'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: uniqueName('metricscli'), format: 'canal-json' }],
      queue: { type: 'file', dir: join(dir, 'queue') },
      advanced: { heartbeat: false },
    });
    const bad = startTaskProcess(taskFile, ['--metrics-port', 'nine']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toContain('--metrics-port must be a port number from 0 to 65535 (0: any free port), not "nine"');

    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const busyPort = (blocker.address() as { port: number }).port;
    try {
      const busy = startTaskProcess(taskFile, ['--metrics-port', String(busyPort)]);
      expect((await busy.exit).code).toBe(2);
      expect(busy.stderr()).toContain(`the metrics endpoint on 127.0.0.1:${busyPort} is in use: choose another --metrics-port`);
    } finally {
      blocker.close();
    }

    const run = startTaskProcess(taskFile, ['--metrics-port', '0']);
    try {
      await run.waitForLog('metrics endpoint listening');
      const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(run.stderr())![1]);
      await run.waitForLog('reader streaming');
      const m = await scrape(port);
      expect(sampleValue(m, 'dts_task_status', { status: 'RUNNING' })).toBe(1);
      expect(sampleValue(m, 'dts_read_records_total')).toBe(0);
      run.child.kill('SIGTERM');
      expect((await run.exit).code).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
