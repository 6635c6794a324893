/**
 * pause / resume / stop as a user runs them: `npm start` in its own process, the dts commands in
 * others, the real source and Kafka. Rows written while paused are neither read nor delivered, not
 * even after a restart (a pause survives it); after resume they arrive once, in order; stop ends
 * the running task by itself, STOPPED.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { readTaskState } from '../../shared/task/index.ts';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { consumeMessages, createTopic, stack, tempDir, topicHighWatermark, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';

const repo = join(import.meta.dirname, '..', '..');
const { db, conn } = useDatabase('lifecycle', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');
const topic = uniqueName('lifecycle');
beforeAll(() => createTopic(topic));

async function dts(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/dts.ts'), ...args], { cwd: repo });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    throw new Error(`dts ${args.join(' ')} exited ${e.code}: ${e.stderr}`, { cause: err });
  }
}

const insert = async (from: number, to: number) => {
  for (let id = from; id <= to; id++) await conn().query(`INSERT INTO ${db}.t VALUES (?, ?)`, [id, `v${id}`]);
};

describe('task lifecycle', () => {
  it('pause holds across a restart, resume delivers what was written meanwhile once and in order, stop ends the task', { timeout: 180_000 }, async () => {
    const dir = await tempDir('lifecycle');
    const taskFile = await writeTaskFile(dir, {
      name: 'lifecycle',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5811 },
      objects: [{ database: db, tables: ['t'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'file', dir: `${dir}/queue` },
    });
    const stateFile = join(dir, 'queue', 'state.json');

    const first = startTaskProcess(taskFile);
    await first.waitForLog('reader streaming');
    await insert(1, 3);
    await waitFor(async () => (await topicHighWatermark(topic)) >= 3, 30_000, 'rows 1-3 in Kafka');

    expect((await dts('pause', '--task', taskFile, '--json')).stdout.trim()).toBe('{"task":"lifecycle","before":"RUNNING","after":"PAUSED"}');
    await first.waitForLog('task PAUSED by another process', 5_000);
    await first.waitForLog('task paused; waiting');
    await insert(4, 6);
    // Nothing is read or delivered while paused: the queue's last batch and Kafka stay where they were.
    const paused = JSON.parse((await dts('status', '--task', taskFile, '--json')).stdout) as { status: string; readerSeq: number; destinations: { deliveredSeq: number; lagRecords: number }[] };
    expect(paused.status).toBe('PAUSED');
    expect(paused.destinations[0]!.deliveredSeq).toBe(paused.readerSeq);
    expect(paused.destinations[0]!.lagRecords).toBe(0);
    expect(await topicHighWatermark(topic)).toBe(3);

    // A restart of a paused task stays paused.
    first.child.kill('SIGTERM');
    expect((await first.exit).code).toBe(0);
    expect((await readTaskState(stateFile))!.status).toBe('PAUSED');
    const second = startTaskProcess(taskFile);
    await second.waitForLog('task paused; waiting');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await topicHighWatermark(topic)).toBe(3);
    expect(second.stderr()).not.toContain('reader streaming');

    expect((await dts('resume', '--task', taskFile, '--json')).stdout.trim()).toBe('{"task":"lifecycle","before":"PAUSED","after":"RUNNING"}');
    await second.waitForLog('task resumed', 5_000);
    const messages = await consumeMessages(topic, 6);
    const ids = messages.flatMap((m) => (m.json.data as { id: string }[]).map((row) => Number(row.id)));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);

    expect((await dts('stop', '--task', taskFile, '--json')).stdout.trim()).toBe('{"task":"lifecycle","before":"RUNNING","after":"STOPPED"}');
    expect((await second.exit).code).toBe(0);
    const stopped = await readTaskState(stateFile);
    expect(stopped!.status).toBe('STOPPED');
    // The stored position is the destination's committed cursor at the stop, past both inserts' transactions.
    const queue = await createFileQueue(join(dir, 'queue'), { consumers: ['kafka'], writer: false });
    const { cursors } = await queue.stats().finally(() => queue.close());
    expect(cursors.kafka).toBeGreaterThanOrEqual(2);
    expect(stopped!.delivered!.kafka!.seq).toBe(cursors.kafka);
    expect(await topicHighWatermark(topic)).toBe(6);
  });
});
