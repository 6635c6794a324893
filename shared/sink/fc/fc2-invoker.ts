/**
 * FC 2.0 InvokeFunction (API 2016-08-15) through @alicloud/fc2, the API DTS delivers with:
 * `POST /2016-08-15/services/<service>.<qualifier>/functions/<function>/invocations`, signed
 * `FC <accessKeyId>:<signature>` (specs/function-compute.md §3.1).
 */
import { fc2Client } from './fc-clients.ts';
import { headerValue, type FcInvoker, type ResolvedFcConfig } from './invoker.ts';

export function createFc2Invoker(config: ResolvedFcConfig & { service: string }): FcInvoker {
  const client = fc2Client(config, config.timeoutMs);
  return {
    target: `${config.service}.${config.qualifier}/${config.function}`,
    async invoke(event) {
      const { headers, data } = await client.invokeFunction(config.service, config.function, event, { 'x-fc-invocation-type': 'Sync' }, config.qualifier, { rawBuf: true });
      return {
        requestId: headerValue(headers, 'x-fc-request-id') ?? '',
        errorType: headerValue(headers, 'x-fc-error-type'),
        // rawBuf gives bytes, except for a function error: the SDK then decodes (and maybe parses) it.
        body: Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8'),
      };
    },
  };
}
