/**
 * The local FC endpoint as a user meets it: handlers in either Node.js style (async, or callback
 * with HandledInvocationError), the FC context, the log tail, async invocations, a timeout, and
 * the `npm run fc:local` command refusing to start without a key or a handler directory.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import FCClient from '@alicloud/fc2';
import { silentLogger } from '../../shared/log.ts';
import { startLocalFcEndpoint, type LocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import { startFcLocalProcess } from '../helpers/fc-local-process.ts';
import { tempDir, waitFor } from '../helpers/stack.ts';

const KEY = { accessKeyId: 'LTAI-endpoint', accessKeySecret: 'endpoint-secret' };
const repo = join(import.meta.dirname, '..', '..');

const handlers = {
  // CommonJS, callback style: FC reports an error passed to the callback as handled.
  'index.js': `exports.handler = function (event, context, callback) {
  const input = JSON.parse(event.toString());
  context.logger.info('got', input.n);
  if (input.n < 0) return callback(new Error('negative: ' + input.n));
  if (input.sleep) return setTimeout(() => callback(null, 'late'), input.sleep);
  callback(null, { n: input.n, requestId: context.requestId, fn: context.function.name, svc: context.service.name, q: context.service.qualifier, region: context.region, account: context.accountId, timeout: context.function.timeout });
};`,
  'package.json': '{"type":"commonjs"}',
};

async function handlerDir(): Promise<string> {
  const dir = join(await tempDir('fc-endpoint'), 'fn');
  await mkdir(dir);
  for (const [name, text] of Object.entries(handlers)) await writeFile(join(dir, name), text);
  return dir;
}

describe('local FC endpoint', () => {
  let endpoint: LocalFcEndpoint;
  let client: FCClient;
  const lines: string[] = [];

  beforeAll(async () => {
    endpoint = await startLocalFcEndpoint({
      dir: await handlerDir(),
      port: 0,
      credentials: KEY,
      region: 'cn-shanghai',
      accountId: '42',
      timeoutSeconds: 1,
      log: silentLogger,
      writeLogLine: (l) => lines.push(l),
    });
    client = new FCClient('42', { accessKeyID: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, region: 'cn-shanghai', endpoint: endpoint.url });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it('runs a callback-style handler with an FC context and returns its log tail on request', async () => {
    const { headers, data } = await client.invokeFunction('svc', 'fn', Buffer.from('{"n":5}'), { 'x-fc-log-type': 'Tail' }, '3');
    const result = JSON.parse(Buffer.isBuffer(data) ? data.toString() : String(data)) as Record<string, unknown>;
    expect(result).toEqual({ n: 5, requestId: headers['x-fc-request-id'], fn: 'fn', svc: 'svc', q: '3', region: 'cn-shanghai', account: '42', timeout: 1 });
    const tail = Buffer.from(String(headers['x-fc-log-result']), 'base64').toString('utf8');
    expect(tail).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${String(headers['x-fc-request-id'])} \\[info\\] got 5$`));
    expect(lines.at(-1)).toBe(tail);
  });

  it('reports an error passed to the callback as HandledInvocationError', async () => {
    const { headers, data } = await client.invokeFunction('svc', 'fn', Buffer.from('{"n":-2}'));
    expect(headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(data).toMatchObject({ errorMessage: 'negative: -2', errorType: 'Error' });
  });

  it('fails an invocation that outlives the function timeout', async () => {
    const { headers, data } = await client.invokeFunction('svc', 'fn', Buffer.from('{"n":1,"sleep":1500}'));
    expect(headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(data).toMatchObject({ errorMessage: 'Function timed out after 1 seconds' });
  });

  it('answers an async invocation with 202 at once and runs the handler after', async () => {
    const before = lines.length;
    const { headers } = await client.invokeFunction('svc', 'fn', Buffer.from('{"n":77}'), { 'x-fc-invocation-type': 'Async' });
    expect(headers['x-fc-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => lines.slice(before).some((l) => l.endsWith('[info] got 77')), 5000, 'the async run');
  });

  it('npm run fc:local refuses to start without a key or a directory, saying what to pass', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/fc-local.ts'), ...args], {
        cwd: repo,
        env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '', ...env },
      });
    await expect(run([join(repo, 'examples/fc-target')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no access key: pass --access-key-id and --access-key-secret') });
    await expect(run([join(repo, 'no-such-dir'), '--access-key-id', 'a', '--access-key-secret', 'b'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('is not a directory') });
    const empty = await tempDir('fc-empty');
    await expect(run([empty, '--access-key-id', 'a', '--access-key-secret', 'b'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(`no index.mjs|.js|.cjs|.ts|.mts in ${empty}`) });
  }, 60_000);

  it('serves examples/fc-target from the command line, keys from the environment', async () => {
    const proc = await startFcLocalProcess(join(repo, 'examples/fc-target'), [], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'dev', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'dev-secret' });
    try {
      const example = new FCClient('1', { accessKeyID: 'dev', accessKeySecret: 'dev-secret', region: 'cn-hangzhou', endpoint: proc.url });
      const event = { Records: [{ id: 9, type: 'INSERT', isDdl: false, database: 'shop', table: 'orders', data: [{ id: '1' }] }] };
      const { data } = await example.invokeFunction('dts', 'on-change', JSON.stringify(event));
      expect(String(data)).toBe('{"received":1}');
      await waitFor(() => proc.stderr().includes('[info] 9 INSERT shop.orders {"id":"1"}'), 5000, 'the example logging the record');
    } finally {
      await proc.stop();
    }
  }, 60_000);
});
