/**
 * Signed HTTP calls to one MaxCompute base URL (the service endpoint or the tunnel endpoint), over
 * node:http(s) so that the Date and Content-Type signed are exactly the ones sent
 * (specs/maxcompute.md §1.2: fetch would add its own Content-Type).
 *
 * Every request carries Date, User-Agent, x-odps-user-agent, `curr_project` and the Authorization
 * (signature.ts). A body goes with Content-Length, or chunked when asked (tunnel blocks, as the
 * SDKs send them). A non-2xx answer or a failed connection becomes a classified error (errors.ts).
 * `timeoutMs` is the longest silence on a request's socket, so a large block is not cut off while
 * it is still moving. A kept-alive socket the server closed meanwhile (ECONNRESET on reuse) is
 * retried once at once, as Node's documentation advises: the request never reached the server.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Logger } from '../../log.ts';
import { errorFromNetwork, errorFromResponse, type RequestWhere } from './errors.ts';
import { authenticationHeaders, type Credentials } from './signature.ts';

export interface OdpsRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'HEAD' | 'DELETE';
  /** The path under the base URL, not encoded: `/projects/p/tables/t`. */
  readonly resource: string;
  /** Query parameters, not encoded; `''` for a bare name (`?uploads`). */
  readonly params?: ReadonlyArray<readonly [string, string]>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  readonly contentType?: string;
  /** Send the body with `Transfer-Encoding: chunked` instead of Content-Length. */
  readonly chunked?: boolean;
}

export interface OdpsResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface OdpsCaller {
  /** The base URL, for messages. */
  readonly base: string;
  /** Sends `req`; resolves with a 2xx answer, rejects with a classified sink error otherwise. */
  call(req: OdpsRequest, where: RequestWhere, options?: { retryConflict?: boolean }): Promise<OdpsResponse>;
}

export interface CallerOptions {
  /** `http://host:port/api` (service) or `http://host:port` (tunnel). */
  readonly base: string;
  /** Sent as `curr_project` on every request. */
  readonly project: string;
  readonly credentials: Credentials;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly log: Logger;
}

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function createOdpsCaller(options: CallerOptions): OdpsCaller {
  const baseUrl = new URL(options.base);
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${options.base}`);
  const basePath = baseUrl.pathname.replace(/\/+$/, '');
  const base = `${baseUrl.origin}${basePath}`;

  async function call(req: OdpsRequest, where: RequestWhere, callOptions: { retryConflict?: boolean } = {}): Promise<OdpsResponse> {
    const params: (readonly [string, string])[] = [...(req.params ?? []), ['curr_project', options.project]];
    const headers: Record<string, string> = {
      Date: new Date().toUTCString(),
      'User-Agent': options.userAgent,
      'x-odps-user-agent': options.userAgent,
      ...req.headers,
    };
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    if (req.contentType) headers['Content-Type'] = req.contentType;
    if (req.chunked) headers['Transfer-Encoding'] = 'chunked';
    else if (body || req.method === 'POST' || req.method === 'PUT') headers['Content-Length'] = String(body?.byteLength ?? 0);
    Object.assign(headers, authenticationHeaders({ method: req.method, resource: req.resource, params, headers }, options.credentials));

    const path = basePath + req.resource.split('/').map(encodeURIComponent).join('/');
    const query = params.map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
    const started = Date.now();
    let response: OdpsResponse;
    try {
      response = await send(baseUrl, `${path}?${query}`, req.method, headers, body, options.timeoutMs);
    } catch (err) {
      throw errorFromNetwork(err, where, base);
    }
    options.log.debug('maxcompute request', { method: req.method, resource: req.resource, status: response.status, durationMs: Date.now() - started });
    if (response.status < 200 || response.status > 299) throw errorFromResponse(response.status, response.headers, response.body, where, callOptions);
    return response;
  }

  return { base, call };
}

async function send(base: URL, path: string, method: string, headers: Record<string, string>, body: Uint8Array | undefined, timeoutMs: number): Promise<OdpsResponse> {
  try {
    return await sendOnce(base, path, method, headers, body, timeoutMs);
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as { code?: string }).code === 'ECONNRESET') {
      return sendOnce(base, path, method, headers, body, timeoutMs);
    }
    throw err;
  }
}

function sendOnce(base: URL, path: string, method: string, headers: Record<string, string>, body: Uint8Array | undefined, timeoutMs: number): Promise<OdpsResponse> {
  const transport = base.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request({ protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method, path, headers, agent: agents[base.protocol as 'http:'] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no data for ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}
