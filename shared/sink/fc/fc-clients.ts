/**
 * The two FC SDK clients built from a destination's resolved config, one place for both the
 * invokers (deliveries) and the precheck (GetFunction): same credentials, region and host, so the
 * precheck asks exactly where the deliveries go.
 */
import FCClient from '@alicloud/fc2';
import { createRequire } from 'node:module';
import type * as fc3 from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { ResolvedFcConfig } from './invoker.ts';

// A CommonJS module whose `exports.default` is the client; loaders disagree on what an ES default
// import of it means (Node: `module.exports`, vite: `exports.default`), require() does not.
const Fc3Client = (createRequire(import.meta.url)('@alicloud/fc20230330') as { default: typeof fc3.default.default }).default;

/** The invoke host FC 3.0 uses (the generated SDK would otherwise pick fc.aliyuncs.com). */
export function endpointOf(config: ResolvedFcConfig): { host: string; protocol: 'HTTP' | 'HTTPS' } {
  if (!config.endpoint) return { host: `${config.accountId}.${config.region}.fc.aliyuncs.com`, protocol: 'HTTPS' };
  const url = new URL(config.endpoint);
  return { host: url.host, protocol: url.protocol === 'http:' ? 'HTTP' : 'HTTPS' };
}

/** FC 2.0 (API 2016-08-15), requests signed `FC <accessKeyId>:<signature>`. */
export function fc2Client(config: ResolvedFcConfig, timeoutMs: number): FCClient {
  return new FCClient(config.accountId, {
    accessKeyID: config.accessKeyId,
    accessKeySecret: config.accessKeySecret.reveal(),
    securityToken: config.securityToken?.reveal(),
    region: config.region,
    secure: true,
    endpoint: config.endpoint,
    timeout: timeoutMs,
  });
}

/** FC 3.0 (API 2023-03-30) on the host endpointOf names. */
export function fc3Client(config: ResolvedFcConfig, timeouts: { readMs: number; connectMs: number }): InstanceType<typeof Fc3Client> {
  const { host, protocol } = endpointOf(config);
  return new Fc3Client(
    new $OpenApiUtil.Config({
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret.reveal(),
      securityToken: config.securityToken?.reveal(),
      endpoint: host,
      protocol,
      regionId: config.region,
      readTimeout: timeouts.readMs,
      connectTimeout: timeouts.connectMs,
    }),
  );
}
