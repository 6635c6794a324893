/**
 * The `schemaRegistry` block of a Kafka destination: defaults, the formats it is valid with (the
 * error names the path and says what to change), URLs without credentials, and the basic-auth
 * password resolved as a secret by the composition root.
 */
import { describe, expect, it } from 'vitest';
import { resolveDestinations } from '../../../../shared/runtime/compose.ts';
import type { ResolvedKafkaConfig } from '../../../../shared/sink/kafka/index.ts';
import { parseTask, TaskConfigError, type TaskFile } from '../../../../shared/task/index.ts';
import { Secret } from '../../../../shared/task/secret.ts';

function taskWith(destination: Record<string, unknown>) {
  return parseTask(
    { name: 'demo', source: { host: 'h', serverId: 1 }, objects: [{ database: 'shop' }], destinations: [{ type: 'kafka', brokers: ['k:9092'], topic: 't', ...destination }] } as TaskFile,
    'inline',
  );
}

function issuesOf(destination: Record<string, unknown>): { path: string; message: string }[] {
  try {
    taskWith(destination);
  } catch (err) {
    expect(err).toBeInstanceOf(TaskConfigError);
    return [...(err as TaskConfigError).issues];
  }
  throw new Error('the task was accepted');
}

describe('schemaRegistry in the task file', () => {
  it('fills the defaults: TopicNameStrategy, 10 s timeout, no basic auth', () => {
    const d = taskWith({ format: 'dts-avro', schemaRegistry: { url: 'http://registry:8081' } }).destinations[0]!;
    expect(d.type === 'kafka' && d.schemaRegistry).toEqual({ url: 'http://registry:8081', subjectStrategy: 'topic', timeoutMs: 10000 });
  });

  it('is refused with any format but dts-avro, naming the path and the fix', () => {
    expect(issuesOf({ format: 'canal-json', schemaRegistry: { url: 'http://registry:8081' } })).toEqual([
      { path: 'destinations[0].schemaRegistry', message: 'a schema registry frames DTS Avro values only: set format: dts-avro, or remove schemaRegistry (format is canal-json)' },
    ]);
    // canal-json is the default format: leaving format out is the same mistake.
    expect(issuesOf({ schemaRegistry: { url: 'http://registry:8081' } }).map((i) => i.path)).toEqual(['destinations[0].schemaRegistry']);
  });

  it('refuses credentials in the URL, other schemes, unknown strategies and keys', () => {
    expect(issuesOf({ format: 'dts-avro', schemaRegistry: { url: 'http://me:pw@registry:8081' } })).toEqual([
      { path: 'destinations[0].schemaRegistry.url', message: 'no credentials in the URL: use schemaRegistry.basicAuth' },
    ]);
    expect(issuesOf({ format: 'dts-avro', schemaRegistry: { url: 'ftp://registry' } }).map((i) => i.path)).toEqual(['destinations[0].schemaRegistry.url']);
    expect(issuesOf({ format: 'dts-avro', schemaRegistry: { url: 'http://r:1', subjectStrategy: 'topic-record' } }).map((i) => i.path)).toEqual(['destinations[0].schemaRegistry.subjectStrategy']);
    expect(issuesOf({ format: 'dts-avro', schemaRegistry: { url: 'http://r:1', apiKey: 'x' } }).map((i) => i.path)).toEqual(['destinations[0].schemaRegistry']);
  });

  it('resolves the basic-auth password from the environment into a Secret that prints as ***', () => {
    const env = 'DTS_TEST_REGISTRY_PW_' + process.pid;
    process.env[env] = 'registry-sentinel-pw';
    try {
      const task = taskWith({ format: 'dts-avro', schemaRegistry: { url: 'https://registry', subjectStrategy: 'record', basicAuth: { username: 'svc', password: `\${${env}}` } } });
      const [resolved] = resolveDestinations(task, 'inline') as ResolvedKafkaConfig[];
      const auth = resolved!.schemaRegistry!.basicAuth!;
      expect(auth.username).toBe('svc');
      expect(auth.password).toBeInstanceOf(Secret);
      expect(auth.password.reveal()).toBe('registry-sentinel-pw');
      expect(JSON.stringify(resolved)).not.toContain('registry-sentinel-pw');
      expect(resolved!.schemaRegistry).toMatchObject({ url: 'https://registry', subjectStrategy: 'record', timeoutMs: 10000 });
    } finally {
      delete process.env[env];
    }
  });

  it('leaves a destination without a registry without one', () => {
    const [resolved] = resolveDestinations(taskWith({ format: 'dts-avro' }), 'inline') as ResolvedKafkaConfig[];
    expect(resolved!.schemaRegistry).toBeUndefined();
  });
});
