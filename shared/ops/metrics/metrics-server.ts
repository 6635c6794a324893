/**
 * The local runner's Prometheus endpoint: `GET /metrics` answers the exposition text, rendered
 * at each scrape; anything else is 404 (405 for another method on /metrics). Bound to 127.0.0.1
 * unless told otherwise: the numbers name tables' progress, not meant for every network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DtsError, ErrorCodes } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { EXPOSITION_CONTENT_TYPE } from './exposition.ts';

export interface MetricsServerOptions {
  /** 0 picks a free port (tests); `address.port` says which. */
  readonly port: number;
  readonly host?: string;
  /** The exposition text, computed at each scrape. */
  readonly render: () => Promise<string>;
  readonly log: Logger;
}

export interface MetricsServer {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

export const DEFAULT_METRICS_HOST = '127.0.0.1';

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const host = o.host ?? DEFAULT_METRICS_HOST;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed: GET /metrics\n');
      return;
    }
    o.render().then(
      (text) => res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => {
        o.log.warn('metrics scrape failed', { error: err.message, code: (err as { code?: string }).code });
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics unavailable: ${err.message}\n`);
      },
    );
  });
  await listen(server, o.port, host);
  const { port } = server.address() as AddressInfo;
  o.log.info('metrics endpoint listening', { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics` });
  return {
    address: { host, port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would hold close() open until it times out.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'needs privileges' : `failed (${err.code ?? err.message})`;
      reject(
        new DtsError(`the metrics endpoint on ${host}:${port} ${why}: choose another --metrics-port (metricsPort), 0 for any free port, or another --metrics-host`, {
          code: ErrorCodes.METRICS_ENDPOINT,
          context: { path: 'metricsPort', port, host },
          cause: err,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
}
