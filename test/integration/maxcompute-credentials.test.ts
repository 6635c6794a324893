/**
 * Credentials of the MaxCompute destination through whole tasks: STS credentials (the token sent
 * as `authorization-sts-token`, which the local endpoint requires for its STS account) deliver
 * rows; a wrong secret stops the task at once with a message that says what to check and does not
 * carry the secret.
 */
import { describe, expect, it } from 'vitest';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase } from '../helpers/stack.ts';

const source = useDatabase('mccred', 'CREATE TABLE ${db}.sts (id INT PRIMARY KEY, v VARCHAR(10))', 'CREATE TABLE ${db}.denied (id INT PRIMARY KEY)');
const mc = useLocalMaxCompute('mccred');

const STS_TOKEN_ENV = 'DTS_TEST_MC_STS_TOKEN';
process.env[STS_TOKEN_ENV] = 'dts-local-token';

describe('MaxCompute credentials', () => {
  it('STS credentials: the security token goes with every request and rows arrive', { timeout: 60_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.sts VALUES (1, 'one')`);
    const destination = maxComputeDestination(mc.endpoint(), { accessKeyId: 'STS.dts-local', accessKeySecret: 'dts-local-sts-secret', securityToken: { env: STS_TOKEN_ENV } });
    const task = startTask(
      taskFor({ database: db, tables: ['sts'], topic: 'unused', dir: await tempDir('mccred') }, { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], destinations: [destination] }),
    );
    try {
      await task.ready;
      const judge = mc.judge();
      // The full sync is over before the change, so a chunk read late cannot copy row 2 too.
      await readUntil(
        () => judge.read('sts_base'),
        (rows) => rows.length >= 1,
        40_000,
        'sts_base holding the copied row',
      );
      await source.conn().query(`INSERT INTO ${db}.sts VALUES (2, 'two')`);
      const log = await readUntil(
        () => judge.read('sts_log'),
        (rows) => rows.length >= 1,
        40_000,
        'sts_log holding the insert',
      );
      expect(log.map((r) => [r.values.id, r.values.v])).toEqual([['2', 'two']]);
      expect((await judge.read('sts_base')).map((r) => [r.values.id, r.values.v])).toEqual([['1', 'one']]);
    } finally {
      await task.stop();
    }
  });

  it('a wrong secret stops the task with what to check, without the secret', { timeout: 60_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.denied VALUES (1)`);
    const wrong = 'not-the-secret-4711';
    const task = startTask(
      taskFor(
        { database: db, tables: ['denied'], topic: 'unused', dir: await tempDir('mccred-denied') },
        {
          source: sourceWithOwnServerId(),
          syncTypes: ['full', 'incremental'],
          destinations: [maxComputeDestination(mc.endpoint(), { accessKeySecret: wrong })],
        },
      ),
    );
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toMatch(
      /^MaxCompute refused to read table dts_demo\.denied_base \(HTTP 403 ODPS-0410042: .*\); check accessKeyId and accessKeySecret \(and securityToken with STS\) of destination "mc"/,
    );
    expect(JSON.stringify(outcome.error)).not.toContain(wrong);
    expect(String(outcome.error?.stack)).not.toContain(wrong);
  });
});
