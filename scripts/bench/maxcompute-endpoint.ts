/**
 * The local MaxCompute endpoint as a separate process for benchmarks (as the stack runs it), so its
 * CPU and memory are not counted as the task's, and a way to see what it has committed.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rssMiB } from './bench-env.ts';

export interface MaxComputeProcess {
  /** The service endpoint, `http://127.0.0.1:<port>/api`. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startMaxComputeProcess(dir: string): Promise<MaxComputeProcess> {
  const dataDir = resolve(dir);
  await rm(dataDir, { recursive: true, force: true });
  const child = spawn(
    process.execPath,
    [...(process.env.DTS_BENCH_ENDPOINT_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'scripts/maxcompute-local.ts', '--port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`the local MaxCompute endpoint exited (${code}) before listening`)));
  });
  return {
    url,
    dataDir,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

interface IndexDocument {
  projects: Record<string, { tables: Record<string, { data: Record<string, { records: number }[]> }> }>;
}

/** Rows committed to the table (every partition), read from the endpoint's index (replaced atomically). */
async function committedRows(dataDir: string, project: string, table: string): Promise<number> {
  const text = await readFile(join(dataDir, 'index.json'), 'utf8').catch(() => null);
  if (text === null) return 0;
  const def = (JSON.parse(text) as IndexDocument).projects[project]?.tables[table];
  if (!def) return 0;
  return Object.values(def.data).reduce((n, files) => n + files.reduce((m, f) => m + f.records, 0), 0);
}

/** Polls until `rows` rows are committed to the table, printing progress every 5 s; seconds since `started`. */
export async function untilCommitted(dataDir: string, project: string, table: string, rows: number, started: number): Promise<number> {
  let committed = 0;
  let lastReport = started;
  while (committed < rows) {
    await new Promise((r) => setTimeout(r, 100));
    committed = await committedRows(dataDir, project, table);
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      process.stdout.write(`  ${committed} rows committed after ${((lastReport - started) / 1000).toFixed(1)} s, rss ${rssMiB()} MiB\n`);
    }
  }
  return (Date.now() - started) / 1000;
}
