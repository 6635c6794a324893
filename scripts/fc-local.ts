/**
 * `npm run fc:local -- <dir>`: a local Function Compute endpoint serving the handler in <dir>
 * (FC 2.0 and 3.0 InvokeFunction, signatures verified). Point a task's fc destination at it with
 * `endpoint: http://127.0.0.1:<port>` and the same access key pair.
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalFcEndpoint } from '../shared/runtime/fc/local-endpoint/index.ts';
import { createLogger } from '../shared/runtime/logger.ts';

const integer = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number`);
  return n;
};

const program = new Command()
  .name('npm run fc:local --')
  .description('Serve a handler directory as a Function Compute function, verifying request signatures as FC does.')
  .argument('<dir>', 'the directory with the handler code (index.js / index.mjs exporting handler)')
  .option('--port <port>', 'port to listen on (0: any free port)', integer('--port'), 9000)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--access-key-id <id>', 'the access key id callers must sign with (default: $ALIBABA_CLOUD_ACCESS_KEY_ID)')
  .option('--access-key-secret <secret>', 'its secret (default: $ALIBABA_CLOUD_ACCESS_KEY_SECRET)')
  .option('--security-token <token>', 'require this STS token (default: $ALIBABA_CLOUD_SECURITY_TOKEN, if set)')
  .option('--handler <file.export>', 'the handler', 'index.handler')
  .option('--service <name>', 'serve only this FC 2.0 service (default: any)')
  .option('--function <name>', 'serve only this function name (default: any)')
  .option('--region <region>', 'the region the context reports', 'local')
  .option('--account-id <id>', 'the account id the context reports', '')
  .option('--timeout <seconds>', 'the function timeout', integer('--timeout'), 60)
  .parse();

const opts = program.opts<{
  port: number;
  host: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  handler: string;
  service?: string;
  function?: string;
  region: string;
  accountId: string;
  timeout: number;
}>();
const dir = resolve(program.args[0]!);
const accessKeyId = opts.accessKeyId ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
const accessKeySecret = opts.accessKeySecret ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;

function fail(message: string): never {
  process.stderr.write(`fc:local: ${message}\n`);
  process.exit(2);
}

if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`${dir} is not a directory; pass the folder that holds the handler`);
if (!accessKeyId || !accessKeySecret) fail('no access key: pass --access-key-id and --access-key-secret, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');

const log = createLogger({ level: 'info', format: 'text' }).child({ component: 'fc-local' });
try {
  const endpoint = await startLocalFcEndpoint({
    dir,
    handler: opts.handler,
    host: opts.host,
    port: opts.port,
    credentials: { accessKeyId, accessKeySecret, securityToken: opts.securityToken ?? process.env.ALIBABA_CLOUD_SECURITY_TOKEN },
    service: opts.service,
    functionName: opts.function,
    region: opts.region,
    accountId: opts.accountId,
    timeoutSeconds: opts.timeout,
    log,
  });
  // One plain line on stdout that scripts (and our tests) wait for.
  process.stdout.write(`listening on ${endpoint.url}\n`);
  const stop = () => void endpoint.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  fail((err as Error).message);
}
