/**
 * The local FC endpoint against the real SDK clients: @alicloud/fc2 (FC 2.0, `FC id:signature`)
 * and @alicloud/fc20230330 (FC 3.0, ACS3-HMAC-SHA256) pass verification and reach the handler;
 * a wrong secret or key id, a body changed in flight (with or without its digest recomputed), a
 * date more than 15 minutes off, and (3.0) a replayed nonce are refused with 403 and a message
 * that says which; an unknown function is 404; a throwing handler comes back as X-Fc-Error-Type.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import FCClient from '@alicloud/fc2';
import { createRequire } from 'node:module';
import type * as fc3 from '@alicloud/fc20230330';
import { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import { silentLogger } from '../../shared/log.ts';
import { fc2ContentMd5, startLocalFcEndpoint, type LocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import { createFcTarget, type FcTarget } from '../helpers/fc-target.ts';
import { startTamperProxy, type Tamper } from '../helpers/fc-tamper-proxy.ts';

const Fc3Client = (createRequire(import.meta.url)('@alicloud/fc20230330') as { default: typeof fc3.default.default }).default;
const KEY = { accessKeyId: 'LTAI-local-test', accessKeySecret: 'the-right-secret' };
const MINUTE = 60_000;

type Version = '2.0' | '3.0';

interface Answer {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly errorType?: string;
  readonly body?: string;
}

/** One synchronous InvokeFunction through the real SDK of `version`; errors become answers. */
async function invoke(version: Version, endpoint: string, options: { secret?: string; keyId?: string; functionName?: string; body?: Buffer; qualifier?: string } = {}): Promise<Answer> {
  const body = options.body ?? Buffer.from('{"Records":[{"id":1}]}');
  const keyId = options.keyId ?? KEY.accessKeyId;
  const secret = options.secret ?? KEY.accessKeySecret;
  const fn = options.functionName ?? 'target';
  if (version === '2.0') {
    const client = new FCClient('1234567890', { accessKeyID: keyId, accessKeySecret: secret, region: 'cn-hangzhou', endpoint, timeout: 20_000 });
    try {
      const { headers, data } = await client.invokeFunction('dts', fn, body, {}, options.qualifier ?? 'LATEST', { rawBuf: true });
      return { status: 200, errorType: headers['x-fc-error-type'] as string | undefined, body: Buffer.isBuffer(data) ? data.toString('utf8') : JSON.stringify(data) };
    } catch (err) {
      const e = err as { code?: string; message: string };
      return { status: Number(/failed with (\d+)/.exec(e.message)?.[1]), code: e.code, message: e.message };
    }
  }
  const url = new URL(endpoint);
  const client = new Fc3Client(new $OpenApiUtil.Config({ accessKeyId: keyId, accessKeySecret: secret, endpoint: url.host, protocol: 'HTTP', regionId: 'cn-hangzhou' }));
  try {
    const response = await client.invokeFunctionWithOptions(
      fn,
      new InvokeFunctionRequest({ body: Readable.from([body]), qualifier: options.qualifier ?? 'LATEST' }),
      new InvokeFunctionHeaders({}),
      new RuntimeOptions({}),
    );
    const chunks: Buffer[] = [];
    for await (const c of response.body!) chunks.push(Buffer.from(c as Uint8Array));
    return { status: response.statusCode!, errorType: response.headers!['x-fc-error-type'], body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    const e = err as { statusCode?: number; code?: string; message: string };
    return { status: e.statusCode ?? 0, code: e.code, message: e.message };
  }
}

describe('local FC endpoint signatures, with the real SDK clients', () => {
  let target: FcTarget;
  let endpoint: LocalFcEndpoint;
  /** The same handler behind an endpoint whose clock runs `skew` ahead of the clients'. */
  const skewed: { endpoint: LocalFcEndpoint; skewMs: number }[] = [];

  beforeAll(async () => {
    target = await createFcTarget();
    endpoint = await startLocalFcEndpoint({ dir: target.dir, port: 0, credentials: KEY, service: 'dts', functionName: 'target', log: silentLogger, writeLogLine: () => {} });
    for (const skewMs of [16 * MINUTE, -16 * MINUTE, 14 * MINUTE]) {
      skewed.push({ skewMs, endpoint: await startLocalFcEndpoint({ dir: target.dir, port: 0, credentials: KEY, log: silentLogger, writeLogLine: () => {}, now: () => Date.now() + skewMs }) });
    }
  });

  afterAll(async () => {
    await endpoint?.close();
    for (const s of skewed) await s.endpoint.close();
  });

  describe.each<[Version, { signature: string; keyId: string }]>([
    ['2.0', { signature: 'SignatureNotMatch', keyId: 'InvalidAccessKeyID' }],
    ['3.0', { signature: 'SignatureDoesNotMatch', keyId: 'InvalidAccessKeyId.NotFound' }],
  ])('FC %s', (version, codes) => {
    const through = async (tamper: Tamper) => {
      const proxy = await startTamperProxy(endpoint.url, tamper);
      try {
        return await invoke(version, proxy.url);
      } finally {
        await proxy.close();
      }
    };

    it('accepts the SDK request and hands the handler the event with the invoked names', async () => {
      const before = (await target.invocations()).length;
      const body = Buffer.from(JSON.stringify({ Records: [{ id: 7, type: 'INSERT', data: [{ v: 'ü' }] }] }));
      const answer = await invoke(version, endpoint.url, { body, qualifier: 'prod' });
      expect(answer).toMatchObject({ status: 200, errorType: undefined, body: '{"received":1}' });
      const invocations = await target.invocations();
      expect(invocations).toHaveLength(before + 1);
      expect(invocations.at(-1)).toMatchObject({ failed: false, function: 'target', qualifier: 'prod', service: version === '2.0' ? 'dts' : '', event: JSON.parse(body.toString('utf8')) });
    });

    it('refuses a wrong secret and a wrong key id with 403, without running the handler', async () => {
      const before = (await target.invocations()).length;
      const wrongSecret = await invoke(version, endpoint.url, { secret: 'not-the-secret' });
      expect(wrongSecret).toMatchObject({ status: 403, code: codes.signature });
      expect(wrongSecret.message).toContain('the signature does not match: check the access key secret');
      const wrongKey = await invoke(version, endpoint.url, { keyId: 'LTAI-someone-else' });
      expect(wrongKey).toMatchObject({ status: 403, code: codes.keyId });
      expect(wrongKey.message).toContain('access key id "LTAI-someone-else" is not the one this endpoint accepts');
      expect(await target.invocations()).toHaveLength(before);
    });

    it('refuses a body changed after signing, whether or not its digest was recomputed', async () => {
      const before = (await target.invocations()).length;
      const flip = (body: Buffer) => Buffer.from(body.toString('utf8').replace('"id":1', '"id":2'));
      const kept = await through(({ headers, body }) => ({ headers, body: flip(body) }));
      expect(kept).toMatchObject({ status: 403, code: codes.signature });
      expect(kept.message).toContain('the body was changed after signing');

      const digestHeader = version === '2.0' ? 'content-md5' : 'x-acs-content-sha256';
      const digest = (body: Buffer) => (version === '2.0' ? fc2ContentMd5(body) : createHash('sha256').update(body).digest('hex'));
      const recomputed = await through(({ headers, body }) => {
        const changed = flip(body);
        return { headers: { ...headers, [digestHeader]: digest(changed) }, body: changed };
      });
      expect(recomputed).toMatchObject({ status: 403, code: codes.signature });
      expect(recomputed.message).toContain('the signature does not match');
      // The unchanged request through the same relay passes: the relay itself changes nothing.
      expect(await through((request) => request)).toMatchObject({ status: 200 });
      expect((await target.invocations()).length).toBe(before + 1);
    });

    it('refuses a date more than 15 minutes from the endpoint clock, either way, and accepts 14', async () => {
      for (const { endpoint: e, skewMs } of skewed) {
        const answer = await invoke(version, e.url);
        if (Math.abs(skewMs) > 15 * MINUTE) {
          expect(answer).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' });
          expect(answer.message).toMatch(/minutes from this endpoint's clock \(at most 15 allowed\)/);
        } else {
          expect(answer).toMatchObject({ status: 200 });
        }
      }
    });

    it('answers 404 for a function it does not serve, after checking the signature', async () => {
      const answer = await invoke(version, endpoint.url, { functionName: 'other' });
      expect(answer).toMatchObject({ status: 404, code: 'FunctionNotFound' });
      expect(answer.message).toContain('function "other" does not exist here (this endpoint serves "target")');
    });

    it('returns a throwing handler as X-Fc-Error-Type with its message', async () => {
      await target.failOn({ value: 'boom', message: 'cannot write to the warehouse', times: 1 });
      const answer = await invoke(version, endpoint.url, { body: Buffer.from('{"Records":[{"id":3,"data":[{"v":"boom"}]}]}') });
      expect(answer).toMatchObject({ status: 200, errorType: 'UnhandledInvocationError' });
      expect(JSON.parse(answer.body!)).toMatchObject({ errorMessage: 'cannot write to the warehouse', errorType: 'Error' });
      expect((await target.invocations()).at(-1)).toMatchObject({ failed: true });
    });
  });

  it('FC 3.0: a replayed request (same nonce) is refused the second time', async () => {
    let captured: { headers: IncomingHttpHeaders; body: Buffer } | undefined;
    const proxy = await startTamperProxy(endpoint.url, (request) => ((captured = request), request));
    try {
      expect(await invoke('3.0', proxy.url)).toMatchObject({ status: 200 });
    } finally {
      await proxy.close();
    }
    const headers: IncomingHttpHeaders = { ...captured!.headers, 'content-length': String(captured!.body.length) };
    delete headers['transfer-encoding'];
    const replay = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(endpoint.url);
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/2023-03-30/functions/target/invocations?qualifier=LATEST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(captured!.body);
    });
    expect(replay.status).toBe(403);
    expect(JSON.parse(replay.body)).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  it('FC 2.0: an event above the 32 MB synchronous limit is refused with 413 before the handler runs', { timeout: 60_000 }, async () => {
    const before = (await target.invocations()).length;
    const answer = await invoke('2.0', endpoint.url, { body: Buffer.alloc(32 * 1024 * 1024 + 1, 0x20) });
    expect(answer).toMatchObject({ status: 413, code: 'RequestEntityTooLarge' });
    expect(await target.invocations()).toHaveLength(before);
  });
});
