/**
 * The MaxCompute REST client against an in-test HTTP server that checks every request the way
 * the service does: the signature recomputed from what arrived (spec §1.3), a fresh RFC 1123
 * Date, curr_project, the user agent; for the tunnel, its headers, and chunked octet-stream
 * blocks. A request that fails a check gets MaxCompute's 403 and is listed in `problems`.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/log.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import { SinkConnectionError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import type { UploadSession } from '../../../../shared/sink/maxcompute/client-types.ts';
import { MaxComputeNotFoundError, MaxComputeSqlError, UploadSessionStateError } from '../../../../shared/sink/maxcompute/errors.ts';
import { createMaxComputeClient, type MaxComputeClientOptions } from '../../../../shared/sink/maxcompute/rest-client.ts';
import { canonicalString, authorizationV2 } from '../../../../shared/sink/maxcompute/signature.ts';
import { child, childText, parseXml } from '../../../../shared/sink/maxcompute/xml.ts';
import { Secret } from '../../../../shared/task/secret.ts';

const AK = 'test_aid';
const SK = 'test_sk';
const PROJECT = 'dts_demo';

interface Seen {
  readonly method: string;
  /** The path as sent (encoded), and decoded relative to /api or the root. */
  readonly rawPath: string;
  readonly path: string;
  readonly params: [string, string][];
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(route: (req: Seen, base: string) => Reply | Promise<Reply> | 'hang') {
  const seen: Seen[] = [];
  const problems: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url!, 'http://x');
        const apiPath = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname;
        const s: Seen = { method: req.method!, rawPath: url.pathname, path: decodeURIComponent(apiPath), params: [...url.searchParams], headers: req.headers, body: Buffer.concat(chunks) };
        seen.push(s);
        const problem = check(s);
        if (problem) {
          problems.push(problem);
          res
            .writeHead(403, { 'content-type': 'application/xml' })
            .end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureNotMatch</Code><Message>${problem}</Message><RequestId>r-403</RequestId></Error>`);
          return;
        }
        const reply = await route(s, `127.0.0.1:${(server.address() as AddressInfo).port}`);
        if (reply === 'hang') return;
        res.writeHead(reply.status ?? 200, reply.headers ?? {}).end(reply.body ?? '');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handle = {
    endpoint: `http://127.0.0.1:${port}/api`,
    seen,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

/** What the service checks on every request (spec §1). */
function check(s: Seen): string | undefined {
  const h = s.headers;
  const date = String(h.date ?? '');
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(date)) return `Date "${date}" is not RFC 1123 GMT`;
  if (Math.abs(Date.parse(date) - Date.now()) > 15 * 60_000) return 'Date is skewed';
  if (!s.params.some(([k, v]) => k === 'curr_project' && v === PROJECT)) return 'no curr_project';
  if (!h['x-odps-user-agent'] || !h['user-agent']) return 'no user agent';
  const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
  const expected = authorizationV2(AK, SK, canonicalString({ method: s.method, resource: s.path, params: s.params, headers }));
  if (h.authorization !== expected) return `signature mismatch: got ${h.authorization}`;
  return undefined;
}

const xml = (body: string, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});
const json = (doc: unknown, status = 200): Reply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
const clientFor = (endpoint: string, extra: Partial<MaxComputeClientOptions> = {}) =>
  createMaxComputeClient({ endpoint, project: PROJECT, accessKeyId: AK, accessKeySecret: new Secret(SK), timeoutMs: 5000, log: silentLogger, sink: 'mc', ...extra });
const paramsOf = (s: Seen) => Object.fromEntries(s.params);
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const tableXml = (schema: unknown) => xml(`<Table><Name>orders_log</Name><Schema><![CDATA[${JSON.stringify(schema)}]]></Schema></Table>`);

describe('getTable', () => {
  it('reads the JSON schema inside <Table><Schema>, types upper-cased, partition keys apart', async () => {
    const server = await startServer(() =>
      tableXml({
        columns: [
          { name: 'id', type: 'bigint', comment: 'key' },
          { name: 'amount', type: 'decimal(20,4)' },
          { name: 'name', type: 'string', comment: '' },
        ],
        partitionKeys: [{ name: 'new_dts_sync_modifytime_year', type: 'string' }],
      }),
    );
    const table = await clientFor(server.endpoint).getTable('orders_log');
    expect(table).toEqual({
      columns: [
        { name: 'id', type: 'BIGINT', comment: 'key' },
        { name: 'amount', type: 'DECIMAL(20,4)' },
        { name: 'name', type: 'STRING' },
      ],
      partitionKeys: [{ name: 'new_dts_sync_modifytime_year', type: 'STRING' }],
    });
    expect(server.seen.map((s) => [s.method, s.rawPath, s.params])).toEqual([['GET', '/api/projects/dts_demo/tables/orders_log', [['curr_project', 'dts_demo']]]]);
    expect(server.problems).toEqual([]);
  });

  it('null for a table that does not exist; a missing project stays an error naming it', async () => {
    const server = await startServer((s) =>
      s.path.endsWith('/nope')
        ? xml('<Error><Code>NoSuchTable</Code><Message>table not found</Message><RequestId>r1</RequestId></Error>', 404)
        : xml('<Error><Code>NoSuchProject</Code><Message>project not found</Message><RequestId>r2</RequestId></Error>', 404),
    );
    const client = clientFor(server.endpoint);
    expect(await client.getTable('nope')).toBeNull();
    const err = await rejection(client.getTable('other'));
    expect(err).toBeInstanceOf(MaxComputeNotFoundError);
    expect(err.message).toContain('check that table dts_demo.other exists');
    expect(err.message).toContain('NoSuchProject: project not found, request r2');
    expect(err).toMatchObject({ retriable: false, context: { status: 404, serverCode: 'NoSuchProject', project: 'dts_demo', table: 'other', sink: 'mc' } });
  });
});

describe('runSql', () => {
  it('creates one SQL task instance, polls ?instancestatus until Terminated, checks ?taskstatus', async () => {
    let polls = 0;
    const server = await startServer((s) => {
      if (s.method === 'POST') return { status: 201, headers: { location: `http://somewhere/api/projects/${PROJECT}/instances/20260101abc` } };
      if ('instancestatus' in paramsOf(s)) return xml(`<Instance><Status>${++polls < 3 ? 'Running' : 'Terminated'}</Status></Instance>`);
      if ('taskstatus' in paramsOf(s)) return xml('<Instance><Tasks><Task Type="SQL"><Name>AnonymousSQLTask</Name><Status>Success</Status></Task></Tasks></Instance>');
      return { status: 500 };
    });
    const sql = "CREATE TABLE IF NOT EXISTS dts_demo.`t` (`a` BIGINT COMMENT 'x]]>y');";
    await clientFor(server.endpoint).runSql(sql);
    expect(server.problems).toEqual([]);
    expect(server.seen.map((s) => [s.method, s.path, s.params.map(([k]) => k).join('&')])).toEqual([
      ['POST', '/projects/dts_demo/instances', 'curr_project'],
      ['GET', '/projects/dts_demo/instances/20260101abc', 'instancestatus&curr_project'],
      ['GET', '/projects/dts_demo/instances/20260101abc', 'instancestatus&curr_project'],
      ['GET', '/projects/dts_demo/instances/20260101abc', 'instancestatus&curr_project'],
      ['GET', '/projects/dts_demo/instances/20260101abc', 'taskstatus&curr_project'],
    ]);
    const post = server.seen[0]!;
    expect(post.headers['content-type']).toBe('application/xml');
    expect(Number(post.headers['content-length'])).toBe(post.body.length);
    const doc = parseXml(post.body.toString('utf8'));
    const job = child(doc, 'Job');
    expect(childText(job, 'Priority')).toBe('9');
    const task = child(child(job, 'Tasks'), 'SQL');
    expect(childText(task, 'Name')).toBe('AnonymousSQLTask');
    expect(child(task, 'Query')!.text).toBe(sql); // exact, "]]>" included
    const props = Object.fromEntries(child(task, 'Config')!.children.map((p) => [childText(p, 'Name'), childText(p, 'Value')]));
    expect(JSON.parse(props.settings!)).toEqual({ 'odps.sql.type.system.odps2': 'true' });
    expect(props.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(childText(child(job, 'DAG'), 'RunMode')).toBe('Sequence');
  });

  it('a failed task: MaxComputeSqlError with the server text (base64 decoded) and the statement cut at 200 characters', async () => {
    const reason = 'ODPS-0130071:[1,8] Semantic analysis exception - column x cannot be resolved';
    const server = await startServer((s) => {
      if (s.method === 'POST') return { status: 201, headers: { location: `/api/projects/${PROJECT}/instances/i-1` } };
      const p = paramsOf(s);
      if ('instancestatus' in p) return xml('<Instance><Status>Terminated</Status></Instance>');
      if ('taskstatus' in p) return xml('<Instance><Tasks><Task Type="SQL"><Name>AnonymousSQLTask</Name><Status>Failed</Status></Task></Tasks></Instance>');
      if ('result' in p)
        return xml(
          `<Instance><Tasks><Task Type="SQL"><Name>AnonymousSQLTask</Name><Result Transform="Base64" Format="text">${Buffer.from(reason).toString('base64')}</Result></Task></Tasks></Instance>`,
        );
      return { status: 500 };
    });
    const sql = `ALTER TABLE dts_demo.t ADD COLUMNS (${'c'.repeat(250)} BIGINT);`;
    const err = await rejection(clientFor(server.endpoint).runSql(sql));
    expect(err).toBeInstanceOf(MaxComputeSqlError);
    expect(err.message).toContain(reason);
    expect(err.message).toContain('instance i-1, AnonymousSQLTask Failed');
    expect(err.message).toContain(`${sql.slice(0, 200)}…"`);
    expect(err.message).not.toContain(sql.slice(0, 201));
    expect(err).toMatchObject({ retriable: false, code: 'DTS_MAXCOMPUTE_SQL', instanceId: 'i-1', serverText: reason });
    expect(server.seen.map((s) => s.params[0]![0])).toEqual(['curr_project', 'instancestatus', 'taskstatus', 'result']);
  });

  it('a busy server (409 on creation) is retriable; a bad statement refused at creation (400) is not', async () => {
    const server = await startServer((s) =>
      s.body.includes('busy')
        ? xml('<Error><Code>ConflictError</Code><Message>too many instances</Message></Error>', 409)
        : xml('<Error><Code>InvalidParameter</Code><Message>bad</Message></Error>', 400),
    );
    const client = clientFor(server.endpoint);
    expect(await rejection(client.runSql('SELECT busy;'))).toMatchObject({ retriable: true, context: { status: 409, serverCode: 'ConflictError' } });
    const bad = await rejection(client.runSql('SELECT 1;'));
    expect(bad).toBeInstanceOf(SinkWriteError);
    expect(bad).toMatchObject({ retriable: false });
    expect(bad.message).toContain('InvalidParameter: bad');
  });
});

const sessionJson = (
  id: string,
  status: string,
  blocks: number[] = [],
  columns = [
    { name: 'id', type: 'bigint' },
    { name: 'v', type: 'string' },
  ],
) => ({
  UploadID: id,
  Status: status,
  Owner: 'o',
  Initiated: 'x',
  IsOverwrite: false,
  MaxFieldSize: 8388608,
  QuotaName: '',
  Schema: { columns: columns.map((c, i) => ({ ...c, comment: '', nullable: true, column_id: String(i) })), partitionKeys: [] },
  UploadedBlockList: blocks.map((b) => ({ BlockID: b, CreateTime: 1, Date: 'x', FileName: `f${b}`, RecordCount: 10 + b, Version: 0 })),
});

describe('tunnel', () => {
  /** A service + tunnel on one port: discovery answers this host; the tunnel is served at the root. */
  async function tunnelServer(route: (s: Seen) => Reply | 'hang') {
    return startServer((s, host) => {
      if (s.rawPath.startsWith('/api/')) {
        if (s.path === `/projects/${PROJECT}/tunnel` && 'service' in paramsOf(s)) return { headers: { 'content-type': 'text/plain' }, body: host };
        return { status: 404 };
      }
      for (const [k, v] of [
        ['x-odps-tunnel-version', '6'],
        ['odps-tunnel-date-transform', 'v1'],
      ]) {
        if (s.headers[k!] !== v) return json({ Code: 'InvalidHeader', Message: `${k} must be ${v}` }, 400);
      }
      return route(s);
    });
  }

  it('discovers the endpoint once, then creates sessions with the unquoted partition and create_partition', async () => {
    const server = await tunnelServer(() => json(sessionJson(`up-${server.seen.length}`, 'normal')));
    const client = clientFor(server.endpoint);
    const tunnel = await client.tunnel();
    expect(await client.tunnel()).toBe(tunnel);
    const partition = [
      ['new_dts_sync_modifytime_year', '2026'],
      ['new_dts_sync_modifytime_month', '01'],
    ] as const;
    const session = await tunnel.createUpload('orders_log', partition);
    await tunnel.createUpload('orders_base', []);
    expect(server.problems).toEqual([]);
    expect(server.seen.map((s) => `${s.method} ${s.rawPath}?${s.params.map(([k, v]) => (v ? `${k}=${v}` : k)).join('&')}`)).toEqual([
      'GET /api/projects/dts_demo/tunnel?service&curr_project=dts_demo',
      'POST /projects/dts_demo/tables/orders_log?uploads&partition=new_dts_sync_modifytime_year=2026,new_dts_sync_modifytime_month=01&create_partition=true&curr_project=dts_demo',
      'POST /projects/dts_demo/tables/orders_base?uploads&curr_project=dts_demo',
    ]);
    expect(server.seen[1]!.headers['content-length']).toBe('0');
    expect(session).toEqual({
      uploadId: 'up-2',
      table: 'orders_log',
      partition,
      status: 'NORMAL',
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'v', type: 'STRING' },
      ],
      blocks: [],
    });
  });

  it('a failed discovery is asked again next time', async () => {
    let first = true;
    const server = await startServer((s, host) => {
      if (first) {
        first = false;
        return { status: 503 };
      }
      return { body: host };
    });
    const client = clientFor(server.endpoint);
    expect(await rejection(client.tunnel())).toBeInstanceOf(SinkConnectionError);
    await client.tunnel();
    expect(server.seen).toHaveLength(2);
  });

  it('uploads a block as a chunked octet-stream PUT, and reads the session back', async () => {
    const server = await tunnelServer((s) => {
      if (s.method === 'PUT') {
        if (s.headers['content-type'] !== 'application/octet-stream' || s.headers['transfer-encoding'] !== 'chunked' || s.headers['content-length'] !== undefined) {
          return json({ Code: 'InvalidRequest', Message: 'not chunked octet-stream' }, 400);
        }
        return { status: 200 };
      }
      return json(sessionJson('u1', 'normal', [0, 3]));
    });
    const tunnel = await clientFor(server.endpoint).tunnel();
    const session = await tunnel.createUpload('t_log', [['y', '2026']]);
    const block = Buffer.from('f0ffff7f00f8ffff7f00', 'hex');
    await tunnel.uploadBlock(session, 3, block);
    const again = await tunnel.getUpload('t_log', [['y', '2026']], 'u1');
    expect(server.problems).toEqual([]);
    const put = server.seen.find((s) => s.method === 'PUT')!;
    expect(put.rawPath).toBe('/projects/dts_demo/tables/t_log');
    expect(put.params).toEqual([
      ['uploadid', 'u1'],
      ['blockid', '3'],
      ['partition', 'y=2026'],
      ['curr_project', 'dts_demo'],
    ]);
    expect(put.body.equals(block)).toBe(true);
    expect(server.seen.at(-1)!.params).toEqual([
      ['uploadid', 'u1'],
      ['partition', 'y=2026'],
      ['getblockid', 'true'],
      ['curr_project', 'dts_demo'],
    ]);
    expect(again.blocks).toEqual([
      { blockId: 0, recordCount: 10 },
      { blockId: 3, recordCount: 13 },
    ]);
    expect(await rejection(tunnel.uploadBlock(session, 20000, block))).toBeInstanceOf(InvariantError);
    expect(server.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
  });

  it('commit: reads the session, posts only when it holds exactly the blocks, polls a COMMITTING session until CLOSED', async () => {
    const states: Record<string, string[]> = { u1: ['normal', 'committing', 'committing', 'closed'], u2: ['normal'], u3: ['closed'], u4: ['expired'] };
    const server = await tunnelServer((s) => {
      const id = paramsOf(s).uploadid!;
      const list = states[id]!;
      const status = list.length > 1 ? list.shift()! : list[0]!;
      return json(sessionJson(id, status, id === 'u2' ? [0, 2] : [0, 1]));
    });
    const tunnel = await clientFor(server.endpoint).tunnel();
    const session = (id: string): UploadSession => ({ uploadId: id, table: 't', partition: [], status: 'NORMAL', columns: [], blocks: [] });
    const calls = () => server.seen.slice(1).map((s) => `${s.method} ${paramsOf(s).uploadid}`);

    await tunnel.commit(session('u1'), [1, 0]);
    expect(calls()).toEqual(['GET u1', 'POST u1', 'GET u1', 'GET u1']);
    const post = server.seen.find((s) => s.method === 'POST' && paramsOf(s).uploadid === 'u1')!;
    expect(post.params).toEqual([
      ['uploadid', 'u1'],
      ['curr_project', 'dts_demo'],
    ]);
    expect(post.headers['content-length']).toBe('0');

    const mismatch = await rejection(tunnel.commit(session('u2'), [0, 1]));
    expect(mismatch).toBeInstanceOf(UploadSessionStateError);
    expect(mismatch.message).toContain('missing 1, unexpected 2');
    expect(mismatch).toMatchObject({ retriable: false, uploadId: 'u2', status: 'NORMAL' });

    await tunnel.commit(session('u3'), [0, 1]); // committed before: an earlier answer was lost
    const expired = await rejection(tunnel.commit(session('u4'), [0, 1]));
    expect(expired).toMatchObject({ status: 'EXPIRED' });
    expect(expired.message).toContain('must be uploaded in a new session');
    expect(calls().slice(4)).toEqual(['GET u2', 'GET u3', 'GET u4']);
    expect(server.problems).toEqual([]);
  });
});

describe('errors from the wire', () => {
  it('403: final, tells to check the keys of the destination, never prints them', async () => {
    const server = await startServer(() => ({ status: 200 }));
    const client = clientFor(server.endpoint, { accessKeySecret: new Secret('wrong-secret-value') });
    const err = await rejection(client.getTable('t'));
    expect(server.problems).toHaveLength(1); // the server really checks the signature
    expect(err).toBeInstanceOf(SinkConnectionError);
    expect(err).toMatchObject({ retriable: false, context: { status: 403, serverCode: 'SignatureNotMatch', requestId: 'r-403' } });
    expect(err.message).toContain('check accessKeyId and accessKeySecret (and securityToken with STS) of destination "mc"');
    expect(err.message).not.toContain('wrong-secret-value');
    expect(JSON.stringify(err)).not.toContain('wrong-secret-value');
  });

  it('tunnel JSON errors: 400 final quoting Code and Message; 500 and 429 retried as write errors; 503 as a connection error', async () => {
    const answers: Reply[] = [
      json({ Code: 'MalformedDataStream', Message: 'record 3 CRC mismatch', RequestId: 'r9' }, 400),
      json({ Code: 'InternalServerError', Message: 'oops' }, 500),
      json({ Code: 'SlotExceeded', Message: 'slow down' }, 429),
      { status: 503, body: 'Service Unavailable' },
    ];
    const server = await startServer((s, host) => (s.rawPath.startsWith('/api/') ? { body: host } : answers.shift()!));
    const tunnel = await clientFor(server.endpoint).tunnel();
    const errs = [];
    for (let i = 0; i < 4; i++) errs.push(await rejection(tunnel.createUpload('t', [])));
    expect(errs.map((e) => [e.constructor.name, (e as SinkWriteError).retriable, (e as SinkWriteError).context.status])).toEqual([
      ['SinkWriteError', false, 400],
      ['SinkWriteError', true, 500],
      ['SinkWriteError', true, 429],
      ['SinkConnectionError', true, 503],
    ]);
    expect(errs[0]!.message).toBe('MaxCompute refused to create an upload session for dts_demo.t (HTTP 400 MalformedDataStream: record 3 CRC mismatch, request r9)');
    expect(errs[3]!.message).toContain('HTTP 503 Service Unavailable');
  });

  it('no server: a retriable connection error naming the endpoint', async () => {
    const server = await startServer(() => ({}));
    const endpoint = server.endpoint;
    await server.close();
    const err = await rejection(clientFor(endpoint).getTable('t'));
    expect(err).toBeInstanceOf(SinkConnectionError);
    expect(err).toMatchObject({ retriable: true, context: { status: 0 } });
    expect(err.message).toContain(`cannot reach MaxCompute at ${endpoint} to read table dts_demo.t (ECONNREFUSED`);
  });

  it('a server that goes silent: a retriable time-out after timeoutMs', async () => {
    const server = await startServer(() => 'hang');
    const started = Date.now();
    const err = await rejection(clientFor(server.endpoint, { timeoutMs: 300 }).getTable('t'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(err).toMatchObject({ retriable: true, context: { status: 0 } });
    expect(err.message).toContain('ETIMEDOUT: no data for 300 ms');
  });

  it('STS: the token goes in authorization-sts-token, the signature is the one of the key alone', async () => {
    const server = await startServer(() => tableXml({ columns: [], partitionKeys: [] }));
    await clientFor(server.endpoint, { securityToken: new Secret('CAIS-sts') }).getTable('t');
    expect(server.problems).toEqual([]);
    expect(server.seen[0]!.headers['authorization-sts-token']).toBe('CAIS-sts');
  });
});
