/**
 * GetFunction's answer: the function's configuration as FC returns it, the fields both APIs share
 * (FC 2.0 `2016-08-15`, FC 3.0 `2023-03-30`; 3.0 adds the ARN and the state). Only what this
 * endpoint knows about the one handler it serves; callers such as the precheck read that the
 * function exists, not its details.
 */
import type { InvocationRoute } from './routes.ts';

export interface ServedFunction {
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly region: string;
  readonly accountId: string;
  /** When the endpoint started: its functions' creation and last change. */
  readonly since: string;
}

export function functionConfig(route: InvocationRoute, served: ServedFunction): Record<string, unknown> {
  const common = {
    functionId: `local-${route.service ? `${route.service}-` : ''}${route.function}`,
    functionName: route.function,
    description: 'served by the local FC endpoint',
    runtime: 'nodejs20',
    handler: served.handler,
    timeout: served.timeoutSeconds,
    memorySize: served.memoryMb,
    createdTime: served.since,
    lastModifiedTime: served.since,
  };
  if (route.api === '2016-08-15') return common;
  return { ...common, functionArn: `acs:fc:${served.region}:${served.accountId}:functions/${route.function}`, state: 'Active' };
}
