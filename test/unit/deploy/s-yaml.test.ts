/**
 * s.yaml against the build: every function folder is declared and every declared function is
 * built, its handler file exists and exports the named function (imported by plain Node, as FC
 * does), the props stay within FC 3.0's limits, and every timer's schedule and payload are what
 * FC accepts (specs/function-compute.md §1.2).
 */
import { CronExpressionParser } from 'cron-parser';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions, type BuildResult } from '../../../scripts/build.ts';
import { invokeBuilt } from './run-built.ts';
import { resolvedProps } from './s-vars.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
/** Resource names, read now so that each function gets tests of its own. */
const declared = Object.keys((parse(readFileSync(join(repo, 's.yaml'), 'utf8')) as { resources: object }).resources);

interface Trigger {
  triggerName: string;
  triggerType: string;
  qualifier?: string;
  triggerConfig: { cronExpression: string; enable: boolean; payload?: string };
}
interface Props {
  region: string;
  functionName: string;
  runtime: string;
  code: string;
  handler: string;
  memorySize: number;
  timeout: number;
  environmentVariables: Record<string, string>;
  vpcConfig: { vpcId: string; vSwitchIds: string[]; securityGroupId: string };
  concurrencyConfig?: { reservedConcurrency: number };
  triggers?: Trigger[];
}
interface SYaml {
  edition: string;
  vars: Record<string, unknown>;
  resources: Record<string, { component: string; props: Record<string, unknown> }>;
}

/** FC timer schedules: `@every <n>m|h`, or six cron fields (seconds first), optionally after CRON_TZ=<zone>. */
export function checkFcSchedule(expression: string): string | null {
  if (expression.startsWith('@every')) return /^@every [1-9][0-9]*[mh]$/.test(expression) ? null : `"${expression}" is not @every <n>m or @every <n>h`;
  const m = /^(?:CRON_TZ=(\S+) )?(.*)$/.exec(expression)!;
  const fields = m[2]!.trim().split(/\s+/);
  if (fields.length !== 6) return `"${expression}" has ${fields.length} fields; FC's cron has 6 (seconds minutes hours day-of-month month day-of-week)`;
  try {
    CronExpressionParser.parse(m[2]!, { tz: m[1] ?? 'UTC', strict: false }).next();
    return null;
  } catch (err) {
    return `"${expression}": ${(err as Error).message}`;
  }
}

describe('FC timer schedule check', () => {
  it.each([
    ['@every 1m', null],
    ['@every 2h', null],
    ['0 0 3 * * *', null],
    ['CRON_TZ=Asia/Shanghai 0 0 4 1 * *', null],
    ['0 30 2 * * MON-FRI', null],
  ])('accepts %s', (expression, expected) => expect(checkFcSchedule(expression)).toBe(expected));

  it.each(['@every 1s', '@every 0m', '@every m', '0 3 * * *', '0 0 25 * * *', '0 61 3 * * *', 'CRON_TZ=Nowhere/City 0 0 3 * * *'])('refuses %s', (expression) => {
    expect(checkFcSchedule(expression)).toMatch(/\S/);
  });
});

describe('s.yaml against the build', () => {
  let doc: SYaml;
  let resources: [string, Props][];
  let folders: string[];
  const outdir = join(tmpdir(), `dts-build-${process.pid}-${Date.now().toString(36)}`);
  let build: BuildResult;

  beforeAll(async () => {
    doc = parse(await readFile(join(repo, 's.yaml'), 'utf8')) as SYaml;
    // Placeholders resolved as the s CLI would, with test values for ${env(...)} (s-vars.ts).
    resources = Object.entries(resolvedProps(doc)).map(([name, props]) => [name, props as unknown as Props]);
    folders = (await readdir(join(repo, 'functions'), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    build = await buildFunctions({ outdir });
  }, 180_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('is a Serverless Devs 3 file whose resources all use the fc3 component', () => {
    expect(doc.edition).toBe('3.0.0');
    expect(Object.values(doc.resources).map((r) => r.component)).toEqual(Object.keys(doc.resources).map(() => 'fc3'));
  });

  it('declares every function folder, and nothing that is not one', () => {
    expect(Object.keys(doc.resources).sort()).toEqual(folders);
    expect(build.functions.map((f) => f.name)).toEqual(folders);
  });

  it.each(declared)('%s: points at its build directory, whose handler file exports the handler', { timeout: 60_000 }, async (name) => {
    const props = resources.find(([n]) => n === name)![1];
    expect(props.code).toBe(`./dist/${name}`);
    expect(props.runtime).toBe('nodejs20');
    const [file, exportName] = props.handler.split('.') as [string, string];
    expect(existsSync(join(outdir, name, `${file}.js`)), `${file}.js in the build`).toBe(true);
    // FC's nodejs20 runtime loads index.js as ESM only with "type": "module" beside it.
    expect(JSON.parse(await readFile(join(outdir, name, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    const loaded = await invokeBuilt(outdir, name, {}, { cwd: tmpdir(), exportName, onlyTypeof: true });
    expect(loaded.type, `typeof index.${exportName}`).toBe('function');
  });

  it('keeps memory and timeout within FC 3.0 limits and names each function uniquely', () => {
    for (const [name, props] of resources) {
      expect(props.memorySize % 64, `${name}.memorySize is a multiple of 64`).toBe(0);
      expect(props.memorySize).toBeGreaterThanOrEqual(128);
      expect(props.memorySize).toBeLessThanOrEqual(32768);
      expect(props.timeout).toBeGreaterThanOrEqual(1);
      expect(props.timeout).toBeLessThanOrEqual(86400);
      expect(props.functionName).toMatch(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/);
    }
    expect(new Set(resources.map(([, p]) => p.functionName)).size).toBe(resources.length);
  });

  it.each(declared)('%s: gets the task file of the build, a writable base directory and the VPC', (name) => {
    const props = resources.find(([n]) => n === name)![1];
    expect(props.environmentVariables).toMatchObject({ DTS_TASK_FILE: '/code/task.yaml', DTS_BASE_DIR: '/tmp', DTS_LOG_FORMAT: 'json' });
    expect(existsSync(join(outdir, name, 'task.yaml')), 'task.yaml in the build').toBe(true);
    expect(props.vpcConfig).toEqual({ vpcId: expect.stringMatching(/^vpc-/), vSwitchIds: [expect.stringMatching(/^vsw-/)], securityGroupId: expect.stringMatching(/^sg-/) });
  });

  it('runs the reader and each deliverer as a single instance', () => {
    const single = resources.filter(([name]) => name === 'reader' || name.startsWith('deliver-'));
    expect(single.map(([name]) => name)).toEqual(expect.arrayContaining(['reader', 'deliver-kafka']));
    for (const [name, props] of single) expect(props.concurrencyConfig?.reservedConcurrency, name).toBe(1);
  });

  it('has timers FC accepts: schedules parse, payloads are JSON objects', () => {
    const timers = resources.flatMap(([name, props]) => (props.triggers ?? []).filter((t) => t.triggerType === 'timer').map((t) => [name, t] as const));
    for (const [name, t] of timers) {
      const where = `${name}.triggers.${t.triggerName}`;
      expect(checkFcSchedule(t.triggerConfig.cronExpression), where).toBeNull();
      expect(typeof t.triggerConfig.enable, where).toBe('boolean');
      expect(t.qualifier, where).toBe('LATEST');
      const payload: unknown = JSON.parse(t.triggerConfig.payload ?? '{}');
      expect(payload !== null && typeof payload === 'object' && !Array.isArray(payload), `${where}.payload is a JSON object`).toBe(true);
    }
    // Every function of the project runs on a timer (the reader kept alive, deliverers draining,
    // full-sync's re-baseline, and the operations functions) but control, invoked on demand.
    expect(new Set(timers.map(([name]) => name))).toEqual(new Set(folders.filter((name) => name !== 'control')));
    expect(resources.find(([name]) => name === 'control')?.[1].triggers).toBeUndefined();
    expect(timers.find(([name]) => name === 'reader')?.[1].triggerConfig).toMatchObject({ cronExpression: '@every 1m', enable: true });
  });
});
