/**
 * An HTTP relay between a real FC SDK client and the local endpoint that lets a test change a
 * signed request in flight (its body or headers), the way an attacker or a broken proxy would.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tamper {
  (request: { headers: IncomingHttpHeaders; body: Buffer }): { headers: IncomingHttpHeaders; body: Buffer };
}

export async function startTamperProxy(target: string, tamper: Tamper): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const changed = tamper({ headers: { ...req.headers }, body: Buffer.concat(chunks) });
      const headers = { ...changed.headers, 'content-length': String(changed.body.length) };
      delete headers['transfer-encoding'];
      const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', (err) => res.destroy(err));
      out.end(changed.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
