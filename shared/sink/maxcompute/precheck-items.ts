/**
 * A MaxCompute destination: the project answers with the task's credentials. Reading a table the
 * task never creates is the lightest signed request that proves both: "no such table" means the
 * project and the signature were accepted; no such project, a refused signature or no answer fail.
 */
import { silentLogger } from '../../log.ts';
import type { ResolvedMaxComputeConfig } from './maxcompute-sink.ts';
import { createMaxComputeClient } from './rest-client.ts';
import { fail, pass, type Finding } from '../../precheck/finding.ts';
import { defaults } from '../../task/defaults.ts';

const PROBE_TABLE = 'dts_precheck_probe';

export async function maxComputeItems(config: ResolvedMaxComputeConfig, timeoutMs: number = defaults.maxComputePrecheckTimeoutMs): Promise<Finding[]> {
  const id = `destination.${config.name}.project`;
  const client = createMaxComputeClient({
    endpoint: config.endpoint,
    project: config.project,
    accessKeyId: config.accessKeyId.reveal(),
    accessKeySecret: config.accessKeySecret,
    securityToken: config.securityToken,
    timeoutMs: Math.min(config.timeoutMs, timeoutMs),
    log: silentLogger,
    sink: config.name,
  });
  try {
    await client.getTable(PROBE_TABLE);
    return [pass(id, `MaxCompute project ${config.project} answers at ${config.endpoint} with the task's credentials`)];
  } catch (err) {
    return [
      fail(
        id,
        `MaxCompute project ${config.project} at ${config.endpoint} refused or did not answer: ${(err as Error).message}`,
        'check endpoint and project, and that the AccessKey belongs to a RAM user with read and write permissions on the project',
      ),
    ];
  }
}
