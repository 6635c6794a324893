/**
 * The FC context a handler receives behind the local endpoint (the FcContext of ../context.ts):
 * names from the invoked path, and a logger whose lines also come back to the caller as the
 * invocation's log tail (`x-fc-log-type: Tail`).
 */
import { format } from 'node:util';
import type { FcContext, FcLogger } from '../context.ts';

export interface ContextOptions {
  readonly requestId: string;
  readonly functionName: string;
  readonly serviceName: string;
  readonly qualifier: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly region: string;
  readonly accountId: string;
}

export interface InvocationContext {
  readonly context: FcContext;
  /** Every line the handler logged through `context.logger`, in order. */
  readonly logLines: string[];
}

export function createInvocationContext(o: ContextOptions, write: (line: string) => void): InvocationContext {
  const logLines: string[] = [];
  const line =
    (level: string) =>
    (...args: unknown[]) => {
      const text = `${new Date().toISOString()} ${o.requestId} [${level}] ${format(...args)}`;
      logLines.push(text);
      write(text);
    };
  const logger: FcLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), log: line('info') };
  return {
    logLines,
    context: {
      requestId: o.requestId,
      // FC hands the function its role's temporary keys; locally the function has no role.
      credentials: { accessKeyId: '', accessKeySecret: '', securityToken: '' },
      function: { name: o.functionName, handler: o.handler, memory: o.memoryMb, timeout: o.timeoutSeconds },
      service: { name: o.serviceName, logProject: '', logStore: '', qualifier: o.qualifier, versionId: /^[0-9]+$/.test(o.qualifier) ? o.qualifier : '' },
      region: o.region,
      accountId: o.accountId,
      logger,
      // Tracing is off locally (spread: older FcContext versions do not declare it).
      ...{ tracing: { spanContext: '', jaegerEndpoint: '', spanBaggages: {}, parseOpenTracingBaggages: () => ({}) } },
    },
  };
}
