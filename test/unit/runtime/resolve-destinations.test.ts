/**
 * Secret resolution is generic over each destination module's `secrets` paths: every listed
 * field present in the task becomes a Secret (literal or from the environment), an absent
 * optional one stays absent, other fields are untouched, the task is not modified, and a
 * missing variable is an error naming `destinations[i].<path>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDestinations } from '../../../shared/runtime/compose.ts';
import { parseTask, Secret, TaskConfigError } from '../../../shared/task/index.ts';

const ENV = ['DTS_TEST_FC_SECRET', 'DTS_TEST_FC_TOKEN', 'DTS_TEST_REGISTRY_PW'] as const;

afterEach(() => {
  for (const name of ENV) delete process.env[name];
});

function task(destinations: unknown[]) {
  return parseTask({ name: 't', source: { host: 'db', serverId: 1 }, objects: [{ database: 'shop' }], destinations }, 'secrets.yaml');
}

const fc = { type: 'fc', name: 'fc', region: 'cn-hangzhou', accountId: '1', accessKeyId: 'LTAI', service: 'svc', function: 'fn' };
const kafka = { type: 'kafka', name: 'k', brokers: ['b:9092'], topic: 't', format: 'dts-avro' };

describe('resolveDestinations', () => {
  it('resolves every secret path of each module, from the environment or a literal, and leaves the rest as parsed', () => {
    process.env.DTS_TEST_FC_SECRET = 'fc-secret-value';
    process.env.DTS_TEST_FC_TOKEN = 'fc-token-value';
    process.env.DTS_TEST_REGISTRY_PW = 'registry-pw';
    const t = task([
      { ...fc, accessKeySecret: { env: 'DTS_TEST_FC_SECRET' }, securityToken: '${DTS_TEST_FC_TOKEN}' },
      { ...fc, name: 'fc-literal', accessKeySecret: 'literal-secret' },
      { ...kafka, schemaRegistry: { url: 'http://registry:8081', basicAuth: { username: 'u', password: { env: 'DTS_TEST_REGISTRY_PW' } } } },
      { ...kafka, name: 'k2' },
    ]);
    const before = structuredClone(t.destinations);
    const [a, b, c, d] = resolveDestinations(t, 'secrets.yaml') as unknown as Record<string, unknown>[];

    expect(a!.accessKeySecret).toBeInstanceOf(Secret);
    expect((a!.accessKeySecret as Secret).reveal()).toBe('fc-secret-value');
    expect((a!.securityToken as Secret).reveal()).toBe('fc-token-value');
    expect((b!.accessKeySecret as Secret).reveal()).toBe('literal-secret');
    expect(b).not.toHaveProperty('securityToken'); // optional and absent: stays absent
    const registry = c!.schemaRegistry as { url: string; basicAuth: { username: string; password: Secret } };
    expect(registry.basicAuth.password.reveal()).toBe('registry-pw');
    expect(registry.basicAuth.username).toBe('u');
    expect(registry.url).toBe('http://registry:8081');
    expect(d!.sasl).toBeUndefined();
    expect(d!.schemaRegistry).toBeUndefined();

    // Everything else is what the schema gave, and the task itself still holds references.
    const { accessKeySecret: _s, securityToken: _t, ...rest } = a!;
    const { accessKeySecret: _s0, securityToken: _t0, ...parsedRest } = before[0] as Record<string, unknown>;
    expect(rest).toEqual(parsedRest);
    expect(t.destinations).toEqual(before);
  });

  it('names the destination index and the secret path when a variable is missing', () => {
    process.env.DTS_TEST_FC_SECRET = 'set';
    const t = task([kafka, { ...fc, accessKeySecret: { env: 'DTS_TEST_FC_SECRET' }, securityToken: { env: 'DTS_TEST_FC_TOKEN' } }]);
    const err = (() => {
      try {
        resolveDestinations(t, 'secrets.yaml');
      } catch (e) {
        return e;
      }
      throw new Error('expected a TaskConfigError');
    })();
    expect(err).toBeInstanceOf(TaskConfigError);
    expect((err as Error).message).toMatch(/destinations\[1\]\.securityToken: refers to environment variable DTS_TEST_FC_TOKEN, which is not set/);
    const nested = task([{ ...kafka, schemaRegistry: { url: 'http://r:8081', basicAuth: { username: 'u', password: '${DTS_TEST_REGISTRY_PW}' } } }]);
    expect(() => resolveDestinations(nested, 'secrets.yaml')).toThrow(/destinations\[0\]\.schemaRegistry\.basicAuth\.password: refers to environment variable DTS_TEST_REGISTRY_PW/);
  });
});
