/**
 * `npm run build`: the lists of what cannot be bundled are complete (native addons in the
 * production dependencies, packages loaded by file at run time), the directories carry only the
 * linux-x64-gnu binaries, each function carries the sink of its own destination type only, and the
 * bundles run in plain Node as FC runs them: latency and retry-window on a file queue,
 * deliver-kafka (native LZ4 and CRC32C) against the local Kafka.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions, destinationTypesOf, NATIVE_PACKAGES, RUNTIME_REQUIRED, TARGET_PLATFORM, type BuildResult } from '../../../scripts/build.ts';
import { destinationModules } from '../../../shared/sink/registry.ts';
import { createFileQueue } from '../../../shared/queue/file/index.ts';
import { readTaskState, writeTaskState } from '../../../shared/task/index.ts';
import { makeBatch } from '../../helpers/queue-batches.ts';
import { stack, tempDir } from '../../helpers/stack.ts';
import { invokeBuilt } from './run-built.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

async function filesUnder(dir: string, keep: (file: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && keep(join(e.parentPath, e.name))).map((e) => join(e.parentPath, e.name));
}

/** Installed directories of the production dependency closure, by package name. */
async function productionPackages(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (name: string, from: string) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        if (found.has(name)) return;
        found.set(name, candidate);
        const pkg = JSON.parse(await readFile(join(candidate, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
        for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]) await visit(dep, candidate);
        return;
      }
      if (dirname(dir) === dir) return; // an optional dependency for another platform
    }
  };
  const root = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { dependencies: object };
  for (const dep of Object.keys(root.dependencies)) await visit(dep, repo);
  return found;
}

describe('what the build cannot bundle', () => {
  it('lists every production package with a native binary', async () => {
    const packages = await productionPackages();
    const owners = new Set<string>();
    for (const [name, dir] of packages) {
      const binaries = await filesUnder(dir, (f) => f.endsWith('.node') && !relative(dir, f).includes('node_modules'));
      if (binaries.length === 0) continue;
      // A napi-rs platform package (`<scope>/<name>-linux-x64-gnu`) belongs to the package listing it.
      const owner = [...packages].find(([, d]) => {
        const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
        return pkg.optionalDependencies?.[name] !== undefined;
      });
      owners.add(owner ? owner[0] : name);
    }
    expect([...owners].sort()).toEqual([...NATIVE_PACKAGES].sort());
  });

  it('lists every package a module loads through its own createRequire', async () => {
    const sources = await filesUnder(join(repo, 'shared'), (f) => f.endsWith('.ts'));
    const found: string[] = [];
    for (const file of sources) {
      const text = await readFile(file, 'utf8');
      if (!/=\s*createRequire\(import\.meta\.url\)/.test(text)) continue;
      for (const m of text.matchAll(/\brequire(?:\.resolve)?\(\s*'([^']+)'/g)) {
        const spec = m[1]!;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        found.push(`${pkg} ← ${relative(repo, file)}`);
      }
    }
    // Both ways: every such require is listed, and every listed module still does one.
    const listed = Object.entries(RUNTIME_REQUIRED).flatMap(([pkg, files]) => files.map((file) => `${pkg} ← ${file}`));
    expect([...new Set(found)].sort()).toEqual(listed.sort());
  });
});

describe('the built functions', () => {
  const outdir = join(tmpdir(), `dts-build-run-${process.pid}-${Date.now().toString(36)}`);
  let build: BuildResult;
  let work: string;

  beforeAll(async () => {
    build = await buildFunctions({ outdir, functions: ['latency', 'retry-window', 'deliver-kafka', 'deliver-fc', 'reader', 'control'] });
    work = await tempDir('built');
  }, 180_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('carry only linux-x64-gnu binaries, no sources or docs of their packages, and stay small', async () => {
    const kafka = build.functions.find((f) => f.name === 'deliver-kafka')!;
    const binaries = (await filesUnder(join(kafka.dir, 'node_modules'), (f) => f.endsWith('.node'))).map((f) => relative(kafka.dir, f)).sort();
    expect(binaries).toEqual([
      'node_modules/@antoniomuso/lz4-napi-linux-x64-gnu/lz4-napi.linux-x64-gnu.node',
      'node_modules/@napi-rs/snappy-linux-x64-gnu/snappy.linux-x64-gnu.node',
      'node_modules/@node-rs/crc32-linux-x64-gnu/crc32.linux-x64-gnu.node',
    ]);
    expect(binaries.every((b) => b.includes(TARGET_PLATFORM))).toBe(true);
    expect(kafka.packages).toEqual(expect.arrayContaining(['kafkajs', 'lz4-napi', 'snappy', '@node-rs/crc32']));
    expect(await filesUnder(join(kafka.dir, 'node_modules'), (f) => /\.(ts|md|map)$/.test(f))).toEqual([]);
    // The reader needs no native module: nothing to copy.
    expect(build.functions.find((f) => f.name === 'reader')!.packages).toEqual([]);
    expect(existsSync(join(outdir, 'reader', 'node_modules'))).toBe(false);
    for (const f of build.functions) expect(f.bytes, `${f.name} is ${(f.bytes / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(16 * 2 ** 20);
  });

  it('carry the sink of their own destination type only: no kafkajs in deliver-fc, no FC SDK in deliver-kafka, no sink client elsewhere', () => {
    const fn = (name: string) => build.functions.find((f) => f.name === name)!;
    const isFcSdk = (p: string) => p.startsWith('@alicloud/fc');
    const kafka = fn('deliver-kafka');
    const fc = fn('deliver-fc');
    // Each has its own client (kafkajs is copied as files, the FC SDKs are inlined) …
    expect(kafka.packages).toContain('kafkajs');
    expect(fc.bundled).toEqual(expect.arrayContaining(['@alicloud/fc2', '@alicloud/fc20230330']));
    // … and none of the other's.
    expect([...fc.packages, ...fc.bundled].filter((p) => p === 'kafkajs' || p === 'avsc')).toEqual([]);
    expect([...kafka.packages, ...kafka.bundled].filter(isFcSdk)).toEqual([]);
    for (const name of ['reader', 'latency', 'retry-window']) {
      const f = fn(name);
      expect(
        [...f.packages, ...f.bundled].filter((p) => p === 'kafkajs' || isFcSdk(p)),
        name,
      ).toEqual([]);
    }
    // The left-out loaders are stubs that say which function has the sink.
    const fcCode = readFileSync(join(fc.dir, 'index.js'), 'utf8');
    expect(fcCode).toContain('this function was built without the sink of destination type "kafka"; deliver-kafka delivers to it');
    expect(fcCode).not.toContain('without the sink of destination type "fc"');
  });

  it("finds a deliver function's destination type in its name, and every listed type has a function", async () => {
    expect(destinationTypesOf('deliver-kafka')).toEqual(['kafka']);
    expect(destinationTypesOf('deliver-maxcompute')).toEqual(['maxcompute']);
    expect(destinationTypesOf('reader')).toEqual([]);
    const functions = await readdir(join(repo, 'functions'));
    for (const { type } of destinationModules) expect(functions, `functions/deliver-${type}`).toContain(`deliver-${type}`);
  });

  it('latency reports each destination behind the head, in batches, records and source time', { timeout: 60_000 }, async () => {
    const queueDir = join(work, 'latency-queue');
    const queue = await createFileQueue(queueDir, { consumers: ['kafka', 'fc'] });
    for (let i = 1; i <= 5; i++) await queue.append(makeBatch(i, 3));
    // A checkpoint: progress through changes the task does not select, no records.
    const fifth = makeBatch(5, 3);
    await queue.append({ records: [], resume: { ...fifth.resume, position: fifth.resume.position + 50 }, endsTransaction: true, lastRecordId: fifth.lastRecordId });
    await queue.commit('kafka', 2);
    await queue.close();
    const taskFile = join(work, 'latency.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'built',
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5901 },
        objects: [{ database: 'shop' }],
        destinations: [
          { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 't' },
          { type: 'kafka', name: 'fc', brokers: [stack.kafkaBroker], topic: 't2' },
        ],
        queue: { type: 'file', dir: queueDir },
      }),
    );
    const timer = { triggerTime: new Date().toISOString(), triggerName: 'measure', payload: JSON.stringify({ taskFile }) };
    const run = await invokeBuilt(outdir, 'latency', timer, { cwd: work });
    expect(run.error).toBeUndefined();
    const second = (i: number) => new Date(1_767_322_000_000 + i * 1000).toISOString(); // makeBatch(i)'s source time
    // The head is the checkpoint (no source time of its own); lag runs to the newest change, batch 5.
    const measured = (run.result!.destinations as Record<string, { latencyMs: number }>).kafka!.latencyMs;
    expect(measured).toBeGreaterThanOrEqual(Date.now() - 1_767_322_002_000 - 60_000); // at most a minute before this line
    expect(measured).toBeLessThanOrEqual(Date.now() - 1_767_322_002_000);
    expect(run.result).toEqual({
      task: 'built',
      head: { seq: 6, eventTime: null },
      destinations: {
        // DTS latency: now − the source time of the batch at the cursor (batch 2's change); nothing acknowledged: null.
        kafka: {
          cursor: 2,
          behindBatches: 4,
          behindRecords: 9,
          recordsExact: true,
          oldestPendingEventTime: second(3),
          lagMs: 2000,
          latencyMs: expect.any(Number),
          currentTo: second(2),
          latencyExact: true,
        },
        fc: { cursor: 0, behindBatches: 6, behindRecords: 15, recordsExact: true, oldestPendingEventTime: second(1), lagMs: 4000, latencyMs: null, currentTo: null, latencyExact: true },
      },
      // The metrics it also logs (shared/ops/metrics): record counts from the ids 1–15.
      metrics: expect.objectContaining({
        task: 'built',
        status: 'RUNNING',
        readRecordsTotal: 15,
        queueHeadSeq: 6,
        destinations: { kafka: expect.objectContaining({ deliveredRecordsTotal: 6, pendingRecords: 9 }), fc: expect.objectContaining({ deliveredRecordsTotal: 0, pendingRecords: 15 }) },
      }),
    });
    // A scan limit makes the count a lower bound, and says so.
    const capped = await invokeBuilt(outdir, 'latency', { taskFile, scanRecords: 4 }, { cwd: work });
    expect((capped.result!.destinations as Record<string, unknown>).fc).toEqual({
      cursor: 0,
      behindBatches: 6,
      behindRecords: 6,
      recordsExact: false,
      oldestPendingEventTime: second(1),
      lagMs: 1000,
      latencyMs: null,
      currentTo: null,
      latencyExact: true,
    });
  });

  it('retry-window reports the recorded status with its reason, and says when none is recorded', { timeout: 60_000 }, async () => {
    const queueDir = join(work, 'state-queue');
    const taskFile = join(work, 'state.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'built-state',
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5901 },
        objects: [{ database: 'shop' }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 't' }],
        queue: { type: 'file', dir: queueDir },
        advanced: { retryConnectionMinutes: 30, retryOtherMinutes: 5 },
      }),
    );
    const none = await invokeBuilt(outdir, 'retry-window', { taskFile }, { cwd: work });
    expect(none.error).toBeUndefined();
    expect(none.result).toEqual({
      task: 'built-state',
      recorded: false,
      stateFile: join(queueDir, 'state.json'),
      status: null,
      since: null,
      reason: null,
      windows: { connectionMinutes: 30, otherMinutes: 5 },
    });

    const reason = { message: 'Kafka refused the record: too large', code: 'DTS_SINK_RECORD_TOO_LARGE', context: { table: 'shop.orders' } };
    await writeTaskState(join(queueDir, 'state.json'), { status: 'FAILED', at: '2026-01-02T03:04:05.000Z', reason });
    const failed = await invokeBuilt(outdir, 'retry-window', { taskFile }, { cwd: work });
    expect(failed.result).toMatchObject({ recorded: true, status: 'FAILED', since: '2026-01-02T03:04:05.000Z', reason });
  });

  it('control pauses and resumes through the stored state, refuses what the status does not allow, and names the allowed actions', { timeout: 60_000 }, async () => {
    const queueDir = join(work, 'control-queue');
    const taskFile = join(work, 'control.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'built-control',
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5902 },
        objects: [{ database: 'shop' }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 't' }],
        queue: { type: 'file', dir: queueDir },
      }),
    );
    const control = (action: string) => invokeBuilt(outdir, 'control', { taskFile, action }, { cwd: work });
    expect((await control('pause')).result).toEqual({ task: 'built-control', before: null, after: 'PAUSED' });
    expect((await readTaskState(join(queueDir, 'state.json')))!.status).toBe('PAUSED');
    expect((await control('status')).result).toMatchObject({ task: 'built-control', status: 'PAUSED', recorded: true, readerSeq: 0, stateAt: join(queueDir, 'state.json') });
    expect((await control('pause')).error).toBe('cannot pause task built-control: it is PAUSED; only a RUNNING task can be paused; `resume` starts a stopped or failed one');
    expect((await control('resume')).result).toEqual({ task: 'built-control', before: 'PAUSED', after: 'RUNNING' });
    expect((await control('halt')).error).toMatch(/^control: invalid event: "action": expected one of "status", "pause", "resume", "stop" \(a string\), got "halt"/);
  });
});
