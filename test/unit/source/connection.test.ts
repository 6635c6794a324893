/** The one way source connections are opened: a refused connection is classified, the adapter reads rows as objects. */
import { createServer } from 'node:net';
import type mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { connectSource, openSourceConnection, sqlQuery } from '../../../shared/source/connection.ts';
import { SourceConnectionError } from '../../../shared/source/errors.ts';
import { Secret } from '../../../shared/task/secret.ts';

/** A port nothing listens on: a server is bound, its port noted, and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('source connection', () => {
  it('a refused connection is a SourceConnectionError naming who connected; connectSource rejects with mysql2’s own error', async () => {
    const port = await closedPort();
    const endpoint = { host: '127.0.0.1', port, user: 'dts', password: new Secret('pw'), connectTimeoutMs: 2000 };
    const err = await openSourceConnection(endpoint, 'the heartbeat', { rowsAsArray: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceConnectionError);
    expect((err as SourceConnectionError).message).toMatch(new RegExp(`^the heartbeat cannot connect to the source 127\\.0\\.0\\.1:${port} as dts: .*ECONNREFUSED`));
    expect((err as SourceConnectionError).context).toEqual({ host: '127.0.0.1', port, user: 'dts' });
    const raw = await connectSource(endpoint).catch((e: unknown) => e);
    expect(raw).not.toBeInstanceOf(SourceConnectionError);
    expect((raw as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('the SqlQuery adapter asks for rows as objects with the given parameters and returns the rows alone', async () => {
    const asked: unknown[] = [];
    const conn = {
      query: async (options: unknown) => {
        asked.push(options);
        return [[{ a: 1 }, { a: 2 }], []];
      },
    } as unknown as mysql.Connection;
    const rows = await sqlQuery(conn)<{ a: number }>('SELECT a FROM t WHERE b = ?', [7]);
    expect(rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(asked).toEqual([{ sql: 'SELECT a FROM t WHERE b = ?', values: [7], rowsAsArray: false }]);
  });
});
