/**
 * Every function in functions/ invoked as FC would call it (event as a Buffer, FC context), here
 * on the Redis queue a cloud deployment uses: the reader stores changes, the deliverer drains them
 * to Kafka, and a second round continues where the first stopped.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { writeTaskFile } from '../helpers/cli.ts';
import { consumeMessages, createTopic, sourceConnection, stack, tempDir, uniqueName } from '../helpers/stack.ts';
import { createLocalContext } from '../../shared/runtime/fc/context.ts';

type Handler = (event: Buffer, context: unknown) => Promise<Record<string, unknown>>;
const repo = join(import.meta.dirname, '..', '..');
const db = uniqueName('invoke');
const topic = uniqueName('invoke');
const prefix = `dts-test:${uniqueName('invoke')}`;

async function handlerOf(name: string): Promise<Handler> {
  return ((await import(join(repo, 'functions', name, 'index.ts'))) as { handler: Handler }).handler;
}

describe('FC functions invoked locally', () => {
  let conn: mysql.Connection;
  let taskFile: string;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))`);
    await createTopic(topic);
    taskFile = await writeTaskFile(await tempDir('invoke'), {
      name: 'invoke',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5801 },
      objects: [{ database: db }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'redis', url: stack.redisUrl, prefix },
    });
  });

  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
    const redis = new Redis(stack.redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('has a handler for every function folder', async () => {
    const names = (await readdir(join(repo, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['reader', 'deliver-kafka']));
    for (const name of names) expect(typeof (await handlerOf(name))).toBe('function');
  });

  it('reader then deliver-kafka move changes to Kafka, twice in a row', { timeout: 60_000 }, async () => {
    const reader = await handlerOf('reader');
    const deliver = await handlerOf('deliver-kafka');
    const readFor = (ms: number) => reader(Buffer.from(JSON.stringify({ taskFile, maxRunMs: ms })), createLocalContext('reader'));

    // A timer event: the task settings arrive as the trigger's string payload.
    const timerEvent = (payload: object) => Buffer.from(JSON.stringify({ triggerTime: new Date().toISOString(), triggerName: 'drain', payload: JSON.stringify(payload) }));

    const firstRead = readFor(2500);
    await new Promise((r) => setTimeout(r, 1000));
    await conn.query(`INSERT INTO ${db}.t VALUES (1, 'one'), (2, 'two')`);
    expect(await firstRead).toMatchObject({ task: 'invoke', records: 2, batches: 1 });
    expect(await deliver(timerEvent({ taskFile, idleMs: 500 }), createLocalContext('deliver-kafka'))).toEqual({ task: 'invoke', delivered: { kafka: 2 } });

    // Changes made while no reader runs are picked up by the next invocation.
    await conn.query(`UPDATE ${db}.t SET v = 'uno' WHERE id = 1`);
    expect(await readFor(1500)).toMatchObject({ records: 1 });
    expect(await deliver(timerEvent({ taskFile, idleMs: 500 }), createLocalContext('deliver-kafka'))).toEqual({ task: 'invoke', delivered: { kafka: 1 } });

    const messages = (await consumeMessages(topic, 3)).map((m) => m.json);
    expect(messages.map((m) => [m.type, (m.data as { v: string }[])[0]!.v])).toEqual([
      ['INSERT', 'one'],
      ['INSERT', 'two'],
      ['UPDATE', 'uno'],
    ]);
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('npm run invoke refuses an unknown function and names the known ones', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/invoke-function.ts'), 'no-such-function'], { cwd: repo });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown function "no-such-function"; available: control, deliver-fc, deliver-kafka, deliver-maxcompute, full-sync, heartbeat, latency, reader, retry-window'),
    });
  });
});
