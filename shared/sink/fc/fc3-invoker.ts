/**
 * FC 3.0 InvokeFunction (API 2023-03-30) through @alicloud/fc20230330: functions without services,
 * `POST /2023-03-30/functions/<function>/invocations?qualifier=<q>`, signed ACS3-HMAC-SHA256
 * (specs/function-compute.md §3.3–3.4). An extension: DTS itself delivers only to FC 2.0.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type * as fc3 from '@alicloud/fc20230330';
import { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import { headerValue, type FcInvoker, type ResolvedFcConfig } from './invoker.ts';

/** The invoke host FC 3.0 uses (the generated SDK would otherwise pick fc.aliyuncs.com). */
export function endpointOf(config: ResolvedFcConfig): { host: string; protocol: 'HTTP' | 'HTTPS' } {
  if (!config.endpoint) return { host: `${config.accountId}.${config.region}.fc.aliyuncs.com`, protocol: 'HTTPS' };
  const url = new URL(config.endpoint);
  return { host: url.host, protocol: url.protocol === 'http:' ? 'HTTP' : 'HTTPS' };
}

// A CommonJS module whose `exports.default` is the client; loaders disagree on what an ES default
// import of it means (Node: `module.exports`, vite: `exports.default`), require() does not.
const FcClient = (createRequire(import.meta.url)('@alicloud/fc20230330') as { default: typeof fc3.default.default }).default;

export function createFc3Invoker(config: ResolvedFcConfig): FcInvoker {
  const { host, protocol } = endpointOf(config);
  const client = new FcClient(
    new $OpenApiUtil.Config({
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret.reveal(),
      securityToken: config.securityToken?.reveal(),
      endpoint: host,
      protocol,
      regionId: config.region,
      readTimeout: config.timeoutMs,
      connectTimeout: Math.min(config.timeoutMs, 10_000),
    }),
  );
  return {
    target: `${config.function}:${config.qualifier}`,
    async invoke(event) {
      const response = await client.invokeFunctionWithOptions(
        config.function,
        new InvokeFunctionRequest({ body: Readable.from([event]), qualifier: config.qualifier }),
        new InvokeFunctionHeaders({ xFcInvocationType: 'Sync' }),
        new RuntimeOptions({ readTimeout: config.timeoutMs }),
      );
      const chunks: Buffer[] = [];
      if (response.body) for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
      return {
        requestId: headerValue(response.headers, 'x-fc-request-id') ?? '',
        errorType: headerValue(response.headers, 'x-fc-error-type'),
        body: Buffer.concat(chunks),
      };
    },
  };
}
