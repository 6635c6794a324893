/**
 * Runs a built function (`<outdir>/<name>/index.js`) the way FC's nodejs20 runtime does: a plain
 * Node process (no tsx, no repository on the module path) imports the file, and the handler
 * receives the event as a Buffer and a context with FC's fields.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

// The child's whole program: FC's call, then the result (or the error) as one JSON line.
const CHILD = `
const [file, exportName, eventText, functionName] = process.argv.slice(1);
const mod = await import(file);
if (process.env.ONLY_TYPEOF) { console.log(JSON.stringify({ type: typeof mod[exportName] })); process.exit(0); }
const log = (level) => (...a) => process.stderr.write(new Date().toISOString() + ' req-1 [' + level + '] ' + a.join(' ') + '\\n');
const context = {
  requestId: 'req-1',
  credentials: { accessKeyId: '', accessKeySecret: '', securityToken: '' },
  function: { name: functionName, handler: 'index.' + exportName, memory: 512, timeout: 60 },
  service: { name: '', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
  region: 'cn-hangzhou', accountId: '1234567890',
  tracing: { spanContext: '', jaegerEndpoint: '', spanBaggages: {}, parseOpenTracingBaggages: () => ({}) },
  logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), log: log('info') },
};
try {
  const result = await mod[exportName](Buffer.from(eventText), context);
  console.log(JSON.stringify({ result }));
  process.exit(0);
} catch (err) {
  console.log(JSON.stringify({ error: err.message }));
  process.exit(1);
}
`;

export interface BuiltRun {
  readonly result?: Record<string, unknown>;
  readonly error?: string;
  readonly type?: string;
  readonly stderr: string;
}

/** Calls `index.<exportName>` of the built function `name` in `outdir` with `event`, from `cwd`. */
export async function invokeBuilt(outdir: string, name: string, event: unknown, options: { cwd: string; env?: Record<string, string>; exportName?: string; onlyTypeof?: boolean }): Promise<BuiltRun> {
  const file = pathToFileURL(join(outdir, name, 'index.js')).href;
  const env = { PATH: process.env.PATH ?? '', DTS_LOG_FORMAT: 'json', ...options.env, ...(options.onlyTypeof ? { ONLY_TYPEOF: '1' } : {}) };
  const args = ['--input-type=module', '-e', CHILD, file, options.exportName ?? 'handler', JSON.stringify(event), name];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: options.cwd, env, timeout: 60_000 });
    return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as object), stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const last = e.stdout?.trim().split('\n').at(-1);
    if (last?.startsWith('{')) return { ...(JSON.parse(last) as object), stderr: e.stderr ?? '' };
    throw new Error(`${name}: the built function did not run: ${e.message}\n${e.stderr ?? ''}`, { cause: err });
  }
}
