/**
 * `${NAME}` in the non-secret fields that differ per deployment (source.host, a Kafka broker, the
 * FC accountId), as examples/cloud.yaml uses them: the task file loads with the references as
 * written; the runtime reads them when it composes the task, and an unset or empty variable is a
 * TaskConfigError naming the field's path and the variable. Other values are validated as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readerOptions, resolveDestinations } from '../../../shared/runtime/compose.ts';
import { resolveEnvText } from '../../../shared/runtime/secrets.ts';
import { loadTask, parseTask, TaskConfigError } from '../../../shared/task/index.ts';

const cloud = new URL('../../../examples/cloud.yaml', import.meta.url).pathname;
const VARS = {
  DTS_SOURCE_HOST: 'rm-test.mysql.rds.aliyuncs.com',
  DTS_KAFKA_BROKER: 'alikafka-test-1-vpc.alikafka.aliyuncs.com:9092',
  DTS_FC_ACCOUNT_ID: '1234567890123456',
  MYSQL_PASSWORD: 'pw',
  DTS_REDIS_URL: 'redis://127.0.0.1:6379',
  DTS_FC_ACCESS_KEY_SECRET: 'fc-secret',
};
const saved = Object.fromEntries(Object.keys(VARS).map((k) => [k, process.env[k]]));
function setEnv(values: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
afterEach(() => setEnv(saved));

/** The TaskConfigError's issues (fails when something else, or nothing, is thrown). */
function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TaskConfigError);
    expect((err as Error).message).toContain(`task file ${cloud} is not valid`);
    return [...(err as TaskConfigError).issues];
  }
  throw new Error('expected a TaskConfigError');
}

describe('${NAME} in non-secret fields', () => {
  it('loads examples/cloud.yaml with the references as written, and resolves them when the task is composed', async () => {
    const task = await loadTask(cloud);
    expect(task.source.host).toBe('${DTS_SOURCE_HOST}');
    expect(task.destinations.map((d) => (d.type === 'kafka' ? d.brokers : d.type === 'fc' ? d.accountId : null))).toEqual([['${DTS_KAFKA_BROKER}'], '${DTS_FC_ACCOUNT_ID}']);

    setEnv(VARS);
    expect(readerOptions(task, cloud).endpoint.host).toBe(VARS.DTS_SOURCE_HOST);
    const [kafka, fc] = resolveDestinations(task, cloud);
    expect(kafka).toMatchObject({ type: 'kafka', brokers: [VARS.DTS_KAFKA_BROKER], topic: 'dts' });
    expect(fc).toMatchObject({ type: 'fc', accountId: VARS.DTS_FC_ACCOUNT_ID, accessKeyId: 'LTAI5tExampleKeyId', function: 'on-change' });
    // Secrets stay resolved secrets: the walk over non-secret fields leaves them whole.
    expect((fc as { accessKeySecret: { reveal(): string } }).accessKeySecret.reveal()).toBe('fc-secret');
    expect(JSON.stringify(fc)).not.toContain('fc-secret');
  });

  it('names the field and the variable when it is unset or empty', async () => {
    const task = await loadTask(cloud);
    setEnv({ ...VARS, DTS_SOURCE_HOST: undefined });
    expect(issuesOf(() => readerOptions(task, cloud))).toEqual([
      { path: 'source.host', message: 'refers to environment variable DTS_SOURCE_HOST, which is not set; export it before starting the task' },
    ]);
    setEnv({ ...VARS, DTS_KAFKA_BROKER: undefined });
    expect(issuesOf(() => resolveDestinations(task, cloud))).toEqual([
      { path: 'destinations[0].brokers[0]', message: 'refers to environment variable DTS_KAFKA_BROKER, which is not set; export it before starting the task' },
    ]);
    setEnv({ ...VARS, DTS_FC_ACCOUNT_ID: ' ' });
    expect(issuesOf(() => resolveDestinations(task, cloud))).toEqual([
      { path: 'destinations[1].accountId', message: 'refers to environment variable DTS_FC_ACCOUNT_ID, which is empty; export it before starting the task' },
    ]);
  });

  it('reads a value as written when it is not a whole ${NAME}', () => {
    expect(resolveEnvText('db.internal', 'source.host', 'f', {})).toBe('db.internal');
    expect(resolveEnvText('${HOST}', 'source.host', 'f', { HOST: ' db.internal\n' })).toBe('db.internal');
    expect(resolveEnvText('pre-${HOST}', 'source.host', 'f', {})).toBe('pre-${HOST}');
  });

  it("still validates literal values, with each field's own message", () => {
    const base = {
      name: 't',
      source: { host: 'h', serverId: 1 },
      objects: [{ database: 'd' }],
      destinations: [
        { type: 'kafka', brokers: ['${B}', 'no-port'], topic: 't' },
        { type: 'fc', name: 'fc', fcVersion: '3.0', region: 'cn-hangzhou', accountId: 'acct-${A}', accessKeyId: 'id', accessKeySecret: 's', function: 'f' },
      ],
    };
    const issues = (doc: unknown) => {
      try {
        parseTask(doc, 'inline');
      } catch (err) {
        return (err as TaskConfigError).issues;
      }
      return [];
    };
    expect(issues(base)).toEqual([
      { path: 'destinations[0].brokers[1]', message: 'host:port, for example 127.0.0.1:9092' },
      { path: 'destinations[1].accountId', message: 'the numeric Alibaba Cloud account id that owns the function' },
    ]);
    expect(issues({ ...base, source: { host: '', serverId: 1 }, destinations: [base.destinations[0]!] }).map((i) => i.path)).toEqual(['source.host', 'destinations[0].brokers[1]']);
  });
});
