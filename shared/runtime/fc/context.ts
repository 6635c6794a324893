/**
 * The FC context handed to every handler (FC 3.0 Node.js runtime; specs/function-compute.md §2.3),
 * and a local one with the same fields for `npm run invoke` and tests.
 */
import { randomUUID } from 'node:crypto';

export interface FcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
}

export interface FcLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  log(...args: unknown[]): void;
}

export interface FcContext {
  readonly requestId: string;
  readonly credentials: FcCredentials;
  readonly function: { readonly name: string; readonly handler: string; readonly memory: number; readonly timeout: number };
  readonly service: { readonly name: string; readonly logProject: string; readonly logStore: string; readonly qualifier: string; readonly versionId: string };
  readonly region: string;
  readonly accountId: string;
  readonly logger: FcLogger;
}

function localLogger(requestId: string): FcLogger {
  const line = (level: string) => (...args: unknown[]) => process.stderr.write(`${new Date().toISOString()} ${requestId} [${level}] ${args.map(String).join(' ')}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), log: line('info') };
}

/** A context like FC's for a local invocation; credentials come from the usual ALIBABA_CLOUD_* variables. */
export function createLocalContext(functionName: string, options: { timeoutSeconds?: number; memory?: number } = {}): FcContext {
  const requestId = randomUUID();
  return {
    requestId,
    credentials: {
      accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? '',
      accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
      securityToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN ?? '',
    },
    function: { name: functionName, handler: 'index.handler', memory: options.memory ?? 1024, timeout: options.timeoutSeconds ?? 900 },
    service: { name: 'mysql-dts', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
    region: process.env.ALIBABA_CLOUD_REGION ?? 'local',
    accountId: process.env.ALIBABA_CLOUD_ACCOUNT_ID ?? 'local',
    logger: localLogger(requestId),
  };
}
