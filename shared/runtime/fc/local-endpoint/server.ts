/**
 * A local Function Compute endpoint: an HTTP server that answers the FC 2.0 and 3.0
 * InvokeFunction and GetFunction paths, verifies each request's signature as FC does (refusing a wrong key, a
 * changed body, a stale date), and runs one handler directory in this process. Users point a
 * task's fc destination (`endpoint:`) at it to test their target function; our tests use it as
 * the destination.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import type { Logger } from '../../../log.ts';
import { readRequestBody } from '../../request-body.ts';
import { NonceCache, verifyAcs3Request } from './acs3-signature.ts';
import { verifyFc2Request } from './fc2-signature.ts';
import { loadHandler, runHandler } from './handler-runner.ts';
import { createInvocationContext } from './invocation-context.ts';
import { functionConfig } from './function-config.ts';
import { ACTION_METHODS, routeOf, type InvocationRoute } from './routes.ts';
import type { EndpointCredentials, ReceivedRequest, Verdict } from './verdict.ts';

/** FC's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
/** FC returns at most the last 4 KB of an invocation's log. */
const LOG_TAIL_BYTES = 4096;

export interface LocalFcEndpointOptions {
  /** The directory holding the handler's code. */
  readonly dir: string;
  readonly credentials: EndpointCredentials;
  /** `<file>.<export>`; default `index.handler`. */
  readonly handler?: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Serve only this FC 2.0 service name (default: any). */
  readonly service?: string;
  /** Serve only this function name (default: any). */
  readonly functionName?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  readonly log: Logger;
  /** The endpoint's clock (tests set it apart from the caller's). */
  readonly now?: () => number;
  /** Where the handler's context.logger lines go besides the log tail (default: stderr). */
  readonly writeLogLine?: (line: string) => void;
}

export interface LocalFcEndpoint {
  /** `http://host:port`: the destination's `endpoint`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startLocalFcEndpoint(o: LocalFcEndpointOptions): Promise<LocalFcEndpoint> {
  const handlerSpec = o.handler ?? 'index.handler';
  const handler = await loadHandler(o.dir, handlerSpec);
  const now = o.now ?? Date.now;
  const nonces = new NonceCache();
  const writeLine = o.writeLogLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  const since = new Date(now()).toISOString();

  function verify(route: InvocationRoute, request: ReceivedRequest): Verdict {
    return route.api === '2016-08-15' ? verifyFc2Request(request, o.credentials, now()) : verifyAcs3Request(request, o.credentials, now(), nonces);
  }

  /** The route's target, or what FC answers when it does not exist here. */
  function findTarget(route: InvocationRoute): Verdict {
    if (o.service !== undefined && route.api === '2016-08-15' && route.service !== o.service) {
      return { ok: false, status: 404, code: 'ServiceNotFound', message: `service "${route.service}" does not exist here (this endpoint serves "${o.service}")` };
    }
    if (o.functionName !== undefined && route.function !== o.functionName) {
      return { ok: false, status: 404, code: 'FunctionNotFound', message: `function "${route.function}" does not exist here (this endpoint serves "${o.functionName}")` };
    }
    return { ok: true };
  }

  async function invoke(route: InvocationRoute, request: ReceivedRequest, requestId: string, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const timeoutSeconds = o.timeoutSeconds ?? 60;
    const { context, logLines } = createInvocationContext(
      {
        requestId,
        functionName: route.function,
        serviceName: route.service ?? '',
        qualifier: route.qualifier,
        handler: handlerSpec,
        timeoutSeconds,
        memoryMb: o.memoryMb ?? 512,
        region: o.region ?? 'local',
        accountId: o.accountId ?? '',
      },
      writeLine,
    );
    const async = request.headers['x-fc-invocation-type'] === 'Async';
    if (async) send(res, 202, { 'x-fc-request-id': requestId }, Buffer.alloc(0));
    const outcome = await runHandler(handler, request.body, context, timeoutSeconds);
    o.log.info('invocation', {
      api: route.api,
      function: route.function,
      qualifier: route.qualifier,
      requestId,
      bytes: request.body.length,
      durationMs: Date.now() - started,
      errorType: outcome.ok ? undefined : outcome.errorType,
    });
    if (async) return;
    const headers: Record<string, string> = { 'x-fc-request-id': requestId };
    if (request.headers['x-fc-log-type'] === 'Tail') headers['x-fc-log-result'] = Buffer.from(logLines.join('\n')).subarray(-LOG_TAIL_BYTES).toString('base64');
    if (outcome.ok) {
      send(res, 200, { ...headers, 'content-type': 'application/octet-stream' }, outcome.body);
    } else {
      send(res, 200, { ...headers, 'content-type': 'application/json', 'x-fc-error-type': outcome.errorType }, outcome.body);
    }
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    readRequestBody(req, MAX_PAYLOAD_BYTES)
      .then(async (body) => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const request: ReceivedRequest = {
          method: req.method ?? 'GET',
          rawPath: q < 0 ? url : url.slice(0, q),
          rawQuery: q < 0 ? '' : url.slice(q + 1),
          headers: req.headers,
          body: body ?? Buffer.alloc(0),
        };
        const route = routeOf(request.rawPath, request.rawQuery);
        if (!route) {
          const served =
            'POST (InvokeFunction) /2016-08-15/services/<service>[.<qualifier>]/functions/<function>/invocations and /2023-03-30/functions/<function>/invocations, GET (GetFunction) the same paths without /invocations';
          return sendError(res, '2023-03-30', requestId, 404, 'NotFound', `no FC path ${request.method} ${request.rawPath}; this endpoint serves ${served}`);
        }
        const method = ACTION_METHODS[route.action];
        if (request.method !== method) return sendError(res, route.api, requestId, 405, 'MethodNotAllowed', `${route.action} is ${method}, not ${request.method}`);
        if (body === undefined) return sendError(res, route.api, requestId, 413, 'RequestEntityTooLarge', `the event is larger than FC's ${MAX_PAYLOAD_BYTES}-byte synchronous payload limit`);
        const verdict = verify(route, request);
        if (!verdict.ok) {
          o.log.warn('request refused', { api: route.api, function: route.function, code: verdict.code, reason: verdict.message });
          return sendError(res, route.api, requestId, verdict.status, verdict.code, verdict.message);
        }
        const target = findTarget(route);
        if (!target.ok) return sendError(res, route.api, requestId, target.status, target.code, target.message);
        if (route.action === 'GetFunction') {
          const served = { handler: handlerSpec, timeoutSeconds: o.timeoutSeconds ?? 60, memoryMb: o.memoryMb ?? 512, region: o.region ?? 'local', accountId: o.accountId ?? '', since };
          return send(res, 200, { 'x-fc-request-id': requestId, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(functionConfig(route, served))));
        }
        await invoke(route, request, requestId, res);
      })
      .catch((err: Error) => {
        o.log.error('endpoint failure', { error: err.message });
        if (!res.headersSent) sendError(res, '2023-03-30', requestId, 500, 'InternalServerError', err.message);
      });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 9000, o.host ?? '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  o.log.info('local FC endpoint listening', { url: `http://${host}:${address.port}`, dir: resolve(o.dir), handler: handlerSpec, function: o.functionName ?? basename(resolve(o.dir)) });
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/** FC 2.0 errors are `{"ErrorCode","ErrorMessage"}`; FC 3.0 (POP) errors `{"Code","Message","RequestId"}`. */
function sendError(res: ServerResponse, api: InvocationRoute['api'], requestId: string, status: number, code: string, message: string): void {
  const doc = api === '2016-08-15' ? { ErrorCode: code, ErrorMessage: message } : { Code: code, Message: message, RequestId: requestId };
  send(res, status, { 'x-fc-request-id': requestId, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(doc)));
}
