/**
 * The `control` FC function against a running local task whose state and queue are in Redis (as a
 * deployed task's are): pause through the function stops the runner's reading and delivering,
 * resume delivers what was written meanwhile once and in order, stop ends the runner; an operation
 * the task's status refuses fails with the same message as `npm run dts`, and an unknown action
 * names the allowed ones.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/control/index.ts';
import { createLocalContext } from '../../shared/runtime/fc/context.ts';
import { loadTask } from '../../shared/task/index.ts';
import { writeTaskFile } from '../helpers/cli.ts';
import { consumeMessages, createTopic, stack, startTask, tempDir, topicHighWatermark, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';

const repo = join(import.meta.dirname, '..', '..');
const { db, conn } = useDatabase('control', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
const topic = uniqueName('control');
const prefix = `dts-test:control:${randomUUID()}`;
const admin = new Redis(stack.redisUrl);
beforeAll(() => createTopic(topic));
afterAll(async () => {
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

const insert = async (from: number, to: number) => {
  for (let id = from; id <= to; id++) await conn().query(`INSERT INTO ${db}.t VALUES (?, ?)`, [id, `v${id}`]);
};

/** Invokes the function as FC does: the event's bytes as a Buffer, an FC context. */
const control = (taskFile: string, event: Record<string, unknown>) => handler(Buffer.from(JSON.stringify({ taskFile, ...event })), createLocalContext('control', { timeoutSeconds: 60 }));

/** What `npm run dts -- <command>` writes to stderr, and its exit code. */
async function dtsRefusal(command: string, taskFile: string): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/dts.ts'), command, '--task', taskFile], { cwd: repo });
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr.trim() };
  }
  throw new Error(`dts ${command} succeeded; expected a refusal`);
}

describe('the control function', () => {
  it('pauses, resumes and stops a running task through its Redis state; refusals match the CLI', { timeout: 120_000 }, async () => {
    const dir = await tempDir('control');
    const taskFile = await writeTaskFile(dir, {
      name: 'control',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 6900 + (process.pid % 90) },
      objects: [{ database: db, tables: ['t'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'redis', url: stack.redisUrl, prefix },
    });
    const running = startTask(await loadTask(taskFile));
    await running.ready;
    await insert(1, 3);
    await waitFor(async () => (await topicHighWatermark(topic)) >= 3, 30_000, 'rows 1-3 in Kafka');

    expect(await control(taskFile, { action: 'pause' })).toEqual({ task: 'control', before: 'RUNNING', after: 'PAUSED' });
    expect(await admin.exists(`${prefix}:state`)).toBe(1);
    // The runner polls the state every 500 ms; give it that, then nothing more is read or delivered.
    await new Promise((r) => setTimeout(r, 1_000));
    await insert(4, 6);
    await new Promise((r) => setTimeout(r, 1_500));
    const paused = (await control(taskFile, { action: 'status' })) as {
      status: string;
      readerSeq: number;
      destinations: { name: string; deliveredSeq: number; lagRecords: number }[];
      stateAt: string;
    };
    expect(paused.status).toBe('PAUSED');
    expect(paused.stateAt).toContain(`${prefix}:state`);
    expect(paused.destinations).toEqual([expect.objectContaining({ name: 'kafka', deliveredSeq: paused.readerSeq, lagRecords: 0 })]);
    expect(await topicHighWatermark(topic)).toBe(3);

    // A refused operation: the same message as the CLI's (which exits 1 with it).
    const refused = control(taskFile, { action: 'pause' });
    await expect(refused).rejects.toMatchObject({ name: 'OperationRefusedError', code: 'DTS_OPERATION_REFUSED' });
    const message = await refused.catch((err: Error) => err.message);
    expect(message).toBe('cannot pause task control: it is PAUSED; only a RUNNING task can be paused; `resume` starts a stopped or failed one');
    expect(await dtsRefusal('pause', taskFile)).toEqual({ code: 1, stderr: message });

    expect(await control(taskFile, { action: 'resume' })).toEqual({ task: 'control', before: 'PAUSED', after: 'RUNNING' });
    const messages = await consumeMessages(topic, 6);
    expect(messages.flatMap((m) => (m.json.data as { id: string }[]).map((row) => Number(row.id)))).toEqual([1, 2, 3, 4, 5, 6]);

    expect(await control(taskFile, { action: 'stop' })).toEqual({ task: 'control', before: 'RUNNING', after: 'STOPPED' });
    const outcome = await Promise.race([running.outcome, new Promise((r) => setTimeout(() => r('still running'), 5_000))]);
    expect(outcome).toEqual({ status: 'STOPPED' });
    const stopped = (await control(taskFile, { action: 'status' })) as { status: string; destinations: { deliveredSeq: number }[]; readerSeq: number };
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.destinations[0]!.deliveredSeq).toBe(stopped.readerSeq);
    expect(await topicHighWatermark(topic)).toBe(6);
    await expect(control(taskFile, { action: 'pause' })).rejects.toThrow('cannot pause task control: it is STOPPED; only a RUNNING task can be paused');
  });

  it('refuses an event without a known action, naming the allowed ones', async () => {
    const dir = await tempDir('control-event');
    const taskFile = await writeTaskFile(dir, {
      name: 'control-event',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 6990 },
      objects: [{ database: db }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'redis', url: stack.redisUrl, prefix: `${prefix}:event` },
    });
    const allowed = 'one of "status", "pause", "resume", "stop"';
    await expect(control(taskFile, { action: 'halt' })).rejects.toThrow(`control: invalid event: "action": expected ${allowed} (a string), got "halt" (a string). Fix the invocation's event`);
    await expect(control(taskFile, { action: 'halt' })).rejects.not.toThrow('s.yaml'); // no timer, no payload to fix
    await expect(control(taskFile, {})).rejects.toThrow(`"action": expected ${allowed} (a string), got nothing`);
    await expect(control(taskFile, { action: 'pause', force: true })).rejects.toThrow('unknown field "force" (control reads action, taskFile). Fix the invocation\'s event');
    // Nothing was written for the refused events.
    expect(await admin.exists(`${prefix}:event:state`)).toBe(0);
  });
});
