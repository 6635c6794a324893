/**
 * The deployed shape run locally against the stack: runScheduled reads an s.yaml written here
 * (seconds instead of s.yaml's minutes), and invokes the real functions/ handlers on their timers
 * with FC's timer events, on a file queue and a Kafka destination. Rows written to the source
 * arrive in Kafka once each, in order, carried only by reader and deliver-kafka invocations; the
 * heartbeat function wrote its row; reader ticks that came while an invocation ran were dropped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import { readTaskState } from '../../shared/task/index.ts';
import { runScheduled, type InvocationReport } from '../../shared/runtime/local/scheduled/run-scheduled.ts';
import { startTaskProcess } from '../helpers/cli.ts';
import { masterStatus } from '../helpers/kafka-read.ts';
import { consumeMessages, createTopic, stack, tempDir, topicHighWatermark, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';

const { db, conn } = useDatabase('scheduled', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
const topic = uniqueName('scheduled');
const logLevel = process.env.DTS_LOG_LEVEL;
beforeAll(async () => {
  await createTopic(topic);
  process.env.DTS_LOG_LEVEL = 'warn'; // the functions' own invocation lines
});
afterAll(() => {
  if (logLevel === undefined) delete process.env.DTS_LOG_LEVEL;
  else process.env.DTS_LOG_LEVEL = logLevel;
});

const timer = (name: string, cron: string, payload: object, enable = true) => [
  { triggerName: name, triggerType: 'timer', qualifier: 'LATEST', triggerConfig: { cronExpression: cron, enable, payload: JSON.stringify(payload) } },
];
const fc3 = (dir: string, timeout: number, triggers: object[] = []) => ({
  component: 'fc3',
  props: {
    region: '${vars.region}',
    functionName: `dts-${dir}`,
    runtime: 'nodejs20',
    code: `./dist/${dir}`,
    handler: 'index.handler',
    memorySize: 512,
    timeout,
    environmentVariables: '${vars.env}',
    concurrencyConfig: { reservedConcurrency: 1 },
    triggers,
  },
});

describe('the deployed shape, locally', () => {
  it('moves rows to Kafka once each, in order, through reader and deliver-kafka invocations on their timers', { timeout: 90_000 }, async () => {
    const dir = await tempDir('scheduled');
    const name = uniqueName('sched').replaceAll('_', '-').slice(0, 60);
    const sYaml = join(dir, 's.yaml');
    await writeFile(
      sYaml,
      stringify({
        edition: '3.0.0',
        name: 'scheduled-test',
        // Environment variables are for the cloud: the runner must not need these.
        vars: { region: 'cn-hangzhou', env: { DTS_TASK_FILE: '/code/task.yaml', MYSQL_PASSWORD: "${env('MYSQL_PASSWORD')}" } },
        resources: {
          // Each invocation reads for 3 s on a 2 s timer: the tick in between is dropped.
          reader: fc3('reader', 10, timer('keep-alive', '@every 2s', { maxRunMs: 3_000 })),
          'deliver-kafka': fc3('deliver-kafka', 10, timer('drain', '@every 2s', { maxRunMs: 3_000, idleMs: 500 })),
          heartbeat: fc3('heartbeat', 10, timer('beat', '@every 3s', {})),
          latency: fc3('latency', 10, timer('measure', '@every 3s', { scanRecords: 1_000 })),
          'retry-window': fc3('retry-window', 10, timer('check', '@every 4s', {})),
          'full-sync': fc3('full-sync', 10, timer('rebaseline', '0 0 3 * * *', {}, false)),
          // Invoked on demand only (no timer), like the control function.
          'on-demand': fc3('full-sync', 10),
        },
      }),
    );
    const taskFile = join(dir, 'task.yaml');
    await writeFile(
      taskFile,
      stringify({
        name,
        // A fixed start: rows written before the first invocation streams are read too.
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5821, start: await masterStatus(conn()) },
        objects: [{ database: db, tables: ['t'] }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
        queue: { type: 'file', dir: 'queue' },
        // Outside the selected database: the heartbeat's CREATE DATABASE IF NOT EXISTS is a DDL of the database it names.
        advanced: { heartbeat: { table: 'dts.dts_heartbeat', intervalSeconds: 10 } },
      }),
    );

    const reports: InvocationReport[] = [];
    const stop = new AbortController();
    const run = runScheduled({ sYaml, taskFile, baseDir: dir, log: silentLogger, signal: stop.signal, onInvocation: (r) => reports.push(r) });
    const of = (fn: string, outcome: InvocationReport['outcome']) => reports.filter((r) => r.function === fn && r.outcome === outcome);
    let counts;
    try {
      await conn().query(`INSERT INTO ${db}.t VALUES (1, 'one'), (2, 'two')`);
      await waitFor(() => of('reader', 'succeeded').length >= 1, 20_000, 'a first reader invocation');
      // Written between and during later reader invocations: each resumes from the queue.
      await conn().query(`INSERT INTO ${db}.t VALUES (3, 'three')`);
      await conn().query(`UPDATE ${db}.t SET v = 'uno' WHERE id = 1`);
      await new Promise((r) => setTimeout(r, 2_500));
      await conn().query(`DELETE FROM ${db}.t WHERE id = 2`);
      await conn().query(`INSERT INTO ${db}.t VALUES (4, 'four')`);

      const messages = (await consumeMessages(topic, 6, 40_000)).map((m) => m.json as { type: string; id: number; data: { id: string; v: string }[] });
      expect(messages.map((m) => [m.type, m.data[0]!.id, m.data[0]!.v])).toEqual([
        ['INSERT', '1', 'one'],
        ['INSERT', '2', 'two'],
        ['INSERT', '3', 'three'],
        ['UPDATE', '1', 'uno'],
        ['DELETE', '2', 'two'],
        ['INSERT', '4', 'four'],
      ]);
      expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6]);

      // Once each: two more deliverer invocations after the last row arrived add nothing.
      const drained = of('deliver-kafka', 'succeeded').length;
      await waitFor(() => of('deliver-kafka', 'succeeded').length >= drained + 2, 20_000, 'two more deliver-kafka invocations');
      expect(await topicHighWatermark(topic)).toBe(6);
      const delivered = of('deliver-kafka', 'succeeded').map((r) => (r.result as { delivered: { kafka: number } }).delivered.kafka);
      expect(delivered.reduce((a, b) => a + b, 0)).toBe(6);
      expect(of('reader', 'succeeded').reduce((n, r) => n + (r.result as { records: number }).records, 0)).toBe(6);

      // The heartbeat function's row, and the read-only timers ran on the same task.
      const [beats] = (await conn().query('SELECT task FROM dts.dts_heartbeat WHERE task = ?', [name])) as unknown as [{ task: string }[]];
      expect(beats).toEqual([{ task: name }]);
      expect(of('heartbeat', 'succeeded')[0]!.result).toMatchObject({ task: name, status: 'RUNNING', heartbeat: { table: 'dts.dts_heartbeat', written: true } });
      expect(of('latency', 'succeeded').at(-1)!.result).toMatchObject({ task: name, destinations: { kafka: { behindBatches: 0 } } });
      expect(of('retry-window', 'succeeded')[0]!.result).toMatchObject({ task: name, status: 'RUNNING', recorded: true });
    } finally {
      stop.abort();
      counts = await run;
      await conn()
        .query('DELETE FROM dts.dts_heartbeat WHERE task = ?', [name])
        .catch(() => {});
    }

    // One reader at a time: its 3 s invocations on a 2 s timer had ticks dropped.
    expect(counts.reader!.dropped).toBeGreaterThanOrEqual(1);
    expect(of('reader', 'dropped')).toHaveLength(counts.reader!.dropped);
    expect(Object.keys(counts).sort()).toEqual(['deliver-kafka', 'heartbeat', 'latency', 'reader', 'retry-window']);
    expect(reports.filter((r) => r.outcome === 'failed' || r.outcome === 'timed-out').map((r) => [r.function, r.error?.message])).toEqual([]);
    for (const c of Object.values(counts)) expect(c.invoked).toBe(c.succeeded);
    // Ctrl-C: the task is recorded STOPPED, which ended the running invocations early.
    expect(await readTaskState(join(dir, 'queue', 'state.json'))).toMatchObject({ status: 'STOPPED' });
  });

  it('npm start -- --as-deployed: the functions on their timers until SIGINT (exit 0, STOPPED); an s.yaml it cannot run exits 2 naming the path', { timeout: 60_000 }, async () => {
    const dir = await tempDir('scheduled-cli');
    const taskFile = join(dir, 'task.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'scheduled-cli',
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5822 },
        objects: [{ database: db, tables: ['t'] }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
        queue: { type: 'file', dir: join(dir, 'queue') },
        advanced: { heartbeat: false },
      }),
    );
    const sYaml = join(dir, 's.yaml');
    await writeFile(
      sYaml,
      stringify({
        edition: '3.0.0',
        resources: { reader: fc3('reader', 10, timer('keep-alive', '@every 1m', { maxRunMs: 600_000 })), 'retry-window': fc3('retry-window', 10, timer('check', '@every 1s', {})) },
      }),
    );
    process.env.DTS_LOG_LEVEL = 'info'; // the child's functions log their invocations, read below
    const task = startTaskProcess(taskFile, ['--as-deployed', '--s-yaml', sYaml]);
    await task.waitForLog('"function":"retry-window","trigger":"check","cron":"@every 1s"');
    await waitFor(() => task.stderr().split('invocation finished {"function":"retry-window"').length > 2, 20_000, 'two retry-window invocations');
    await task.waitForLog('reader starting');
    task.child.kill('SIGINT');
    // The reader's 10-minute invocation ends with the STOPPED state, not at its budget.
    const started = Date.now();
    expect(await task.exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(task.stderr()).toMatch(/invocation finished \{"function":"reader"/);
    expect(await readTaskState(join(dir, 'queue', 'state.json'))).toMatchObject({ status: 'STOPPED' });

    await writeFile(sYaml, stringify({ edition: '3.0.0', resources: { latency: fc3('latency', 10, timer('measure', '@every 1m', { scanRecords: 'all' })) } }));
    const bad = startTaskProcess(taskFile, ['--as-deployed', '--s-yaml', sYaml]);
    expect(await bad.exit).toEqual({ code: 2, signal: null });
    expect(bad.stderr()).toContain(`${sYaml}: resources.latency.props.triggers[0].triggerConfig.payload: latency: invalid event: "scanRecords": expected a whole number of records > 0`);
    expect(bad.stderr()).toContain('got "all" (a string)');
  });
});
