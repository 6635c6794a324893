import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DtsError, ErrorCodes, type ErrorContext } from '../../../shared/errors.ts';
import type { LogFields } from '../../../shared/log.ts';
import { readerOptions, resolveDestinations } from '../../../shared/runtime/compose.ts';
import { createLogger } from '../../../shared/runtime/logger.ts';
import { resolveSecret } from '../../../shared/runtime/secrets.ts';
import { connectionOptions } from '../../../shared/source/binlog/connection-options.ts';
import { parseTask, Secret, TaskConfigError, type Task } from '../../../shared/task/index.ts';
import { kafkaOf } from '../../helpers/destinations.ts';

describe('resolveSecret', () => {
  it('resolves an env reference from the injected environment', () => {
    const secret = resolveSecret({ env: 'MYSQL_PW' }, 'source.password', 'task.yaml', { MYSQL_PW: 'pw-from-env', OTHER: 'x' });
    expect(secret).toBeInstanceOf(Secret);
    expect(secret.reveal()).toBe('pw-from-env');
    expect(resolveSecret({ env: 'EMPTY' }, 'p', 'task.yaml', { EMPTY: '' }).reveal()).toBe(''); // set, even if empty
  });

  it('keeps a literal as it is', () => {
    expect(resolveSecret({ value: 'literal' }, 'source.password', 'task.yaml', {}).reveal()).toBe('literal');
  });

  it('names the path and the variable when the variable is not set', () => {
    let caught: unknown;
    try {
      resolveSecret({ env: 'KAFKA_PW' }, 'destinations[0].sasl.password', 'tasks/prod.yaml', { KAFKA_PASSWORD: 'near miss' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TaskConfigError);
    const err = caught as TaskConfigError;
    expect(err.code).toBe(ErrorCodes.TASK_CONFIG);
    expect(err.issues).toEqual([{ path: 'destinations[0].sasl.password', message: expect.stringContaining('environment variable KAFKA_PW, which is not set') }]);
    expect(err.message).toContain('tasks/prod.yaml');
    expect(err.message).toContain('destinations[0].sasl.password: refers to environment variable KAFKA_PW');
  });

  it('prints as *** everywhere except reveal()', () => {
    const s = new Secret('hidden-value');
    expect(String(s)).toBe('***');
    expect(`${s}`).toBe('***');
    expect(JSON.stringify({ s })).toBe('{"s":"***"}');
    expect(inspect({ s })).toBe('{ s: Secret(***) }');
  });
});

describe('no secret reaches a log line, an error, JSON or inspect', () => {
  const run = randomUUID();
  const sentinels = {
    DTS_TEST_MYSQL_PW: `S3NT1NEL-mysql-${run}`,
    DTS_TEST_KAFKA_PW: `S3NT1NEL-kafka-${run}`,
    DTS_TEST_REDIS_URL: `redis://:S3NT1NEL-redis-${run}@redis.internal:6379/0`,
  };
  const saved = new Map<string, string | undefined>();

  beforeEach(() => {
    for (const [name, value] of Object.entries(sentinels)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    saved.clear();
  });

  function sentinelTask(): Task {
    return parseTask(
      {
        name: 'sentinel',
        source: { host: 'db.internal', port: 3306, user: 'dts', password: '${DTS_TEST_MYSQL_PW}', serverId: 99 },
        objects: [{ database: 'shop' }],
        destinations: [
          {
            type: 'kafka',
            name: 'secure',
            brokers: ['kafka.internal:9093'],
            topic: 'dts',
            ssl: true,
            sasl: { mechanism: 'scram-sha-512', username: 'dts-user', password: { env: 'DTS_TEST_KAFKA_PW' } },
          },
          { type: 'kafka', name: 'plain', brokers: ['kafka.internal:9092'], topic: 'dts2' },
        ],
        queue: { type: 'redis', url: '${DTS_TEST_REDIS_URL}' },
      },
      'sentinel.yaml',
    );
  }

  function resolveAll() {
    const task = sentinelTask();
    const destinations = resolveDestinations(task, 'sentinel.yaml');
    const reader = readerOptions(task, 'sentinel.yaml');
    if (task.queue.type !== 'redis') throw new Error('expected a redis queue');
    const redisUrl = resolveSecret(task.queue.url, 'queue.url', 'sentinel.yaml');
    return { task, destinations, reader, redisUrl };
  }

  function errorCarrying(values: Record<string, unknown>): DtsError {
    // Context is typed as loggable scalars; this is the slip the test guards against.
    const context = { sink: 'secure', ...values } as unknown as ErrorContext;
    const cause = Object.assign(new Error('connection refused by kafka.internal:9093'), { options: values });
    return new DtsError('cannot reach Kafka at kafka.internal:9093', { code: ErrorCodes.SINK_CONNECTION, retriable: true, context, cause });
  }

  const SENTINEL = /S3NT1NEL/;

  it('resolves the references to the sentinels (so the checks below are not vacuous)', () => {
    const { destinations, reader, redisUrl } = resolveAll();
    expect(reader.endpoint.password.reveal()).toBe(sentinels.DTS_TEST_MYSQL_PW);
    expect(connectionOptions(reader.endpoint).password).toBe(sentinels.DTS_TEST_MYSQL_PW);
    expect(kafkaOf(destinations[0]).sasl?.password.reveal()).toBe(sentinels.DTS_TEST_KAFKA_PW);
    expect(kafkaOf(destinations[1]).sasl).toBeUndefined();
    expect(redisUrl.reveal()).toBe(sentinels.DTS_TEST_REDIS_URL);
  });

  it('fails with the path when a referenced variable is missing', () => {
    delete process.env.DTS_TEST_KAFKA_PW;
    const task = sentinelTask();
    expect(() => resolveDestinations(task, 'sentinel.yaml')).toThrow(/destinations\[0\]\.sasl\.password: refers to environment variable DTS_TEST_KAFKA_PW/);
    delete process.env.DTS_TEST_MYSQL_PW;
    expect(() => readerOptions(task, 'sentinel.yaml')).toThrow(/source\.password: refers to environment variable DTS_TEST_MYSQL_PW/);
  });

  it.each(['json', 'text'] as const)('logs resolved config and errors in %s format without a sentinel', (format) => {
    const { task, destinations, reader, redisUrl } = resolveAll();
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format, destination: { write: (s: string) => void lines.push(s) } });
    const err = errorCarrying({ destination: destinations[0], reader, redisUrl });

    log.info('task resolved', { task, destinations, reader, redisUrl });
    log.debug('reader options', reader as unknown as LogFields);
    log.warn('destination failed', { err });
    log.error('destination failed', { error: err, context: err.context, cause: err.cause });
    log.error('destination failed', { reason: err.toJSON() });
    log.child({ component: 'sink.kafka', config: destinations[0] }).info('connecting', { endpoint: reader.endpoint, url: redisUrl, list: [redisUrl, reader.endpoint.password] });

    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(6); // every call wrote something…
    expect(output).toContain('task resolved');
    expect(output).toContain('kafka.internal:9093'); // …with the endpoints in it…
    expect(output).toContain('dts-user');
    expect(output).toContain('DTS_SINK_CONNECTION');
    expect(output).not.toMatch(SENTINEL); // …and no secret.
    expect(output).toContain('***');
    if (format === 'json') {
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    } else {
      expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: task resolved /);
    }
  });

  it('JSON.stringify and util.inspect show *** instead of the secrets', () => {
    const { destinations, reader, redisUrl } = resolveAll();
    const err = errorCarrying({ destination: destinations[0], reader, redisUrl });
    const values: unknown[] = [destinations, reader, redisUrl, reader.endpoint, kafkaOf(destinations[0]).sasl, err, err.toJSON(), err.context];
    for (const value of values) {
      const json = JSON.stringify(value);
      const shown = inspect(value, { depth: Infinity, showHidden: true, getters: true });
      expect(json).not.toMatch(SENTINEL);
      expect(shown).not.toMatch(SENTINEL);
      expect(`${json}\n${shown}`).toContain('***');
    }
    expect(inspect(err.cause, { depth: Infinity })).not.toMatch(SENTINEL);
    expect(String(err)).not.toMatch(SENTINEL);
  });
});
