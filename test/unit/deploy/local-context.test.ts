/**
 * The context `npm run invoke` hands a handler has every field FC's Node.js runtime passes
 * (specs/function-compute.md §2.3), filled from the variables `s local invoke` sets.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalContext } from '../../../shared/runtime/fc/context.ts';

describe('createLocalContext', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('has the fields FC passes, with credentials, region and account from the environment', () => {
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'STS.id');
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'secret');
    vi.stubEnv('ALIBABA_CLOUD_SECURITY_TOKEN', 'token');
    vi.stubEnv('FC_REGION', 'cn-shanghai');
    vi.stubEnv('FC_ACCOUNT_ID', '1234567890');
    const context = createLocalContext('reader', { functionName: 'dts-reader', memory: 1024, timeoutSeconds: 900, initializer: 'index.initialize' });
    expect(Object.keys(context).sort()).toEqual(['accountId', 'credentials', 'function', 'logger', 'region', 'requestId', 'service', 'tracing']);
    expect(context.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.credentials).toEqual({ accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'token' });
    expect(context.function).toEqual({ name: 'dts-reader', handler: 'index.handler', memory: 1024, timeout: 900, initializer: 'index.initialize' });
    expect(context.service).toEqual({ name: 'mysql-dts', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' });
    expect([context.region, context.accountId]).toEqual(['cn-shanghai', '1234567890']);
    expect(context.tracing.parseOpenTracingBaggages()).toEqual({});
    expect(Object.keys(context.logger).sort()).toEqual(['debug', 'error', 'info', 'log', 'warn']);
  });

  it('logs as FC does: time, request id, level, the formatted message', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const context = createLocalContext('latency');
    context.logger.warn('lag %d ms on', 1500, { destination: 'kafka' });
    const lines = write.mock.calls.map((c) => String(c[0]));
    write.mockRestore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${context.requestId} \\[warn\\] lag 1500 ms on \\{ destination: 'kafka' \\}\\n$`));
  });

  it('each invocation gets its own request id; no function has an initializer unless given', () => {
    const [a, b] = [createLocalContext('reader'), createLocalContext('reader')];
    expect(a.requestId).not.toBe(b.requestId);
    expect('initializer' in a.function).toBe(false);
  });
});
