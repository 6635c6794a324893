/**
 * A target function that throws, against the real MariaDB: the failed invocation is retried with
 * the same records and nothing after them reaches the function first; records the function
 * already acknowledged are not sent again; when the other-issues retry window runs out, the task
 * is FAILED with the function's own error message and the records after it were never delivered.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import { startLocalFcEndpoint, type LocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import { createFcTarget, type FcTarget } from '../helpers/fc-target.ts';
import { startTask, taskFor, tempDir, useDatabase, waitFor } from '../helpers/stack.ts';

const KEY = { accessKeyId: 'LTAI-retry-test', accessKeySecret: 'retry-secret' };
const fastBackoff = { initialMs: 50, maxMs: 300, factor: 2 };

describe('target function errors', () => {
  const { db, conn } = useDatabase('fcerr', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(40))', 'CREATE TABLE ${db}.u (id INT PRIMARY KEY, v VARCHAR(40))');
  let target: FcTarget;
  let endpoint: LocalFcEndpoint;

  beforeAll(async () => {
    target = await createFcTarget();
    endpoint = await startLocalFcEndpoint({ dir: target.dir, port: 0, credentials: KEY, service: 'dts', functionName: 'sink', log: silentLogger, writeLogLine: () => {} });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  const fcTask = async (table: string, name: string) =>
    taskFor(
      { database: db, tables: [table], topic: 'unused', dir: await tempDir(name) },
      {
        destinations: [
          // One record per invocation, so each row is its own batch for the function.
          {
            type: 'fc',
            name: 'fc',
            region: 'cn-hangzhou',
            accountId: '1234567890',
            endpoint: endpoint.url,
            accessKeyId: KEY.accessKeyId,
            accessKeySecret: KEY.accessKeySecret,
            service: 'dts',
            function: 'sink',
            maxInvocationRecords: 1,
          },
        ],
      },
    );
  const values = (records: { data?: Record<string, string | null>[] }[]) => records.map((r) => r.data?.[0]?.v);

  it('retries the failed batch until the function takes it, and sends nothing after it first', { timeout: 60_000 }, async () => {
    await target.failOn({ value: 'poison', message: 'the warehouse is locked', times: 3 });
    const task = startTask(await fcTask('t', 'fcerr-retry'), { windows: { connectionMs: 60_000, otherMs: 30_000 }, backoff: fastBackoff });
    try {
      await task.ready;
      for (const [id, v] of [
        [1, 'first'],
        [2, 'poison'],
        [3, 'third'],
        [4, 'fourth'],
      ] as const)
        await conn().query(`INSERT INTO ${db}.t VALUES (?, ?)`, [id, v]);
      await waitFor(async () => (await target.delivered()).length >= 4, 30_000, 'four delivered records');
      const invocations = (await target.invocations()).filter((i) => i.event.Records.every((r) => r.table === 't'));
      // Every attempt in order: the poison row three times failed, then taken; "first" only once.
      expect(invocations.map((i) => [values(i.event.Records)[0], i.failed])).toEqual([
        ['first', false],
        ['poison', true],
        ['poison', true],
        ['poison', true],
        ['poison', false],
        ['third', false],
        ['fourth', false],
      ]);
      // The retried invocation carries the same record (same id) each time.
      expect(new Set(invocations.filter((i) => values(i.event.Records)[0] === 'poison').map((i) => i.event.Records[0]!.id)).size).toBe(1);
      expect((await target.delivered()).filter((r) => r.table === 't').map((r) => r.id)).toEqual([1, 2, 3, 4]);
    } finally {
      expect((await task.stop()).status).toBe('STOPPED');
    }
  });

  it('fails the task with the function error message when the retry window runs out', { timeout: 60_000 }, async () => {
    await target.failOn({ value: 'always-bad', message: 'column v rejected by the target schema' });
    const task = await fcTask('u', 'fcerr-window');
    const dir = task.queue.type === 'file' ? task.queue.dir! : '';
    const running = startTask(task, { windows: { connectionMs: 20_000, otherMs: 1_500 }, backoff: fastBackoff });
    await running.ready;
    await conn().query(`INSERT INTO ${db}.u VALUES (1, 'fine')`);
    await conn().query(`INSERT INTO ${db}.u VALUES (2, 'always-bad')`);
    await conn().query(`INSERT INTO ${db}.u VALUES (3, 'never delivered')`);
    const outcome = await running.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('RetryWindowExceededError');
    expect(outcome.error?.message).toMatch(
      /other-issues retry window\): the function dts\.LATEST\/sink failed on 1 record \(UnhandledInvocationError Error\): column v rejected by the target schema$/,
    );
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { status: string; reason: { code: string; message: string } };
    expect(state).toMatchObject({ status: 'FAILED', reason: { code: 'DTS_RETRY_WINDOW_EXCEEDED' } });
    expect(state.reason.message).toContain('column v rejected by the target schema');
    const forU = (await target.invocations()).filter((i) => i.event.Records.every((r) => r.table === 'u'));
    expect(forU.length).toBeGreaterThanOrEqual(3); // "fine", then at least two failed attempts
    expect(forU[0]).toMatchObject({ failed: false });
    expect(values(forU[0]!.event.Records)).toEqual(['fine']);
    expect(forU.slice(1).every((i) => i.failed && values(i.event.Records)[0] === 'always-bad')).toBe(true);
    expect(values(await target.delivered()).filter((v) => v === 'never delivered')).toEqual([]);
    await target.clearFailure();
  });
});
