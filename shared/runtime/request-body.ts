/** The body of a request to one of the local protocol endpoints (FC, MaxCompute), within a size limit. */
import type { IncomingMessage } from 'node:http';

/** The body, or undefined when it passed `maxBytes` (the rest is drained, not kept). */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolveBody(size > maxBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
