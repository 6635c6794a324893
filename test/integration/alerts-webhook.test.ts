/**
 * Alerts end to end against a real local HTTP receiver (a DingTalk-style robot that checks the
 * signature itself) and the task's real stored state (Redis, and the file state beside a file
 * queue): the FC retry-window function notifies once per state change across invocations (each a
 * fresh evaluation from the stored state), evaluators racing on one change send it once, a failed
 * send is sent again at the next tick, a latency rule fires after its `for` on a lagging
 * destination, and the local runner notifies the FAILED that ends its run. Neither the URL's token
 * nor the signing secret appears in any log line or function result.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Logger, LogFields } from '../../shared/log.ts';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import type { FcContext } from '../../shared/runtime/fc/context.ts';
import { retryWindowEntry } from '../../shared/runtime/entries/retry-window.ts';
import { failed, FileTaskStateStore, resumed, retryWindowFailed } from '../../shared/task/index.ts';
import { createRedisTaskStateStore } from '../../shared/task/state/redis-store.ts';
import { startAlertReceiver, type AlertReceiver } from '../helpers/alert-receiver.ts';
import { writeTaskFile } from '../helpers/cli.ts';
import { makeBatch } from '../helpers/queue-batches.ts';
import { stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const redisUrl = process.env.DTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(redisUrl);
afterAll(() => admin.quit());

const context = { requestId: 'test', function: { name: 'retry-window', timeout: 60 } } as unknown as FcContext;
const TOKEN = `tok${randomUUID().replaceAll('-', '')}`;
const SECRET = `SEC${randomUUID().replaceAll('-', '')}`;
const URL_ENV = 'DTS_TEST_ALERT_URL';
const SECRET_ENV = 'DTS_TEST_ALERT_SECRET';

/** Every log line as JSON text, to search for secrets. */
function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: LogFields) => void lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

let receiver: AlertReceiver;
beforeAll(async () => {
  receiver = await startAlertReceiver({ secret: SECRET });
  process.env[URL_ENV] = `${receiver.url}/robot/send?access_token=${TOKEN}`;
  process.env[SECRET_ENV] = SECRET;
});
afterAll(async () => {
  delete process.env[URL_ENV];
  delete process.env[SECRET_ENV];
  await receiver.close();
});
afterEach(() => {
  receiver.received.length = 0;
});

const dingtalk = { url: `\${${URL_ENV}}`, secret: `\${${SECRET_ENV}}`, type: 'dingtalk' as const };
const baseTask = (name: string) => ({
  name,
  source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 6900 },
  objects: [{ database: 'shop' }],
  destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 'dts-alerts', format: 'canal-json' }],
});
const titles = () => receiver.received.map((r) => (r.body.markdown as { title?: string } | undefined)?.title ?? `${String(r.body.state)} ${String(r.body.rule)}`);

describe('alerts on the FC retry-window function', () => {
  it('Redis state: FIRING once for a FAILED task across two ticks, signed; RESOLVED once after resume; retrying > 2m; no secret in logs or results', { timeout: 60_000 }, async () => {
    const prefix = `dts-test:alerts:${randomUUID()}`;
    const dir = await tempDir('alerts-redis');
    const file = await writeTaskFile(dir, {
      ...baseTask('alerting'),
      queue: { type: 'redis', url: redisUrl, prefix },
      alerts: { webhook: dingtalk, rules: [{ when: 'failed' }, { when: 'retrying > 2m' }] },
    });
    const store = await createRedisTaskStateStore(redisUrl, prefix);
    const lines: string[] = [];
    const tick = async () =>
      JSON.parse(JSON.stringify(await retryWindowEntry({ taskFile: file }, context, recordingLogger(lines)))) as {
        alerts: { firing: string[]; sent: unknown[]; failed: unknown[] };
        recorded: boolean;
      };
    const results: unknown[] = [];
    try {
      // Nothing recorded, nothing firing: nothing sent, and no state is created by looking.
      const quiet = await tick();
      expect([quiet.alerts, quiet.recorded]).toEqual([{ firing: [], sent: [], failed: [] }, false]);

      await store.update(failed('deliver:kafka', { message: 'gave up after retrying for 10 minutes: cannot reach Kafka', code: 'DTS_RETRY_WINDOW_EXCEEDED' }));
      const first = await tick();
      const second = await tick();
      results.push(quiet, first, second);
      expect(first.alerts).toEqual({ firing: ['failed'], sent: [{ rule: 'failed', state: 'FIRING' }], failed: [] });
      expect(second.alerts).toEqual({ firing: ['failed'], sent: [], failed: [] });
      expect(receiver.received).toHaveLength(1);
      const [fired] = receiver.received;
      expect(fired!.signatureValid).toBe(true);
      expect(fired!.query.get('access_token')).toBe(TOKEN);
      expect(fired!.body.msgtype).toBe('markdown');
      expect((fired!.body.markdown as { text: string }).text).toContain('- status FAILED: gave up after retrying for 10 minutes: cannot reach Kafka');
      expect((await store.read())!.alerts!.failed).toMatchObject({ firing: true, notified: 'FIRING' });

      await store.update(resumed);
      const third = await tick();
      await tick();
      results.push(third);
      expect(third.alerts).toEqual({ firing: [], sent: [{ rule: 'failed', state: 'RESOLVED' }], failed: [] });
      expect(titles()).toEqual(['[FIRING] alerting: failed', '[RESOLVED] alerting: failed']);
      expect(receiver.received.every((r) => r.signatureValid === true)).toBe(true);

      // A stage retrying for three minutes (its window opened by an earlier process) trips `retrying > 2m`.
      await store.update(retryWindowFailed('reader', Date.now() - 3 * 60_000, { message: 'connect ECONNREFUSED 127.0.0.1:3306', code: 'DTS_SOURCE_CONNECTION' }));
      const retrying = await tick();
      results.push(retrying);
      expect(retrying.alerts.sent).toEqual([{ rule: 'retrying > 2m', state: 'FIRING' }]);
      expect(titles()).toEqual(['[FIRING] alerting: failed', '[RESOLVED] alerting: failed', '[FIRING] alerting: retrying > 2m']);
      expect((receiver.received[2]!.body.markdown as { text: string }).text).toMatch(/- retrying reader since \S+ \(1 attempts\)/);

      expect(lines.some((l) => l.includes('alert FIRING'))).toBe(true);
      for (const text of [...lines, JSON.stringify(results)]) expect(text).not.toMatch(new RegExp(`${TOKEN}|${SECRET}`));
    } finally {
      await store.close();
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });

  it('evaluators racing on one change: the one whose state update recorded it sends, once', { timeout: 60_000 }, async () => {
    const prefix = `dts-test:alerts:${randomUUID()}`;
    const dir = await tempDir('alerts-race');
    const file = await writeTaskFile(dir, { ...baseTask('racing'), queue: { type: 'redis', url: redisUrl, prefix }, alerts: { webhook: dingtalk, rules: [{ when: 'failed' }] } });
    const store = await createRedisTaskStateStore(redisUrl, prefix);
    try {
      await store.update(failed('reader', { message: 'binlog purged', code: 'DTS_SOURCE_POSITION_LOST' }));
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => retryWindowEntry({ taskFile: file }, context, recordingLogger([]))));
      const sent = outcomes.flatMap((o) => (o.alerts as { sent: unknown[] }).sent);
      expect(sent).toEqual([{ rule: 'failed', state: 'FIRING' }]);
      expect(titles()).toEqual(['[FIRING] racing: failed']);
    } finally {
      await store.close();
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });

  it('file state: a latency rule fires after its `for` on a lagging destination; a refused send is sent again next tick, then never; RESOLVED when it catches up', { timeout: 60_000 }, async () => {
    const dir = await tempDir('alerts-latency');
    const queueDir = `${dir}/queue`;
    // The destination acknowledged a batch whose changes are far in the past: its latency is huge.
    const queue = await createFileQueue(queueDir, { consumers: ['kafka'] });
    await queue.append(makeBatch(1));
    await queue.commit('kafka', 1);
    await queue.close();
    const file = await writeTaskFile(dir, {
      ...baseTask('lagging'),
      queue: { type: 'file', dir: queueDir },
      alerts: { webhook: { url: `${receiver.url}/hooks/dts` }, rules: [{ when: 'latency(kafka) > 30s for 1s', name: 'slow kafka' }] },
    });
    const lines: string[] = [];
    const tick = async () => (await retryWindowEntry({ taskFile: file }, context, recordingLogger(lines))).alerts as { firing: string[]; sent: unknown[]; failed: { error: string }[] };

    expect(await tick()).toEqual({ firing: [], sent: [], failed: [] }); // above, but not for 1 s yet
    await new Promise((r) => setTimeout(r, 1100));
    receiver.failNext(503);
    expect(await tick()).toEqual({ firing: ['slow kafka'], sent: [], failed: [{ rule: 'slow kafka', state: 'FIRING', error: `alert webhook ${receiver.url}: answered HTTP 503` }] });
    expect(lines.filter((l) => l.includes('not delivered'))).toEqual([expect.stringContaining(`"webhook":"${receiver.url}"`)]);
    const state = await new FileTaskStateStore(`${queueDir}/state.json`).read();
    expect(state!.alerts!['slow kafka']).toMatchObject({ firing: true, lastSendError: `alert webhook ${receiver.url}: answered HTTP 503` });
    expect(state!.alerts!['slow kafka']!.notified).toBeUndefined();
    expect(await tick()).toEqual({ firing: ['slow kafka'], sent: [{ rule: 'slow kafka', state: 'FIRING' }], failed: [] });
    expect(await tick()).toEqual({ firing: ['slow kafka'], sent: [], failed: [] });
    expect(receiver.received).toHaveLength(2);
    // The retried notification is the same one: same change time and values.
    expect(receiver.received[1]!.body).toEqual(receiver.received[0]!.body);
    const body = receiver.received[0]!.body as { rule: string; when: string; state: string; task: string; values: { latencyMs: { kafka: number }; threshold: string }; message: string; at: string };
    expect([body.rule, body.when, body.state, body.task, body.values.threshold, receiver.received[0]!.rawQuery]).toEqual(['slow kafka', 'latency(kafka) > 30s for 1s', 'FIRING', 'lagging', '30s', '']);
    expect(body.values.latencyMs.kafka).toBeGreaterThan(30_000);
    expect(body.message).toMatch(/^\[FIRING\] task lagging: slow kafka \(latency\(kafka\) > 30s for 1s\) - latency kafka \d+s$/);

    // The destination catches up to a change made just now.
    const writer = await createFileQueue(queueDir, { consumers: ['kafka'] });
    await writer.append({ ...makeBatch(2), sourceTimeMs: Date.now() });
    await writer.commit('kafka', 2);
    await writer.close();
    expect(await tick()).toEqual({ firing: [], sent: [{ rule: 'slow kafka', state: 'RESOLVED' }], failed: [] });
    expect(receiver.received.map((r) => r.body.state)).toEqual(['FIRING', 'FIRING', 'RESOLVED']);
    expect((receiver.received[2]!.body.values as { latencyMs: { kafka: number } }).latencyMs.kafka).toBeLessThan(30_000);
  });
});

describe('alerts in the local runner', () => {
  const { db } = useDatabase('alerts', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY)');

  it('a run that ends FAILED notifies `failed` once before it returns', { timeout: 90_000 }, async () => {
    const dir = await tempDir('alerts-local');
    const task = taskFor(
      { database: db, tables: ['t'], topic: uniqueName('alerts'), dir, brokers: ['127.0.0.1:1'] },
      { alerts: { webhook: dingtalk, rules: [{ when: 'failed' }, { when: 'stopped' }] } },
    );
    const run = startTask(task, { windows: { connectionMs: 1500, otherMs: 500 }, backoff: { initialMs: 50, maxMs: 200, factor: 2 } });
    const outcome = await run.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(titles()).toEqual(['[FIRING] test: failed']);
    expect(receiver.received[0]!.signatureValid).toBe(true);
    expect((receiver.received[0]!.body.markdown as { text: string }).text).toMatch(/- status FAILED: gave up after retrying .*cannot reach Kafka at 127\.0\.0\.1:1/);
  });
});
