/**
 * The scheduled runner against handlers written by the test (no stack needed): each timer fires at
 * start and then on its schedule, with FC's timer event and a context from s.yaml; reserved
 * concurrency 1 drops the ticks that arrive while an invocation runs, an unreserved function
 * overlaps, the timeout is reported while the slot stays taken, functions without enabled timers
 * are not invoked, and the run returns only after every invocation returned.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/log.ts';
import { readTaskState } from '../../../../shared/task/index.ts';
import { runScheduled, type InvocationReport } from '../../../../shared/runtime/local/scheduled/run-scheduled.ts';
import { tempDir } from '../../../helpers/stack.ts';

interface Call {
  fn: string;
  event: Record<string, unknown>;
  timeout: number;
  memory: number;
  taskFile: string | undefined;
  start: number;
  end: number;
}
const calls: Call[] = [];
(globalThis as { __scheduledCalls?: Call[] }).__scheduledCalls = calls;

const HANDLER = `
export const handler = async (event, context) => {
  const e = JSON.parse(event.toString('utf8'));
  const p = JSON.parse(e.payload);
  const call = { fn: context.function.name, event: e, timeout: context.function.timeout, memory: context.function.memory, taskFile: process.env.DTS_TASK_FILE, start: Date.now(), end: 0 };
  globalThis.__scheduledCalls.push(call);
  await new Promise((r) => setTimeout(r, p.sleepMs));
  call.end = Date.now();
  if (p.fail) throw Object.assign(new Error('planned failure'), { code: 'PLANNED' });
  return { slept: p.sleepMs };
};
`;

const timer = (cron: string, payload: object, enable = true) => ({
  triggerName: 'tick',
  triggerType: 'timer',
  qualifier: 'LATEST',
  triggerConfig: { cronExpression: cron, enable, payload: JSON.stringify(payload) },
});
const fc3 = (dir: string, props: object) => ({
  component: 'fc3',
  props: { region: '${vars.region}', functionName: `dts-${dir}`, runtime: 'nodejs20', code: `./dist/${dir}`, handler: 'index.handler', memorySize: 256, ...props },
});

/** Longest number of invocations of `fn` running at once. */
function maxOverlap(fn: string, until: number): number {
  const edges = calls
    .filter((c) => c.fn === fn)
    .flatMap(
      (c) =>
        [
          [c.start, 1],
          [c.end || until, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

describe('runScheduled', () => {
  it('invokes on the declared schedules, one at a time under reserved concurrency 1, and waits for running invocations', { timeout: 30_000 }, async () => {
    const dir = await tempDir('scheduled-unit');
    const functionsDir = join(dir, 'functions');
    for (const name of ['slow', 'free', 'hung', 'manual', 'off']) {
      await mkdir(join(functionsDir, name), { recursive: true });
      await writeFile(join(functionsDir, name, 'index.ts'), HANDLER);
    }
    const sYaml = join(dir, 's.yaml');
    await writeFile(
      sYaml,
      stringify({
        edition: '3.0.0',
        vars: { region: 'cn-test' },
        resources: {
          slow: fc3('slow', {
            timeout: 20,
            concurrencyConfig: { reservedConcurrency: 1 },
            triggers: [timer('@every 1s', { sleepMs: 2300 }), { triggerName: 'web', triggerType: 'http', triggerConfig: { methods: ['GET'] } }],
          }),
          free: fc3('free', { timeout: 20, triggers: [timer('@every 1s', { sleepMs: 1600 })] }),
          hung: fc3('hung', { timeout: 1, concurrencyConfig: { reservedConcurrency: 1 }, triggers: [timer('@every 1s', { sleepMs: 2600, fail: true })] }),
          manual: fc3('manual', { timeout: 5 }),
          off: fc3('off', { timeout: 5, triggers: [timer('0 0 3 * * *', { sleepMs: 1 }, false)] }),
          site: { component: 'fc3-domain', props: { domainName: 'auto' } },
        },
      }),
    );
    const taskFile = join(dir, 'task.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'sched',
        source: { host: '127.0.0.1', port: 1, user: 'root', password: '', serverId: 7001 },
        objects: [{ database: 'd' }],
        destinations: [{ type: 'kafka', name: 'k', brokers: ['127.0.0.1:1'], topic: 't' }],
        queue: { type: 'file', dir: `${dir}/queue` },
      }),
    );

    const reports: (InvocationReport & { at: number })[] = [];
    const stop = new AbortController();
    const startedAt = Date.now();
    const run = runScheduled({ sYaml, taskFile, baseDir: dir, log: silentLogger, signal: stop.signal, functionsDir, onInvocation: (r) => reports.push({ ...r, at: Date.now() }) });
    await new Promise((r) => setTimeout(r, 4_400));
    expect(await readTaskState(join(dir, 'queue', 'state.json'))).toMatchObject({ status: 'RUNNING' });
    stop.abort();
    const counts = await run;
    const returnedAt = Date.now();

    // Every timer fired at start, not one interval later.
    for (const fn of ['dts-slow', 'dts-free', 'dts-hung']) expect(calls.find((c) => c.fn === fn)!.start - startedAt).toBeLessThan(800);
    expect(calls.some((c) => c.fn === 'dts-manual' || c.fn === 'dts-off')).toBe(false);
    expect(Object.keys(counts).sort()).toEqual(['free', 'hung', 'slow']);

    // FC's timer event, the context from s.yaml, the task file as DTS_TASK_FILE.
    const first = calls.find((c) => c.fn === 'dts-slow')!;
    expect(Object.keys(first.event)).toEqual(['triggerTime', 'triggerName', 'payload']);
    expect(first.event).toMatchObject({ triggerName: 'tick', payload: '{"sleepMs":2300}' });
    expect(Date.parse(first.event.triggerTime as string)).toBeGreaterThanOrEqual(startedAt);
    expect([first.timeout, first.memory, first.taskFile]).toEqual([20, 256, taskFile]);
    expect(process.env.DTS_TASK_FILE).not.toBe(taskFile);

    // Reserved concurrency 1: never two at once, ticks in between dropped; without it they overlap.
    expect(maxOverlap('dts-slow', returnedAt)).toBe(1);
    // 2.3 s calls on a 1 s timer over 4.4 s: at 0 and 3 s (ticks at 1, 2 and 4 s dropped).
    expect(counts.slow!.invoked).toBe(2);
    expect(counts.slow!.dropped).toBeGreaterThanOrEqual(2);
    expect(reports.filter((r) => r.function === 'slow' && r.outcome === 'dropped')).toHaveLength(counts.slow!.dropped);
    expect(reports.filter((r) => r.function === 'slow' && r.outcome === 'succeeded').map((r) => r.result)).toEqual([{ slept: 2300 }, { slept: 2300 }]);
    expect(calls.filter((c) => c.fn === 'dts-slow')).toHaveLength(2);
    expect(maxOverlap('dts-free', returnedAt)).toBeGreaterThanOrEqual(2);
    expect(counts.free!.dropped).toBe(0);
    expect(counts.free!.invoked).toBeGreaterThanOrEqual(4);

    // Timeout 1 s: reported timed out (not failed: FC reports the timeout), the slot held until the call returned.
    const hung = reports.filter((r) => r.function === 'hung' && r.outcome !== 'dropped');
    expect(hung.map((r) => r.outcome)).toEqual(hung.map(() => 'timed-out'));
    expect(hung.length).toBeGreaterThanOrEqual(1);
    expect(hung[0]!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(hung[0]!.durationMs).toBeLessThan(2_000);
    expect(counts.hung!.dropped).toBeGreaterThanOrEqual(1);
    expect(maxOverlap('dts-hung', returnedAt)).toBe(1);
    expect(counts.hung).toMatchObject({ failed: 0, succeeded: 0 });
    expect(counts.hung!.timedOut).toBe(counts.hung!.invoked);

    // The run returned after every invocation had, and recorded the task STOPPED.
    expect(calls.every((c) => c.end > 0 && c.end <= returnedAt)).toBe(true);
    expect(returnedAt - startedAt).toBeGreaterThan(4_400 + 500);
    expect(await readTaskState(join(dir, 'queue', 'state.json'))).toMatchObject({ status: 'STOPPED' });
  });

  it('refuses a schedule or a payload it cannot run, naming the s.yaml path', async () => {
    const dir = await tempDir('scheduled-unit-bad');
    const sYaml = join(dir, 's.yaml');
    const run = (resources: object) =>
      writeFile(sYaml, stringify({ edition: '3.0.0', resources })).then(() => runScheduled({ sYaml, taskFile: join(dir, 'task.yaml'), baseDir: dir, log: silentLogger, signal: AbortSignal.abort() }));
    await expect(run({ reader: fc3('reader', { timeout: 5, triggers: [timer('0 3 * * *', {})] }) })).rejects.toThrow(
      `${sYaml}: resources.reader.props.triggers[0].triggerConfig.cronExpression: "0 3 * * *" has 5 fields; FC's cron has 6`,
    );
    await expect(run({ reader: fc3('reader', { timeout: 5, triggers: [timer('@every 1m', { maxRunMs: -1 })] }) })).rejects.toThrow(
      `${sYaml}: resources.reader.props.triggers[0].triggerConfig.payload: reader: invalid event: "maxRunMs": expected a whole number of milliseconds > 0`,
    );
    await expect(run({ reader: fc3('nowhere', { timeout: 5, triggers: [timer('@every 1m', {})] }) })).rejects.toMatchObject({
      code: 'DTS_DEPLOY_CONFIG',
      context: { path: 'resources.reader.props.code' },
    });
    await expect(run({ reader: fc3('reader', { timeout: 'long' }) })).rejects.toThrow(`${sYaml}: resources.reader.props.timeout: `);
  });
});
