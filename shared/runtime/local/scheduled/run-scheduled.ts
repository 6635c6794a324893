/**
 * The deployed shape, locally (`npm start -- --as-deployed`): every fc3 function of s.yaml that has
 * an enabled timer trigger is invoked through its exported handler, with the timer event FC
 * delivers (`{ triggerTime, triggerName, payload }` as a Buffer) and an FC context carrying the
 * declared name, memory and timeout, on the trigger's schedule (UTC). As on FC:
 * - reserved concurrency 1 runs one invocation at a time per function; a tick that arrives while
 *   one runs is dropped and logged (FC throttles it and, with maxAsyncEventAgeInSeconds, drops it);
 * - the timeout is enforced: an invocation still running after it is reported timed out. An
 *   in-process call cannot be killed as FC kills an instance, so its slot stays taken until it
 *   returns (the entries stop themselves before the timeout: task-config.ts runBudgetMs);
 * - the task file is DTS_TASK_FILE and the working directory DTS_BASE_DIR, as s.yaml sets them on
 *   FC; s.yaml's other environment variables are for the cloud and are not read.
 * Unlike FC, each timer also fires once at start (FC's first `@every` tick comes one interval after
 * the deployment). Functions without enabled timer triggers are not invoked.
 *
 * The task's stored state is handled as `npm start` does: RUNNING at start (a pause survives), and
 * STOPPED when the signal aborts, which ends running invocations within about half a second; the
 * run returns once they have.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvariantError } from '../../../errors.ts';
import type { Logger } from '../../../log.ts';
import { loadTask, starting, withStatus } from '../../../task/index.ts';
import { createLocalContext } from '../../fc/context.ts';
import type { FcHandler } from '../../fc/handler.ts';
import { openTaskStateStore } from '../../task-state/state-store.ts';
import { DeployConfigError, readDeployedFunctions, type DeployedFunction, type DeployedTimer } from './deployed-functions.ts';
import { projectDir } from '../project-dir.ts';
import { createInvocationSlots, type InvocationSlots } from './invocation-slots.ts';
import { checkTimerPayloads } from './timer-payloads.ts';
import { parseTimerSchedule, TimerExpressionError } from './timer-schedule.ts';

export interface RunScheduledOptions {
  /** The s.yaml to read the functions and their triggers from. */
  readonly sYaml: string;
  readonly taskFile: string;
  /** The working directory of the functions (DTS_BASE_DIR): relative queue directories resolve from here. */
  readonly baseDir: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Where `functions/<dir>/index.ts` live (default: the repository's functions/). */
  readonly functionsDir?: string;
  /** Called after each tick: an invocation's end, or a dropped tick. */
  readonly onInvocation?: (report: InvocationReport) => void;
}

export interface InvocationReport {
  readonly function: string;
  readonly trigger: string;
  readonly outcome: 'succeeded' | 'failed' | 'timed-out' | 'dropped';
  readonly durationMs?: number;
  readonly result?: Record<string, unknown>;
  readonly error?: Error;
}

export interface FunctionCounts {
  invoked: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  dropped: number;
}

interface Scheduled {
  readonly fn: DeployedFunction;
  readonly handler: FcHandler;
  readonly slots: InvocationSlots;
  readonly counts: FunctionCounts;
}

/** The process environment carries the task file, as on FC: one scheduled run per process. */
let active = false;

/**
 * The handlers run from their TypeScript sources (functions/<dir>/index.ts, what `npm run build`
 * bundles for FC): from the bundle scripts/launch.mjs writes there is no TypeScript loader yet.
 */
let typeScriptLoader: Promise<void> | undefined;
function loadTypeScript(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  return (typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => void register()));
}

async function loadHandler(fn: DeployedFunction, functionsDir: string, sYaml: string): Promise<FcHandler> {
  await loadTypeScript();
  const [file, name] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.slice(fn.handler.lastIndexOf('.') + 1)];
  const path = join(functionsDir, fn.dir, `${file}.ts`);
  const mod = (await import(pathToFileURL(path).href).catch((err: Error) => {
    throw new DeployConfigError(sYaml, `resources.${fn.resource}.props.code`, `no function source at ${path} (code: ./dist/<dir> is built from functions/<dir>): ${err.message.split('\n')[0]}`, err);
  })) as Record<string, unknown>;
  const handler = mod[name];
  if (typeof handler !== 'function') throw new DeployConfigError(sYaml, `resources.${fn.resource}.props.handler`, `${path} exports no function "${name}"`);
  return handler as FcHandler;
}

export async function runScheduled(o: RunScheduledOptions): Promise<Record<string, FunctionCounts>> {
  if (active) throw new InvariantError('runScheduled is already running in this process (the task file is passed as DTS_TASK_FILE, one per process)');
  const deployed = await readDeployedFunctions(o.sYaml);
  const scheduled: Scheduled[] = [];
  for (const fn of deployed) {
    const timers = fn.timers.filter((t) => t.enabled);
    if (timers.length === 0 || fn.reservedConcurrency === 0) {
      o.log.info('not scheduled', {
        function: fn.resource,
        why: fn.reservedConcurrency === 0 ? 'reserved concurrency 0' : fn.timers.length === 0 ? 'no timer trigger' : 'its timer triggers are disabled',
      });
      continue;
    }
    const handler = await loadHandler(fn, o.functionsDir ?? join(projectDir(), 'functions'), o.sYaml);
    checkTimerPayloads(o.sYaml, fn, handler);
    scheduled.push({ fn: { ...fn, timers }, handler, slots: createInvocationSlots(fn.reservedConcurrency), counts: { invoked: 0, succeeded: 0, failed: 0, timedOut: 0, dropped: 0 } });
  }
  const startMs = Date.now();
  const schedules = scheduled.flatMap((s) =>
    s.fn.timers.map((timer) => {
      try {
        return { s, timer, schedule: parseTimerSchedule(timer.cronExpression, startMs) };
      } catch (err) {
        if (err instanceof TimerExpressionError) throw new DeployConfigError(o.sYaml, `${timer.path}.triggerConfig.cronExpression`, err.message);
        throw err;
      }
    }),
  );

  const task = await loadTask(o.taskFile);
  const store = await openTaskStateStore(task, o.baseDir, o.taskFile);
  const env = { DTS_TASK_FILE: process.env.DTS_TASK_FILE, DTS_BASE_DIR: process.env.DTS_BASE_DIR };
  active = true;
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  try {
    const state = await store.update(starting);
    if (state?.status === 'PAUSED') o.log.info('task paused: every function returns at once until `npm run dts -- resume`', { state: store.where });
    process.env.DTS_TASK_FILE = o.taskFile;
    process.env.DTS_BASE_DIR = o.baseDir;

    const invoke = (s: Scheduled, timer: DeployedTimer, atMs: number) => {
      if (o.signal.aborted) return;
      const fields = { function: s.fn.resource, trigger: timer.name };
      const release = s.slots.tryAcquire();
      if (!release) {
        s.counts.dropped += 1;
        o.log.warn('tick dropped: the previous invocation is still running (reserved concurrency)', { ...fields, reservedConcurrency: s.fn.reservedConcurrency });
        o.onInvocation?.({ ...fields, outcome: 'dropped' });
        return;
      }
      s.counts.invoked += 1;
      const event = Buffer.from(JSON.stringify({ triggerTime: new Date(atMs).toISOString(), triggerName: timer.name, payload: timer.payload }));
      const context = createLocalContext(s.fn.dir, { functionName: s.fn.functionName, handler: s.fn.handler, memory: s.fn.memory, timeoutSeconds: s.fn.timeoutSeconds, region: s.fn.region });
      const started = Date.now();
      let timedOut = false;
      const timeout = setTimeout(() => {
        timedOut = true;
        s.counts.timedOut += 1;
        o.log.error('invocation timed out; its slot stays taken until it returns', { ...fields, timeoutSeconds: s.fn.timeoutSeconds, requestId: context.requestId });
        o.onInvocation?.({ ...fields, outcome: 'timed-out', durationMs: Date.now() - started });
      }, s.fn.timeoutSeconds * 1000);
      const call = s.handler(event, context).then(
        (result) => {
          if (timedOut) return;
          s.counts.succeeded += 1;
          o.onInvocation?.({ ...fields, outcome: 'succeeded', durationMs: Date.now() - started, result });
        },
        (err: Error) => {
          if (timedOut) return;
          s.counts.failed += 1;
          o.log.warn('invocation failed; the next tick retries', { ...fields, error: err.message, code: (err as { code?: string }).code });
          o.onInvocation?.({ ...fields, outcome: 'failed', durationMs: Date.now() - started, error: err });
        },
      );
      const done = call.finally(() => {
        clearTimeout(timeout);
        release();
        running.delete(done);
      });
      running.add(done);
    };

    for (const { s, timer, schedule } of schedules) {
      o.log.info('scheduled', {
        function: s.fn.resource,
        trigger: timer.name,
        cron: timer.cronExpression,
        timeoutSeconds: s.fn.timeoutSeconds,
        reservedConcurrency: s.fn.reservedConcurrency ?? 'none',
      });
      const arm = () => {
        if (o.signal.aborted) return;
        const at = schedule.next(Date.now());
        // setTimeout holds at most ~24.8 days; a sparse cron re-arms in steps.
        const handle = setTimeout(
          () => {
            timers.delete(handle);
            if (Date.now() + 1_000 >= at) invoke(s, timer, at);
            arm();
          },
          Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1),
        );
        timers.add(handle);
      };
      invoke(s, timer, Date.now()); // locally, once at start (FC waits one interval)
      arm();
    }

    if (!o.signal.aborted) await new Promise<void>((resolve) => o.signal.addEventListener('abort', () => resolve(), { once: true }));
    for (const t of timers) clearTimeout(t);
    // As Ctrl-C on `npm start`: a running task is recorded STOPPED, which the running entries see.
    await store.update((current) => (current === null || current.status === 'RUNNING' ? withStatus('STOPPED')(current) : null));
    o.log.info('stopping: waiting for running invocations', { running: running.size });
    while (running.size > 0) await Promise.allSettled([...running]);
    return Object.fromEntries(scheduled.map((s) => [s.fn.resource, s.counts]));
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    active = false;
    await store.close();
  }
}
