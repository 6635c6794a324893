/**
 * A local MaxCompute endpoint: one HTTP server that answers the control plane under `/api` and the
 * Table Tunnel at the root of the same host (a real client composes the tunnel URL as
 * `scheme://<host from /tunnel?service>`, so the tunnel has no `/api` prefix), verifies every
 * request's signature against its accounts, and keeps tables and committed blocks under a data
 * directory (store.ts) so that they survive a restart. Tests start it in-process on a free port;
 * `npm run maxcompute:local` runs it as the stack's service.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../../log.ts';
import { readRequestBody } from '../../request-body.ts';
import { createControlPlane } from './control-plane.ts';
import { Refusal, type Exchange, type Reply } from './exchange.ts';
import { queryParams, verifySignature, type OdpsAccount } from './request-signature.ts';
import { Store } from './store.ts';
import { createDownloadHandlers } from './tunnel-download.ts';
import { createUploadHandlers } from './tunnel-upload.ts';
import { escapeXml } from './xml.ts';

/** The accounts a local endpoint accepts unless told otherwise: a plain key pair and an STS credential. */
export const DEFAULT_ACCOUNTS: readonly OdpsAccount[] = [
  { accessKeyId: 'dts-local-ak', accessKeySecret: 'dts-local-secret' },
  { accessKeyId: 'STS.dts-local', accessKeySecret: 'dts-local-sts-secret', securityToken: 'dts-local-token' },
];
export const DEFAULT_PROJECTS: readonly string[] = ['dts_demo'];
export const DEFAULT_PORT = 18090;

/** The largest request body accepted (a block is read whole before it is verified). */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface LocalMaxComputeOptions {
  /** Where tables and blocks are kept (created when missing). */
  readonly dataDir: string;
  /** 0 picks a free port; default 18090. */
  readonly port?: number;
  readonly host?: string;
  readonly accounts?: readonly OdpsAccount[];
  readonly projects?: readonly string[];
  readonly log?: Logger;
  /** The endpoint's clock (tests set it apart from the caller's). */
  readonly now?: () => number;
}

export interface LocalMaxCompute {
  /** The service endpoint a client is configured with: `http://host:port/api`. */
  readonly endpoint: string;
  /** What GET /projects/{p}/tunnel?service answers when reached at this address: `host:port`. */
  readonly tunnelHost: string;
  readonly port: number;
  close(): Promise<void>;
}

type Plane = 'control' | 'tunnel';

export async function startLocalMaxCompute(o: LocalMaxComputeOptions): Promise<LocalMaxCompute> {
  const log = o.log ?? silentLogger;
  const now = o.now ?? Date.now;
  const accounts = o.accounts ?? DEFAULT_ACCOUNTS;
  const store = await Store.open(o.dataDir, o.projects ?? DEFAULT_PROJECTS);
  const control = createControlPlane(store);
  const upload = createUploadHandlers(store);
  const download = createDownloadHandlers(store);

  async function tunnel(ex: Exchange): Promise<Reply> {
    const p = ex.params;
    if (ex.method === 'POST' && p.has('uploads')) return upload.create(ex);
    if (ex.method === 'GET' && p.has('uploadid')) return upload.reload(ex);
    if (ex.method === 'PUT' && p.has('uploadid')) return upload.putBlock(ex);
    if (ex.method === 'POST' && p.has('uploadid')) return upload.commit(ex);
    if (ex.method === 'POST' && p.has('downloads')) return download.create(ex);
    if (ex.method === 'GET' && p.has('downloadid') && p.has('data')) return download.data(ex);
    if (ex.method === 'GET' && p.has('downloadid')) return download.reload(ex);
    throw new Refusal(
      405,
      'MethodNotAllowed',
      `${ex.method} /${ex.segments.join('/')} with parameters (${[...p.keys()].join(', ')}) is not a tunnel request the local endpoint serves (batch upload and download sessions)`,
    );
  }

  async function answer(req: IncomingMessage, body: Buffer, requestId: string, plane: Plane, resource: string, rawQuery: string): Promise<Reply> {
    const nowMs = now();
    const verdict = verifySignature({ method: req.method ?? 'GET', resource, rawQuery, headers: req.headers }, accounts, nowMs);
    if (!verdict.ok) {
      log.warn('request refused', { plane, method: req.method, resource, reason: verdict.reason });
      const code = plane === 'control' ? (verdict.reason === 'credentials' ? 'ODPS-0410051' : 'ODPS-0410042') : 'Unauthorized';
      const prefix =
        plane === 'control'
          ? verdict.reason === 'credentials'
            ? 'ODPS-0410051:Invalid credentials - '
            : 'ODPS-0410042:Invalid signature value - '
          : 'The request authorization header is invalid or missing: ';
      throw new Refusal(403, code, prefix + verdict.message);
    }
    const md5 = req.headers['content-md5'];
    if (typeof md5 === 'string' && md5 !== '') {
      // Java sends the digest as lower-case hex (specs/maxcompute.md §1.2), others as base64.
      const digest = createHash('md5').update(body);
      if (md5.toLowerCase() !== digest.copy().digest('hex') && md5 !== digest.digest('base64')) {
        throw new Refusal(403, plane === 'control' ? 'ODPS-0410042' : 'Unauthorized', 'the body does not match its Content-MD5 (which the signature covers): the body was changed after signing');
      }
    }
    let segments: string[];
    try {
      segments = resource
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      throw new Refusal(400, 'InvalidParameter', `the path ${resource} is not valid percent-encoding`);
    }
    const ex: Exchange = { method: req.method ?? 'GET', segments, params: queryParams(rawQuery), headers: req.headers, body, requestId, host: req.headers.host ?? `127.0.0.1:${port}`, nowMs };
    return plane === 'control' ? control(ex) : tunnel(ex);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID().replace(/-/g, '');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const plane: Plane = path === '/api' || path.startsWith('/api/') ? 'control' : 'tunnel';
    const resource = plane === 'control' ? path.slice(4) : path;
    const started = Date.now();
    readRequestBody(req, MAX_BODY_BYTES)
      .then((body) => {
        if (body === undefined) throw new Refusal(413, 'InvalidArgument', `the request body is larger than the local endpoint's ${MAX_BODY_BYTES} bytes`);
        return answer(req, body, requestId, plane, resource, rawQuery);
      })
      .then(
        (reply) => {
          send(res, reply, requestId, req.method === 'HEAD');
          log.debug('request', { plane, method: req.method, resource, status: reply.status, durationMs: Date.now() - started });
        },
        (err: unknown) => {
          if (err instanceof Refusal) {
            log.info('request answered with an error', { plane, method: req.method, resource, status: err.status, code: err.code });
            send(res, errorReply(plane, err, requestId), requestId, req.method === 'HEAD');
          } else {
            log.error('endpoint failure', { plane, method: req.method, resource, error: (err as Error).message });
            send(res, errorReply(plane, new Refusal(500, 'InternalServerError', `the local endpoint failed: ${(err as Error).message}`), requestId), requestId, false);
          }
        },
      );
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_PORT, o.host ?? '127.0.0.1', () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  log.info('local MaxCompute endpoint listening', { endpoint: `http://${host}:${port}/api`, dataDir: o.dataDir, projects: o.projects ?? DEFAULT_PROJECTS });
  return {
    endpoint: `http://${host}:${port}/api`,
    tunnelHost: `${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function errorReply(plane: Plane, err: Refusal, requestId: string): Reply {
  if (plane === 'control') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message><RequestId>${requestId}</RequestId><HostId>localhost</HostId></Error>`;
    return { status: err.status, headers: { 'content-type': 'application/xml' }, body };
  }
  return { status: err.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Code: err.code, Message: err.message, RequestId: requestId }) };
}

function send(res: ServerResponse, reply: Reply, requestId: string, head: boolean): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, { 'x-odps-request-id': requestId, date: new Date().toUTCString(), ...reply.headers, 'content-length': String(body.length) });
  res.end(head ? undefined : body);
}
