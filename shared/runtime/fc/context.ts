/**
 * The FC context handed to every handler (FC 3.0 Node.js runtime; specs/function-compute.md §2.3),
 * and a local one with the same fields for `npm run invoke` and tests.
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';

/** Temporary STS keys of the function's role (valid 36 h); a local run takes them from the environment. */
export interface FcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
}

/** FC prints `<ISO time> <requestId> [level] message` for each call. */
export interface FcLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  log(...args: unknown[]): void;
}

export interface FcFunctionInfo {
  /** The deployed function name (s.yaml `functionName`). */
  readonly name: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  /** MB. */
  readonly memory: number;
  /** Seconds. */
  readonly timeout: number;
  /** The initializer's `file.export`, when the function has one. */
  readonly initializer?: string;
}

/** FC 2.0's service, still present in the 3.0 context (empty strings where 3.0 has no value). */
export interface FcService {
  readonly name: string;
  readonly logProject: string;
  readonly logStore: string;
  readonly qualifier: string;
  readonly versionId: string;
}

/** OpenTracing data FC passes when tracing is on. */
export interface FcTracing {
  readonly spanContext: string;
  readonly jaegerEndpoint: string;
  readonly spanBaggages: Readonly<Record<string, string>>;
  parseOpenTracingBaggages(): Record<string, string>;
}

export interface FcContext {
  readonly requestId: string;
  readonly credentials: FcCredentials;
  readonly function: FcFunctionInfo;
  readonly service: FcService;
  readonly region: string;
  /** The Alibaba Cloud main account's id. */
  readonly accountId: string;
  readonly tracing: FcTracing;
  readonly logger: FcLogger;
}

function localLogger(requestId: string): FcLogger {
  const line =
    (level: string) =>
    (...args: unknown[]) =>
      process.stderr.write(`${new Date().toISOString()} ${requestId} [${level}] ${format(...args)}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), log: line('info') };
}

export interface LocalContextOptions {
  /** The deployed name (default: the folder name). */
  readonly functionName?: string;
  readonly handler?: string;
  readonly timeoutSeconds?: number;
  readonly memory?: number;
  readonly initializer?: string;
  readonly region?: string;
  readonly service?: string;
}

/**
 * A context like FC's for a local invocation. Credentials, region and account come from the
 * variables `s local invoke` sets (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET/SECURITY_TOKEN, FC_REGION,
 * FC_ACCOUNT_ID), with ALIBABA_CLOUD_REGION / ALIBABA_CLOUD_ACCOUNT_ID as alternatives.
 */
export function createLocalContext(functionName: string, options: LocalContextOptions = {}): FcContext {
  const env = process.env;
  const requestId = randomUUID();
  return {
    requestId,
    credentials: {
      accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? '',
      accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
      securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN ?? '',
    },
    function: {
      name: options.functionName ?? functionName,
      handler: options.handler ?? 'index.handler',
      memory: options.memory ?? 1024,
      timeout: options.timeoutSeconds ?? 900,
      ...(options.initializer ? { initializer: options.initializer } : {}),
    },
    service: { name: options.service ?? 'mysql-dts', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
    region: options.region ?? env.FC_REGION ?? env.ALIBABA_CLOUD_REGION ?? 'local',
    accountId: env.FC_ACCOUNT_ID ?? env.ALIBABA_CLOUD_ACCOUNT_ID ?? 'local',
    tracing: { spanContext: '', jaegerEndpoint: '', spanBaggages: {}, parseOpenTracingBaggages: () => ({}) },
    logger: localLogger(requestId),
  };
}
