/**
 * The standalone precheck: every item, source first, without starting the task. It never throws
 * for what it checks (an unreachable source or broker is a failed item). The caller resolves the
 * secrets (runtime/compose.ts: an unset one is a TaskConfigError there).
 */
import type { SourceEndpoint } from '../source/binlog/connection-options.ts';
import { connectSource, type SourceConnection } from '../source/connection.ts';
import { destinationModule, type ResolvedDestination } from '../sink/registry.ts';
import type { Task } from '../task/index.ts';
import { heartbeatOf } from '../source/heartbeat/index.ts';
import { fail, type Finding } from './finding.ts';
import { objectItems } from './objects.ts';
import { mappingItems } from './mapping.ts';
import { sourceItems } from './source.ts';

export interface PrecheckInput {
  readonly task: Task;
  /** The source with its password resolved. */
  readonly endpoint: SourceEndpoint;
  /** The task's destinations with their secrets resolved. */
  readonly destinations: readonly ResolvedDestination[];
}

export async function runPrecheck({ task, endpoint, destinations }: PrecheckInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  let source: SourceConnection | null = null;
  try {
    source = await connectSource(endpoint);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    findings.push(
      fail(
        'source.connect',
        `cannot connect to ${endpoint.user}@${endpoint.host}:${endpoint.port}: ${e.code ?? e.message ?? String(err)}`,
        'check source.host, source.port, source.user and source.password, and that the source accepts connections from here',
      ),
    );
  }
  if (source) {
    const { query } = source;
    try {
      findings.push(...(await sourceItems(query, { serverId: task.source.serverId, objects: task.objects, heartbeat: heartbeatOf(task)?.table ?? null })));
      findings.push(...(await objectItems({ query, objects: task.objects, syncTypes: task.syncTypes, keylessTables: task.fullSync.keylessTables })));
      findings.push(...(await mappingItems(query, task)));
    } finally {
      await source.close();
    }
  }
  for (const d of destinations) {
    const items = await destinationModule(d.type).precheck();
    findings.push(...(await items(d)));
  }
  return findings;
}
