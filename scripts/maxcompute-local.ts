/**
 * `npm run maxcompute:local`: the local MaxCompute endpoint (control plane at
 * http://127.0.0.1:<port>/api, Table Tunnel on the same port), as scripts/start-stack.sh runs it.
 * Port from --port or DTS_MAXCOMPUTE_PORT (default 18090); data under --data-dir or
 * $DTS_STACK_DIR/maxcompute (default .stack/maxcompute). Accounts: dts-local-ak / dts-local-secret,
 * and the STS account STS.dts-local / dts-local-sts-secret with token dts-local-token.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_PORT, DEFAULT_PROJECTS, startLocalMaxCompute } from '../shared/runtime/maxcompute/local-endpoint/index.ts';
import { createLogger } from '../shared/runtime/logger.ts';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be a port number (0: any free port)');
  return n;
};

const program = new Command()
  .name('npm run maxcompute:local --')
  .description('Serve a local MaxCompute endpoint: projects, tables, SQL DDL instances, Table Tunnel upload and download, signatures verified.')
  .option('--port <port>', 'port to listen on (default: $DTS_MAXCOMPUTE_PORT or 18090)', port)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data-dir <dir>', 'where tables and blocks are kept (default: $DTS_STACK_DIR/maxcompute)')
  .option('--project <name...>', 'projects to serve', [...DEFAULT_PROJECTS])
  .parse();

const opts = program.opts<{ port?: number; host: string; dataDir?: string; project: string[] }>();
const dataDir = resolve(opts.dataDir ?? `${process.env.DTS_STACK_DIR ?? '.stack'}/maxcompute`);
const log = createLogger({ level: 'info', format: 'text' }).child({ component: 'maxcompute-local' });

try {
  const endpoint = await startLocalMaxCompute({
    dataDir,
    host: opts.host,
    port: opts.port ?? (process.env.DTS_MAXCOMPUTE_PORT ? port(process.env.DTS_MAXCOMPUTE_PORT) : DEFAULT_PORT),
    projects: opts.project,
    log,
  });
  // One plain line on stdout that scripts and tests wait for.
  process.stdout.write(`listening on ${endpoint.endpoint} (tunnel ${endpoint.tunnelHost})\n`);
  const stop = () => void endpoint.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`maxcompute:local: ${(err as Error).message}\n`);
  process.exit(2);
}
