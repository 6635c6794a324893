/**
 * FC 3.0 InvokeFunction (API 2023-03-30) through @alicloud/fc20230330: functions without services,
 * `POST /2023-03-30/functions/<function>/invocations?qualifier=<q>`, signed ACS3-HMAC-SHA256
 * (specs/function-compute.md §3.3–3.4). An extension: DTS itself delivers only to FC 2.0.
 */
import { Readable } from 'node:stream';
import { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { RuntimeOptions } from '@darabonba/typescript';
import { fc3Client } from './fc-clients.ts';
import { headerValue, type FcInvoker, type ResolvedFcConfig } from './invoker.ts';
import { defaults } from '../../task/defaults.ts';

export function createFc3Invoker(config: ResolvedFcConfig): FcInvoker {
  const client = fc3Client(config, { readMs: config.timeoutMs, connectMs: Math.min(config.timeoutMs, defaults.fcConnectTimeoutMs) });
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
