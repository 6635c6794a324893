/**
 * The official MaxCompute Java SDK as the tests' judge: a typed wrapper around
 * test/helpers/JavaOdpsTool.java (read, schema, write, sql), run against any endpoint with any
 * credentials. The SDK's jars are the stack's (scripts/start-stack.sh maxcompute fetches them into
 * `$DTS_CACHE_DIR/odps-sdk-<version>/libs`, version from scripts/maxcompute/pom.xml). The tool is
 * compiled once per source content into the same cache, then each call is one JVM, run in UTC
 * (the SDK renders DATETIME in the JVM's zone: specs/maxcompute.md §3.7).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const source = join(repo, 'test/helpers/JavaOdpsTool.java');

function absolute(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(repo, dir);
}

const odpsVersion = /<odps\.version>([^<]+)<\/odps\.version>/.exec(readFileSync(join(repo, 'scripts/maxcompute/pom.xml'), 'utf8'))![1]!;
const sdkDir = join(absolute(process.env.DTS_CACHE_DIR ?? join(homedir(), '.cache', 'mysql-dts')), `odps-sdk-${odpsVersion}`);
export const odpsLibs = join(sdkDir, 'libs');

/** The stack's MaxCompute endpoint and its default account (scripts/stack-env.sh). */
export const stackMaxCompute = {
  endpoint: `http://127.0.0.1:${process.env.DTS_MAXCOMPUTE_PORT ?? 18090}/api`,
  project: 'dts_demo',
  accessKeyId: 'dts-local-ak',
  accessKeySecret: 'dts-local-secret',
} as const;

export interface OdpsConnection {
  /** The service endpoint, e.g. `http://127.0.0.1:18090/api`. */
  readonly endpoint: string;
  readonly project: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** A value as JavaOdpsTool renders it: text for numbers and times, a boolean, or null. */
export type OdpsCell = string | boolean | null;

export interface OdpsRow {
  /** `k1=v1,k2=v2`, or null for a table without partitions. */
  readonly partition: string | null;
  readonly values: Record<string, OdpsCell>;
}

export interface OdpsSchemaColumn {
  readonly name: string;
  /** As the SDK prints it: BIGINT, DECIMAL(10,2), VARCHAR(5) … */
  readonly type: string;
  readonly comment: string;
}

export interface OdpsSchema {
  readonly columns: OdpsSchemaColumn[];
  readonly partitionKeys: OdpsSchemaColumn[];
}

export interface WriteOptions {
  /** `k1=v1,k2=v2` for a partitioned table. */
  readonly partition?: string;
  /** Add the partition first (Table.createPartition, an ALTER TABLE … ADD IF NOT EXISTS PARTITION instance). */
  readonly createPartition?: boolean;
  /** Compress blocks (Content-Encoding: deflate). */
  readonly deflate?: boolean;
  /** Spread the rows over this many blocks, round robin (default 1). */
  readonly blocks?: number;
  /** Commit with this block list instead of the blocks written (the SDK checks it against the server's). */
  readonly commitBlocks?: readonly number[];
}

/** What the SDK threw: its exception class, message chain, HTTP status and error code. */
export class JavaOdpsError extends Error {
  constructor(
    message: string,
    readonly javaError: string | undefined,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'JavaOdpsError';
  }
}

let compiled: Promise<string> | undefined;

/** The class directory holding JavaOdpsTool.class for the current source (compiled once, atomically). */
function toolClasses(): Promise<string> {
  compiled ??= (async () => {
    if (!existsSync(join(odpsLibs, '.complete'))) throw new Error(`the MaxCompute Java SDK is not in ${odpsLibs}: run bash scripts/start-stack.sh maxcompute`);
    const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
    const dir = join(sdkDir, `tool-${hash}`);
    if (existsSync(join(dir, 'JavaOdpsTool.class'))) return dir;
    await mkdir(sdkDir, { recursive: true });
    const tmp = await mkdtemp(join(sdkDir, 'tool-build-'));
    await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', `${odpsLibs}/*`, '-d', tmp, source], { maxBuffer: 16 * 1024 * 1024 });
    try {
      await rename(tmp, dir);
    } catch {
      await rm(tmp, { recursive: true, force: true }); // another process got there first
    }
    return dir;
  })();
  return compiled;
}

async function call(conn: OdpsConnection, args: readonly string[], timeoutMs = 120_000): Promise<string[]> {
  const classes = await toolClasses();
  const argv = [
    '-Duser.timezone=UTC',
    '-Xshare:auto',
    '-XX:TieredStopAtLevel=1',
    '-cp',
    `${classes}:${odpsLibs}/*`,
    'JavaOdpsTool',
    conn.endpoint,
    conn.project,
    conn.accessKeyId,
    conn.accessKeySecret,
    conn.securityToken ?? '-',
    ...args,
  ];
  try {
    const { stdout } = await run('java', argv, { maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' });
    return stdout.split('\n').filter((l) => l !== '');
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const stderr = e.stderr ?? '';
    const line = stderr
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('{"error"'));
    if (line) {
      const doc = JSON.parse(line) as { error?: string; message?: string; status?: number; code?: string };
      throw new JavaOdpsError(`the MaxCompute Java SDK failed (${args[0]}): ${doc.error}: ${doc.message}`, doc.error, doc.status, doc.code, stderr);
    }
    throw new JavaOdpsError(`the MaxCompute Java SDK failed (${args[0]}): ${e.message}\n${stderr}`, undefined, undefined, undefined, stderr);
  }
}

export function javaOdps(conn: OdpsConnection = stackMaxCompute) {
  return {
    /** Every row of every partition, through TableTunnel download sessions. */
    async read(table: string): Promise<OdpsRow[]> {
      return (await call(conn, ['read', table])).map((l) => JSON.parse(l) as OdpsRow);
    },
    async schema(table: string): Promise<OdpsSchema> {
      return JSON.parse((await call(conn, ['schema', table]))[0]!) as OdpsSchema;
    },
    /** Uploads `rows` (column → value, in the forms `read` prints) through the SDK's upload session and commit. */
    async write(table: string, rows: readonly Record<string, OdpsCell>[], options: WriteOptions = {}): Promise<{ uploadId: string; blocks: number; records: number }> {
      const dir = await mkdtemp(join(tmpdir(), 'java-odps-'));
      try {
        const file = join(dir, 'rows.jsonl');
        await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n'));
        const flags = [
          ...(options.partition !== undefined ? [`--partition=${options.partition}`] : []),
          ...(options.createPartition ? ['--create-partition'] : []),
          ...(options.deflate ? ['--deflate'] : []),
          ...(options.blocks !== undefined ? [`--blocks=${options.blocks}`] : []),
          ...(options.commitBlocks !== undefined ? [`--commit-blocks=${options.commitBlocks.join(',')}`] : []),
        ];
        return JSON.parse((await call(conn, ['write', table, file, ...flags]))[0]!) as { uploadId: string; blocks: number; records: number };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    /** Runs one statement with SQLTask.run and waitForSuccess. */
    async sql(statement: string): Promise<void> {
      await call(conn, ['sql', statement]);
    },
  };
}
