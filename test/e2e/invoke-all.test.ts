/**
 * Every function s.yaml declares, invoked as a user would locally (`npm run invoke -- <function>
 * examples/events/<function>.json`, no Docker), on one small task against the running stack with
 * the Redis queue a cloud deployment uses: the reader stores changes, full-sync asks for a
 * re-baseline that the next reader run performs, latency sees the backlog, the deliverers drain it to Kafka, to a target FC function
 * (the local FC endpoint, which checks signatures) and to MaxCompute (a local endpoint, read back
 * through the official Java SDK), latency then sees none, heartbeat compares
 * the stored position with the source, and retry-window reports the recorded status.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import { createRedisQueue } from '../../shared/queue/redis/index.ts';
import type { Queue } from '../../shared/queue/types.ts';
import { formatPosition } from '../../shared/record/index.ts';
import { startLocalFcEndpoint, type LocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import { startLocalMaxCompute, type LocalMaxCompute } from '../../shared/runtime/maxcompute/local-endpoint/index.ts';
import { javaOdps } from '../helpers/java-odps.ts';
import { MC_ACCESS_KEY_ID, MC_ACCESS_KEY_SECRET, MC_PROJECT } from '../helpers/maxcompute-task.ts';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { masterStatus } from '../helpers/kafka-read.ts';
import { consumeMessages, createTopic, stack, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

type Result = Record<string, unknown>;
interface Lag {
  cursor: number;
  behindBatches: number;
  behindRecords: number;
  recordsExact: boolean;
  oldestPendingEventTime: string | null;
  lagMs: number;
  /** DTS latency: null until the destination acknowledged something carrying a source time. */
  latencyMs?: number | null;
  currentTo?: string | null;
  latencyExact?: boolean;
}

const repo = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const TASK = 'invokeall';
const FC_SECRET = 'local-endpoint-secret';
const received: { Records: { id: number; type: string }[] }[] = [];
(globalThis as { __invokeAllEvents?: unknown[] }).__invokeAllEvents = received;

const source = useDatabase('invokeall', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
const topic = uniqueName('invokeall');
const prefix = `dts-test:${uniqueName('invokeall')}`;
let work: string;
let taskFile: string;
let endpoint: LocalFcEndpoint;
let maxcompute: LocalMaxCompute;
let queue: Queue;

/** `npm run invoke -- <name> <event>` with the task in DTS_TASK_FILE, as FC would pass it. */
async function invoke(name: string, eventFile = join(repo, 'examples', 'events', `${name}.json`)): Promise<Result> {
  if (!existsSync(join(repo, 'functions', name, 'index.ts'))) throw new Error(`s.yaml declares ${name}, but functions/${name}/index.ts does not exist`);
  const env = { ...process.env, DTS_TASK_FILE: taskFile, DTS_BASE_DIR: work, DTS_REDIS_URL: stack.redisUrl, FC_TEST_SECRET: FC_SECRET, MC_TEST_SECRET: MC_ACCESS_KEY_SECRET, DTS_LOG_FORMAT: 'json' };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'invoke-function.ts'), name, eventFile], { cwd: repo, env, timeout: 120_000 });
    return JSON.parse(stdout) as Result;
  } catch (err) {
    const e = err as { code?: number; stderr?: string; message: string };
    throw new Error(`npm run invoke -- ${name} failed (exit ${e.code}): ${e.message}\n${e.stderr ?? ''}`, { cause: err });
  }
}

/** Every stored batch's records, in order: what the destinations must end up with. */
async function storedRecords(): Promise<{ id: number; timestampMs: number }[]> {
  const out: { id: number; timestampMs: number }[] = [];
  for (let after = 0; ;) {
    const page = await queue.read(after, { maxBatches: 100 });
    if (page.length === 0) return out;
    for (const { batch } of page) for (const r of batch.records) out.push({ id: r.id, timestampMs: r.source.timestampMs });
    after = page.at(-1)!.seq;
  }
}

beforeAll(async () => {
  work = await tempDir('invoke-all');
  await createTopic(topic);
  const target = join(work, 'target');
  await mkdir(target);
  await writeFile(join(target, 'index.mjs'), 'export const handler = async (event) => { globalThis.__invokeAllEvents.push(JSON.parse(event.toString("utf8"))); return "ok"; };\n');
  maxcompute = await startLocalMaxCompute({ port: 0, dataDir: join(work, 'maxcompute') });
  endpoint = await startLocalFcEndpoint({
    dir: target,
    credentials: { accessKeyId: 'LTAI-invoke-all', accessKeySecret: FC_SECRET },
    service: 'svc',
    functionName: 'target',
    accountId: '1234567890',
    region: 'cn-hangzhou',
    log: silentLogger,
    writeLogLine: () => {},
  });

  // Rows before the task's start position reach the destinations only through full-sync.
  const conn = source.conn();
  await conn.query(`INSERT INTO ${source.db}.t VALUES (1, 'a1'), (2, 'a2')`);
  const start = await masterStatus(conn);
  await conn.query(`INSERT INTO ${source.db}.t VALUES (3, 'b3')`);
  await conn.query(`UPDATE ${source.db}.t SET v = 'a1x' WHERE id = 1`);

  taskFile = join(work, 'task.yaml');
  await writeFile(
    taskFile,
    stringify({
      name: TASK,
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 7000 + (process.pid % 1000), start },
      objects: [{ database: source.db }],
      destinations: [
        { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' },
        {
          type: 'fc',
          name: 'fc',
          fcVersion: '2.0',
          region: 'cn-hangzhou',
          accountId: '1234567890',
          endpoint: endpoint.url,
          accessKeyId: 'LTAI-invoke-all',
          accessKeySecret: '${FC_TEST_SECRET}',
          service: 'svc',
          function: 'target',
        },
        { type: 'maxcompute', name: 'mc', endpoint: maxcompute.endpoint, project: MC_PROJECT, accessKeyId: MC_ACCESS_KEY_ID, accessKeySecret: '${MC_TEST_SECRET}' },
      ],
      queue: { type: 'redis', url: '${DTS_REDIS_URL}', prefix },
    }),
  );
  queue = await createRedisQueue(stack.redisUrl, prefix, { consumers: ['kafka', 'fc', 'mc'] });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await endpoint?.close();
  await maxcompute?.close();
  const redis = new Redis(stack.redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('every function in s.yaml, invoked locally', { timeout: 150_000 }, () => {
  // The order a deployment's timers would run them in; each step checks its function's result.
  const steps = ['reader', 'full-sync', 'latency', 'deliver-kafka', 'deliver-fc', 'deliver-maxcompute', 'heartbeat', 'retry-window', 'control'];

  it('has a step and an example event for each declared function', async () => {
    const declared = Object.keys((parse(await readFile(join(repo, 's.yaml'), 'utf8')) as { resources: object }).resources);
    expect([...steps].sort()).toEqual([...declared].sort());
    for (const name of declared) expect(existsSync(join(repo, 'examples', 'events', `${name}.json`)), `examples/events/${name}.json`).toBe(true);
  });

  it('reader: stores the changes made after the start position', async () => {
    const result = await invoke('reader');
    expect(result).toMatchObject({ task: TASK, records: 2, batches: expect.any(Number), position: expect.stringMatching(/:\d+/) });
    expect((await storedRecords()).map((r) => r.id)).toEqual([1, 2]);
  });

  let fullSyncRan = false;
  it('full-sync: requests a re-baseline, which the next reader run adds to the queue as the tables are now', async () => {
    const before = (await storedRecords()).length;
    expect(await invoke('full-sync')).toMatchObject({ task: TASK, tables: 'all selected', signalTable: 'dts.dts_signal', requestId: expect.stringMatching(/^\d+$/) });
    expect((await storedRecords()).length).toBe(before); // the request itself is not a change to deliver
    const reader = await invoke('reader');
    expect(reader).toMatchObject({ records: 3, fullSync: { tables: 1, tablesDone: 1, rows: 3, completed: true } });
    expect((await storedRecords()).length).toBe(before + 3); // rows 1, 2 and 3
    fullSyncRan = true;
  });

  it('latency: sees every destination behind by everything stored', async () => {
    const stored = await storedRecords();
    const head = await queue.last();
    const result = await invoke('latency');
    const oldest = new Date(stored[0]!.timestampMs).toISOString();
    const headTime = Math.max(...stored.map((r) => r.timestampMs));
    // Nothing acknowledged yet: no DTS latency (it is measured from what a destination acknowledged).
    const expected: Lag = {
      cursor: 0,
      behindBatches: head!.seq,
      behindRecords: stored.length,
      recordsExact: true,
      oldestPendingEventTime: oldest,
      lagMs: headTime - stored[0]!.timestampMs,
      latencyMs: null,
      currentTo: null,
      latencyExact: true,
    };
    // The head is the full sync's closing batch, which records progress and holds no change: no event time.
    const headEventTime = head!.batch.records.length > 0 ? new Date(headTime).toISOString() : null;
    // Its metrics (also logged as one line): record ids are dense, so the newest one counts what was read.
    const metrics = expect.objectContaining({ task: TASK, readRecordsTotal: stored.length, queueHeadSeq: head!.seq });
    expect(result).toEqual({ task: TASK, head: { seq: head!.seq, eventTime: headEventTime }, destinations: { kafka: expected, fc: expected, mc: expected }, metrics });
  });

  it('deliver-kafka: sends every stored record to the topic, in order', async () => {
    const stored = await storedRecords();
    expect(await invoke('deliver-kafka')).toEqual({ task: TASK, delivered: { kafka: stored.length } });
    const messages = (await consumeMessages(topic, stored.length)).map((m) => m.json as { id: number; type: string; data: { id: string; v: string }[] });
    expect(messages.map((m) => m.id)).toEqual(stored.map((r) => r.id));
    expect(messages.slice(0, 2).map((m) => [m.type, m.data[0]!.id, m.data[0]!.v])).toEqual([
      ['INSERT', '3', 'b3'],
      ['UPDATE', '1', 'a1x'],
    ]);
    // Full data sync rows are INSERTs in Canal JSON, with the rows as they are now (when the
    // full-sync step failed, its own test says why, and only the reader's records are stored).
    const initRows = fullSyncRan
      ? [
          ['INSERT', '1', 'a1x'],
          ['INSERT', '2', 'a2'],
          ['INSERT', '3', 'b3'],
        ]
      : [];
    expect(
      messages
        .slice(2)
        .map((m) => [m.type, m.data[0]!.id, m.data[0]!.v])
        .sort(),
    ).toEqual(initRows);
  });

  it('deliver-fc: invokes the target function with every stored record, in order', async () => {
    const stored = await storedRecords();
    expect(await invoke('deliver-fc')).toEqual({ task: TASK, delivered: { fc: stored.length } });
    expect(received.flatMap((e) => e.Records.map((r) => r.id))).toEqual(stored.map((r) => r.id));
  });

  it('deliver-maxcompute: uploads the full-sync rows to t_base and the changes to t_log, and flushes before it returns', async () => {
    const stored = await storedRecords();
    expect(await invoke('deliver-maxcompute')).toEqual({ task: TASK, delivered: { mc: stored.length } });
    const judge = javaOdps({ endpoint: maxcompute.endpoint, project: MC_PROJECT, accessKeyId: MC_ACCESS_KEY_ID, accessKeySecret: MC_ACCESS_KEY_SECRET });
    const log = (await judge.read('t_log')).map((r) => [Number(r.values.new_dts_sync_record_id), r.values.new_dts_sync_operation_flag, r.values.new_dts_sync_before_flag, r.values.id, r.values.v]);
    expect(log.sort()).toEqual([
      [stored[0]!.id, 'I', 'N', '3', 'b3'],
      [stored[1]!.id, 'U', 'N', '1', 'a1x'],
      [stored[1]!.id, 'U', 'Y', '1', 'a1'],
    ]);
    const base = (await judge.read('t_base')).map((r) => [r.values.id, r.values.v]).sort();
    expect(base).toEqual(
      fullSyncRan
        ? [
            ['1', 'a1x'],
            ['2', 'a2'],
            ['3', 'b3'],
          ]
        : [],
    );
  });

  it('latency: sees every destination caught up', async () => {
    const head = await queue.last();
    const result = await invoke('latency');
    const none: Lag = { cursor: head!.seq, behindBatches: 0, behindRecords: 0, recordsExact: true, oldestPendingEventTime: null, lagMs: 0 };
    expect(result).toMatchObject({ task: TASK, head: { seq: head!.seq }, destinations: { kafka: none, fc: none, mc: none } });
  });

  it("heartbeat: reports the stored position against the source's binlog end", async () => {
    const resume = (await queue.last())!.batch.resume;
    const before = await masterStatus(source.conn());
    const result = (await invoke('heartbeat')) as {
      task: string;
      source: { version: string; file: string; offset: number };
      reader: { position: string; behind: { files: number; bytes: number | null } };
      status: unknown;
    };
    const [[{ version }]] = (await source.conn().query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    expect(result.task).toBe(TASK);
    expect(result.source.version).toBe(version);
    expect(result.reader.position).toBe(formatPosition(resume));
    // The source keeps moving (other tests write to it): its end is at or past what we saw.
    expect(result.source.file >= before.file).toBe(true);
    if (result.source.file === before.file) expect(result.source.offset).toBeGreaterThanOrEqual(before.position);
    expect(result.reader.behind.files).toBeGreaterThanOrEqual(0);
    if (result.reader.behind.files === 0) expect(result.reader.behind.bytes).toBe(result.source.offset - resume.position);
    expect(result.status).toBe('RUNNING'); // the reader's first invocation recorded the task
  });

  it('retry-window: reports the status the reader recorded, then the recorded failure with its reason', async () => {
    // A Redis-queue task keeps its state in Redis beside the queue, where every function reads it.
    const stateFile = `${prefix}:state`;
    expect(await invoke('retry-window')).toMatchObject({ task: TASK, recorded: true, stateFile, status: 'RUNNING', reason: null, windows: { connectionMinutes: 720, otherMinutes: 10 } });
    const reason = { message: 'the retry window for connection failures (720 min) ran out', code: 'DTS_RETRY_WINDOW_EXCEEDED' };
    const store = await createRedisTaskStateStore(stack.redisUrl, prefix);
    await store.update(() => ({ status: 'FAILED', at: '2026-02-03T04:05:06.000Z', reason }));
    await store.close();
    expect(await invoke('retry-window')).toMatchObject({ recorded: true, status: 'FAILED', since: '2026-02-03T04:05:06.000Z', reason });
  });

  it('control: reports the status, and its resume lets the reader run again', async () => {
    expect(await invoke('control')).toMatchObject({ task: TASK, status: 'FAILED', recorded: true, reason: { code: 'DTS_RETRY_WINDOW_EXCEEDED' } });
    expect(await invoke('reader')).toMatchObject({ task: TASK, skipped: true, status: 'FAILED' });
    const resume = join(work, 'resume.json');
    await writeFile(resume, JSON.stringify({ action: 'resume' }));
    expect(await invoke('control', resume)).toEqual({ task: TASK, before: 'FAILED', after: 'RUNNING' });
    const reader = await invoke('reader');
    expect(reader.skipped).toBeUndefined();
    expect(reader).toMatchObject({ task: TASK, records: 0 });
  });
});
