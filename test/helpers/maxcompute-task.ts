/**
 * The kit for whole-task tests into MaxCompute: a local endpoint of the test file's own (in this
 * process, a free port, its own data dir), the destination block of a task file pointing at it,
 * the official Java SDK as the reader, and the DTS merge recipe (`_base` ∪ `_log`, latest row per
 * key by record id then after flag, kept when its after flag is Y) over what the SDK read.
 */
import { afterAll, beforeAll } from 'vitest';
import { startLocalMaxCompute, type LocalMaxCompute } from '../../shared/runtime/maxcompute/local-endpoint/index.ts';
import { javaOdps, type OdpsCell, type OdpsRow } from './java-odps.ts';
import { tempDir } from './stack.ts';

export const MC_ACCESS_KEY_ID = 'dts-local-ak';
export const MC_ACCESS_KEY_SECRET = 'dts-local-secret';
export const MC_PROJECT = 'dts_demo';

export interface LocalMaxComputeKit {
  /** The service endpoint (`http://127.0.0.1:<port>/api`). */
  endpoint(): string;
  judge(project?: string): ReturnType<typeof javaOdps>;
  /** Stops the endpoint (a test that restarts it calls start() again: same data dir). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A local MaxCompute for the test file: started before its tests, stopped after them. */
export function useLocalMaxCompute(prefix: string, projects: readonly string[] = [MC_PROJECT]): LocalMaxComputeKit {
  let server: LocalMaxCompute | undefined;
  let dataDir = '';
  let port = 0;
  const start = async () => {
    server = await startLocalMaxCompute({ port, dataDir, projects });
    port = server.port;
  };
  beforeAll(async () => {
    dataDir = await tempDir(`${prefix}-mc`);
    await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  const endpoint = () => {
    if (!server) throw new Error('useLocalMaxCompute: the endpoint runs only inside tests');
    return server.endpoint;
  };
  return {
    endpoint,
    judge: (project = MC_PROJECT) => javaOdps({ endpoint: endpoint(), project, accessKeyId: MC_ACCESS_KEY_ID, accessKeySecret: MC_ACCESS_KEY_SECRET }),
    stop: async () => {
      await server?.close();
      server = undefined;
    },
    start,
  };
}

/** A maxcompute destination for a task file; flushes after a second so tests see rows soon. */
export function maxComputeDestination(endpoint: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'maxcompute' as const,
    name: 'mc',
    endpoint,
    project: MC_PROJECT,
    accessKeyId: MC_ACCESS_KEY_ID,
    accessKeySecret: MC_ACCESS_KEY_SECRET,
    flush: { maxRows: 100_000, maxMegabytes: 64, maxSeconds: 1 },
    ...overrides,
  };
}

/** Metadata column names of `_log` under a naming rule. */
export function metadataNames(rule: 'new' | 'old' = 'new') {
  const p = rule === 'new' ? 'new_dts_sync_' : '';
  return { recordId: `${p}record_id`, flag: `${p}operation_flag`, timestamp: `${p}utc_timestamp`, before: `${p}before_flag`, after: `${p}after_flag` };
}

/**
 * The DTS merge recipe over rows read back: `_base` rows count as record id 0 with after flag Y;
 * per key the row ordered first by record id desc, after flag desc; kept when its after flag is Y.
 * Returns the business columns of the surviving rows, keyed by `key(values)`.
 */
export function mergeBaseAndLog(
  base: readonly OdpsRow[],
  log: readonly OdpsRow[],
  key: (values: Record<string, OdpsCell>) => string,
  rule: 'new' | 'old' = 'new',
): Map<string, Record<string, OdpsCell>> {
  const m = metadataNames(rule);
  const metadata = new Set(Object.values(m));
  const business = (values: Record<string, OdpsCell>) => Object.fromEntries(Object.entries(values).filter(([k]) => !metadata.has(k)));
  type Candidate = { recordId: bigint; after: string; values: Record<string, OdpsCell> };
  const latest = new Map<string, Candidate>();
  const offer = (c: Candidate) => {
    const k = key(c.values);
    const seen = latest.get(k);
    if (!seen || c.recordId > seen.recordId || (c.recordId === seen.recordId && c.after > seen.after)) latest.set(k, c);
  };
  for (const row of base) offer({ recordId: 0n, after: 'Y', values: row.values });
  for (const row of log) offer({ recordId: BigInt(row.values[m.recordId] as string), after: row.values[m.after] as string, values: business(row.values) });
  const out = new Map<string, Record<string, OdpsCell>>();
  for (const [k, c] of latest) if (c.after === 'Y') out.set(k, c.values);
  return out;
}

/** Polls the judge until `check` holds for what it reads (each read is one JVM, about a second). */
export async function readUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined as T | undefined);
    if (last !== undefined && check(last)) return last;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last read: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
