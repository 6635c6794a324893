/**
 * The Confluent framing byte for byte, the subject names, the registered schema (the DTS Record,
 * self-contained), and the REST client against a local HTTP server that records each request and
 * answers as a registry would: the request's method, path, headers and body; one registration per
 * subject; and each refusal mapped to its error kind (connection or write, retriable or final)
 * with a message that names the endpoint but never a credential. The real registry (Apicurio) is
 * exercised by test/integration/kafka-schema-registry.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkConnectionError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import { createSchemaIds, DTS_AVRO_REGISTRY_SCHEMA, frameConfluent, registryEndpoint, subjectOf, type ResolvedSchemaRegistryConfig } from '../../../../shared/sink/kafka/schema-registry.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import { Secret } from '../../../../shared/task/secret.ts';

type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];

describe('frameConfluent', () => {
  it('writes the magic byte, the id as int32 big-endian, then the Avro bytes unchanged', () => {
    const avro = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]);
    expect([...frameConfluent(0x01020304, avro)]).toEqual([0x00, 0x01, 0x02, 0x03, 0x04, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]);
    expect([...frameConfluent(1, Buffer.alloc(0))]).toEqual([0, 0, 0, 0, 1]);
    expect([...frameConfluent(0x7fffffff, Buffer.from([9]))]).toEqual([0, 0x7f, 0xff, 0xff, 0xff, 9]);
    expect(frameConfluent(258, Buffer.from([1])).readInt32BE(1)).toBe(258);
  });

  it('refuses ids that are not a non-negative int32', () => {
    for (const id of [-1, 0x80000000, 1.5, Number.NaN]) expect(() => frameConfluent(id, Buffer.alloc(1))).toThrow(RangeError);
  });
});

describe('subjects and endpoints', () => {
  it('names the subject by topic (TopicNameStrategy) or by the record full name', () => {
    expect(subjectOf('topic', 'dts.orders')).toBe('dts.orders-value');
    expect(subjectOf('record', 'dts.orders')).toBe('com.alibaba.dts.formats.avro.Record');
  });

  it('shows an endpoint without user info, query or trailing slash', () => {
    expect(registryEndpoint('https://u:p@reg.example:8443/apis/ccompat/v7/?token=x#f')).toBe('https://reg.example:8443/apis/ccompat/v7');
    expect(registryEndpoint('not a url')).toBe('(invalid URL)');
  });

  it('registers the self-contained DTS Record schema (same canonical form as record.avsc.json)', () => {
    const registry: Record<string, avsc.Type> = {};
    avsc.Type.forSchema(JSON.parse(readFileSync(new URL('../../../../shared/encode/dts-avro/record.avsc.json', import.meta.url), 'utf8')) as AvscSchema, { registry });
    const registered = avsc.Type.forSchema(JSON.parse(DTS_AVRO_REGISTRY_SCHEMA) as AvscSchema);
    expect(registered.name).toBe('com.alibaba.dts.formats.avro.Record');
    expect(registered.fingerprint('sha256').toString('hex')).toBe(registry['com.alibaba.dts.formats.avro.Record']!.fingerprint('sha256').toString('hex'));
  });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers with whatever `reply` says for the request; keeps every request it saw. */
function recordingServer() {
  const seen: Seen[] = [];
  let reply: (req: Seen) => { status: number; body: string; delayMs?: number } = () => ({ status: 500, body: '' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const r = reply(s);
      setTimeout(() => {
        res.writeHead(r.status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
        res.end(r.body);
      }, r.delayMs ?? 0);
    });
  });
  return {
    seen,
    server,
    answer(fn: typeof reply) {
      reply = fn;
      seen.length = 0;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7/`,
  };
}

describe('createSchemaIds against a recording HTTP server', () => {
  const registry = recordingServer();
  const config = (extra: Partial<ResolvedSchemaRegistryConfig> = {}): ResolvedSchemaRegistryConfig => ({ url: registry.url(), subjectStrategy: 'topic', timeoutMs: 2000, ...extra });
  const failureOf = async (ids: ReturnType<typeof createSchemaIds>) =>
    ids.register(['t1']).then(
      () => undefined,
      (err: unknown) => err as Error & { retriable: boolean },
    );

  beforeAll(async () => new Promise<void>((resolve) => registry.server.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => new Promise<void>((resolve) => registry.server.close(() => resolve())));

  it('POSTs the schema per subject with the Confluent content type, once per subject, and frames with the answered id', async () => {
    const idsBySubject: Record<string, number> = { 'orders-value': 7, 'ddl.topic-value': 300 };
    registry.answer((req) => ({ status: 200, body: JSON.stringify({ id: idsBySubject[decodeURIComponent(req.url.split('/')[5]!)] }) }));
    const ids = createSchemaIds(config({ basicAuth: { username: 'svc', password: new Secret('s3cret:pw') } }), 'kafka');
    await ids.register(['orders', 'ddl.topic']);
    await ids.register(['orders']); // cached: no second request
    expect(registry.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /apis/ccompat/v7/subjects/orders-value/versions', 'POST /apis/ccompat/v7/subjects/ddl.topic-value/versions']);
    for (const r of registry.seen) {
      expect(r.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from('svc:s3cret:pw').toString('base64')}`);
      expect(JSON.parse(r.body)).toEqual({ schema: DTS_AVRO_REGISTRY_SCHEMA });
    }
    expect([...ids.frame('orders', Buffer.from([1, 2]))]).toEqual([0, 0, 0, 0, 7, 1, 2]);
    expect([...ids.frame('ddl.topic', Buffer.from([3]))]).toEqual([0, 0, 0, 1, 44, 3]);
    expect(() => ids.frame('never-registered', Buffer.from([1]))).toThrow(InvariantError);
  });

  it('registers one subject for every topic with the record strategy, and escapes the subject in the path', async () => {
    registry.answer(() => ({ status: 200, body: '{"id":12}' }));
    const ids = createSchemaIds(config({ subjectStrategy: 'record' }), 'kafka');
    await ids.register(['a', 'b', 'c']);
    expect(registry.seen.map((r) => r.url)).toEqual(['/apis/ccompat/v7/subjects/com.alibaba.dts.formats.avro.Record/versions']);
    expect(registry.seen[0]!.headers.authorization).toBeUndefined();
    expect(ids.frame('c', Buffer.alloc(0)).readInt32BE(1)).toBe(12);

    const odd = createSchemaIds(config(), 'kafka');
    await odd.register(['we/ird topic']);
    expect(registry.seen[1]!.url).toBe('/apis/ccompat/v7/subjects/we%2Fird%20topic-value/versions');
  });

  it('maps each refusal to its error kind, with the registry words and without credentials', async () => {
    const withAuth = () => createSchemaIds(config({ basicAuth: { username: 'svc', password: new Secret('pw-sentinel-1') } }), 'kafka-avro');

    registry.answer(() => ({ status: 401, body: '{"error_code":401,"message":"Unauthorized"}' }));
    let err = await failureOf(withAuth());
    expect(err).toBeInstanceOf(SinkConnectionError);
    expect(err!.retriable).toBe(false);
    expect(err!.message).toMatch(
      /^the schema registry at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 refused the request for subject t1-value \(HTTP 401, error_code 401: Unauthorized\); check schemaRegistry\.basicAuth of destination "kafka-avro"$/,
    );

    registry.answer(() => ({ status: 409, body: '{"error_code":409,"message":"Incompatible artifact: t1-value [AVRO]"}' }));
    err = await failureOf(withAuth());
    expect([err!.constructor, err!.retriable]).toEqual([SinkWriteError, false]);
    expect(err!.message).toContain('rejected the DTS Avro schema for subject t1-value (HTTP 409, error_code 409: Incompatible artifact: t1-value [AVRO]); allow it');

    registry.answer(() => ({ status: 422, body: '{"error_code":42201,"message":"Invalid schema"}' }));
    err = await failureOf(withAuth());
    expect([err!.constructor, err!.retriable, err!.message.includes('error_code 42201: Invalid schema')]).toEqual([SinkWriteError, false, true]);

    registry.answer(() => ({ status: 404, body: '{"error_code":404,"message":"RESTEASY003210: Could not find resource"}' }));
    err = await failureOf(withAuth());
    expect([err!.constructor, err!.retriable]).toEqual([SinkWriteError, false]);
    expect(err!.message).toContain('set schemaRegistry.url of destination "kafka-avro" to the registry\'s Confluent-compatible base URL');

    registry.answer(() => ({ status: 500, body: '{"error_code":50001,"message":"Error in the backend data store"}' }));
    err = await failureOf(withAuth());
    expect([err!.constructor, err!.retriable]).toEqual([SinkWriteError, true]);
    expect(err!.message).toContain('(HTTP 500, error_code 50001: Error in the backend data store)');

    registry.answer(() => ({ status: 200, body: '<html>a proxy page</html>' }));
    err = await failureOf(withAuth());
    expect([err!.constructor, err!.retriable]).toEqual([SinkWriteError, false]);
    expect(err!.message).toContain('without a schema id (HTTP 200: <html>a proxy page</html>)');

    registry.answer(() => ({ status: 200, body: '{"id":1}', delayMs: 1500 }));
    err = await failureOf(createSchemaIds(config({ timeoutMs: 300 }), 'kafka'));
    expect([err!.constructor, err!.retriable]).toEqual([SinkConnectionError, true]);
    expect(err!.message).toMatch(/^cannot reach the schema registry at \S+ \(no answer within 300 ms\)/);

    for (const e of [err]) expect(JSON.stringify((e as SinkConnectionError).toJSON())).not.toContain('pw-sentinel');
  });

  it('says the registry is unreachable (retriable) without the credentials a URL may carry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failureOf(createSchemaIds({ url: `http://user:pw-sentinel-2@127.0.0.1:${port}/base?key=pw-sentinel-3`, subjectStrategy: 'topic', timeoutMs: 2000 }, 'kafka'));
    expect([err!.constructor, err!.retriable]).toEqual([SinkConnectionError, true]);
    expect(err!.message).toBe(`cannot reach the schema registry at http://127.0.0.1:${port}/base (ECONNREFUSED); check schemaRegistry.url of destination "kafka" and that the registry is running`);
    expect(JSON.stringify((err as SinkConnectionError).toJSON())).not.toMatch(/pw-sentinel/);
  });
});
