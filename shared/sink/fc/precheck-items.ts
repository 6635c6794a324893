/**
 * A Function Compute destination: the target function (and, on FC 2.0, its service) exists, asked
 * with the task's credentials through GetFunction of the API the task delivers with (FC 2.0
 * `GET /2016-08-15/services/<service>.<qualifier>/functions/<function>`, FC 3.0
 * `GET /2023-03-30/functions/<function>?qualifier=`), on the host the deliveries go to. A missing
 * service or function, a refused signature or no answer fail; a key that may invoke but not read
 * the function (AccessDenied) is a warning: its existence could not be checked.
 */
import { GetFunctionRequest } from '@alicloud/fc20230330';
import { RuntimeOptions } from '@darabonba/typescript';
import { fc2Client, fc3Client } from './fc-clients.ts';
import type { ResolvedFcConfig } from './invoker.ts';
import { fail, pass, warn, type Finding } from '../../precheck/finding.ts';
import { defaults } from '../../task/defaults.ts';

const credentialCodes = new Set([
  'SignatureNotMatch',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyID',
  'InvalidAccessKeyId',
  'InvalidAccessKeyId.NotFound',
  'InvalidSecurityToken',
  'InvalidSecurityToken.Expired',
  'InvalidAuthorization',
  'RequestTimeTooSkewed',
]);
const missingFunctionCodes = new Set(['FunctionNotFound', 'AliasNotFound', 'VersionNotFound', 'QualifierNotFound', 'NotFound']);

/** One GetFunction call; rejects with the SDK's error (`code`: FC's error code, `statusCode` on FC 3.0). */
async function getFunction(config: ResolvedFcConfig, timeoutMs: number): Promise<void> {
  if (config.fcVersion === '2.0') {
    const client = fc2Client(config, timeoutMs);
    await client.getFunction(config.service!, config.function, {}, config.qualifier);
    return;
  }
  const client = fc3Client(config, { readMs: timeoutMs, connectMs: timeoutMs });
  await client.getFunctionWithOptions(config.function, new GetFunctionRequest({ qualifier: config.qualifier }), {}, new RuntimeOptions({ readTimeout: timeoutMs, connectTimeout: timeoutMs }));
}

export async function fcItems(config: ResolvedFcConfig, timeoutMs: number = defaults.fcPrecheckTimeoutMs): Promise<Finding[]> {
  const id = `destination.${config.name}.function`;
  const endpoint = config.endpoint ?? `https://${config.accountId}.${config.region}.fc.aliyuncs.com`;
  const where = `in region ${config.region} (account ${config.accountId}, endpoint ${endpoint})`;
  const target = config.fcVersion === '2.0' ? `${config.service}.${config.qualifier}/${config.function}` : `${config.function}:${config.qualifier}`;
  const settings = `of destination "${config.name}"`;
  try {
    await getFunction(config, Math.min(config.timeoutMs, timeoutMs));
    return [pass(id, `FC ${config.fcVersion} function ${target} exists ${where}`)];
  } catch (err) {
    const e = err as { code?: string; statusCode?: number; name?: string; message?: string };
    const code = e.code ?? e.name ?? 'Error';
    if (code === 'ServiceNotFound') {
      return [
        fail(
          id,
          `FC service ${config.service} does not exist ${where}`,
          `create the FC 2.0 service ${config.service} with function ${config.function}, or correct service, region and accountId ${settings}`,
        ),
      ];
    }
    if (missingFunctionCodes.has(code) || e.statusCode === 404) {
      return [
        fail(
          id,
          `FC function ${target} does not exist ${where} (${code})`,
          `create the function (and the qualifier ${config.qualifier}), or correct function, qualifier, region and accountId ${settings}`,
        ),
      ];
    }
    if (credentialCodes.has(code) || e.statusCode === 401) {
      return [
        fail(
          id,
          `FC refused the task's credentials for ${target} ${where} (${code})`,
          `check accessKeyId, accessKeySecret and securityToken ${settings}${code === 'RequestTimeTooSkewed' ? ", and this machine's clock" : ''}`,
        ),
      ];
    }
    if (code === 'AccessDenied' || code === 'Forbidden' || e.statusCode === 403) {
      return [
        warn(
          id,
          `the task's key may not read function ${target} ${where} (${code}), so whether it exists was not checked; deliveries need only fc:InvokeFunction`,
          'allow fc:GetFunction on the function to the key, or check the function by hand',
        ),
      ];
    }
    return [fail(id, `FC did not answer for function ${target} ${where}: ${code}`, `check endpoint, region and accountId ${settings} and the network path to FC`)];
  }
}
