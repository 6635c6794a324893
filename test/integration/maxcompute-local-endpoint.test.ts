/**
 * The local MaxCompute endpoint against the official Java SDK (test/helpers/java-odps.ts): the SDK
 * creates tables by SQL, uploads through its own Table Tunnel sessions and reads back through
 * download sessions; raw signed requests check what the SDK would never send (corrupted blocks,
 * wrong wire types, unknown sessions and partitions). Each test file run uses its own endpoint
 * (port 0, a temporary data directory).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString, signatureV2, startLocalMaxCompute, type LocalMaxCompute } from '../../shared/runtime/maxcompute/local-endpoint/index.ts';
import { JavaOdpsError, javaOdps, type OdpsConnection } from '../helpers/java-odps.ts';

const AK = { accessKeyId: 'dts-local-ak', accessKeySecret: 'dts-local-secret' };
// specs/maxcompute.md §3.8 V1 for (id bigint, name string, score double, flag boolean, ts datetime, amount decimal(10,2)).
const V1 = Buffer.from('0802120361626319000000000000f83f200128dcec86829963320531322e333480c0ff7fd1a78be9020803200080c0ff7fa4e8809105f0ffff7f04f8ffff7ff194b6850f', 'hex');
const V1_TABLE = '(id BIGINT, name STRING, score DOUBLE, flag BOOLEAN, ts DATETIME, amount DECIMAL(10,2))';
const V1_ROWS = [
  { partition: null, values: { id: '1', name: 'abc', score: '1.5', flag: true, ts: '1704164645678', amount: '12.34' } },
  { partition: null, values: { id: '-2', name: null, score: null, flag: false, ts: null, amount: null } },
];

let server: LocalMaxCompute;
let dataDir: string;
let conn: OdpsConnection;
let odps: ReturnType<typeof javaOdps>;

async function start(): Promise<void> {
  server = await startLocalMaxCompute({ dataDir, port: 0 });
  conn = { endpoint: server.endpoint, project: 'dts_demo', ...AK };
  odps = javaOdps(conn);
}

interface RawReply {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/** A request signed with v2 the way the SDKs sign it (plane: control under /api, tunnel at the root). */
async function raw(
  plane: 'control' | 'tunnel',
  method: string,
  resource: string,
  rawQuery: string,
  body?: Buffer,
  options: { secret?: string; sentQuery?: string; headers?: Record<string, string> } = {},
): Promise<RawReply> {
  const headers: Record<string, string> = { date: new Date().toUTCString(), 'x-odps-tunnel-version': '6' };
  if (body) headers['content-type'] = 'application/octet-stream';
  Object.assign(headers, options.headers);
  headers.authorization = `ODPS ${AK.accessKeyId}:${signatureV2(canonicalString({ method, resource, rawQuery, headers }), options.secret ?? AK.accessKeySecret)}`;
  const base = plane === 'control' ? server.endpoint : `http://${server.tunnelHost}`;
  const query = options.sentQuery ?? rawQuery;
  const res = await fetch(`${base}${resource}${query ? `?${query}` : ''}`, { method, headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* XML or empty */
  }
  return { status: res.status, text, json };
}

async function sdkError(work: Promise<unknown>): Promise<JavaOdpsError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof JavaOdpsError) return err;
    throw err;
  }
  throw new Error('the SDK call succeeded');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mc-local-'));
  await start();
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local MaxCompute endpoint with the official Java SDK', () => {
  const everyType =
    '(id BIGINT COMMENT "the key", i INT, si SMALLINT, ti TINYINT, flag BOOLEAN, d DOUBLE, f FLOAT, s STRING, v VARCHAR(8), c CHAR(4), b BINARY, dec DECIMAL(38,18), dt DATETIME, day DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, j JSON)';
  const rows = [
    {
      id: '9223372036854775807',
      i: '-2147483648',
      si: '-32768',
      ti: '127',
      flag: true,
      d: '1.0E-300',
      f: '3.4028235E38',
      s: '中文 and "quotes"\n',
      v: 'héllo',
      c: 'ab',
      b: '00ff7f80',
      dec: '-12345678901234567890.123456789012345678',
      dt: '1704164645678',
      day: '2024-01-02',
      ts: '1704164645.123456789',
      ntz: '-1.999999999',
      j: '{"a":[1,2]}',
    },
    {
      id: '-9223372036854775807',
      i: '0',
      si: '0',
      ti: '-128',
      flag: false,
      d: '-0.0',
      f: '-1.5',
      s: '',
      v: '',
      c: '',
      b: '',
      dec: '0',
      dt: '-62135596800000',
      day: '0001-01-01',
      ts: '0.000000000',
      ntz: '253402300799.999999999',
      j: '[]',
    },
    { id: '3', i: null, si: null, ti: null, flag: null, d: null, f: null, s: null, v: null, c: null, b: null, dec: null, dt: null, day: null, ts: null, ntz: null, j: null },
  ];

  it('creates a table by SQL and shows its schema as the SDK parses it', async () => {
    await odps.sql(`CREATE TABLE IF NOT EXISTS every_type ${everyType} COMMENT 'all scalar types' LIFECYCLE 7`);
    const schema = await odps.schema('every_type');
    expect(schema.partitionKeys).toEqual([]);
    expect(schema.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id BIGINT',
      'i INT',
      'si SMALLINT',
      'ti TINYINT',
      'flag BOOLEAN',
      'd DOUBLE',
      'f FLOAT',
      's STRING',
      'v VARCHAR(8)',
      'c CHAR(4)',
      'b BINARY',
      'dec DECIMAL(38,18)',
      'dt DATETIME',
      'day DATE',
      'ts TIMESTAMP',
      'ntz TIMESTAMP_NTZ',
      'j JSON',
    ]);
    expect(schema.columns[0]!.comment).toBe('the key');
  });

  it('writes every scalar type through the SDK upload (two deflate blocks) and reads every value back', async () => {
    const result = await odps.write('every_type', rows, { blocks: 2, deflate: true });
    expect(result).toMatchObject({ blocks: 2, records: 3 });
    const read = await odps.read('every_type');
    // Block 0 holds rows 0 and 2, block 1 row 1; a commit appends its blocks in block id order.
    expect(read).toEqual([rows[0], rows[2], rows[1]].map((values) => ({ partition: null, values })));
  });

  it('a second upload appends after the first, in commit order', async () => {
    await odps.write('every_type', [{ id: '4' }]);
    const ids = (await odps.read('every_type')).map((r) => r.values.id);
    expect(ids).toEqual(['9223372036854775807', '3', '-9223372036854775807', '4']);
  });

  it('accepts the STS account with its token, and refuses it without the token', async () => {
    const sts = { endpoint: server.endpoint, project: 'dts_demo', accessKeyId: 'STS.dts-local', accessKeySecret: 'dts-local-sts-secret' };
    expect((await javaOdps({ ...sts, securityToken: 'dts-local-token' }).read('every_type')).length).toBe(4);
    const err = await sdkError(javaOdps(sts).schema('every_type'));
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/authorization-sts-token/);
  });

  it('refuses a wrong secret with 403 and MaxCompute error bodies (XML on the control plane, JSON on the tunnel)', async () => {
    const err = await sdkError(javaOdps({ ...conn, accessKeySecret: 'wrong' }).schema('every_type'));
    expect(err.status).toBe(403);
    expect(err.code).toBe('ODPS-0410042');
    const unknownKey = await sdkError(javaOdps({ ...conn, accessKeyId: 'nobody' }).schema('every_type'));
    expect(unknownKey.code).toBe('ODPS-0410051');

    const control = await raw('control', 'GET', '/projects/dts_demo/tables/every_type', 'curr_project=dts_demo', undefined, { secret: 'wrong' });
    expect(control.status).toBe(403);
    expect(control.text).toMatch(/^<\?xml[^>]*>\n<Error><Code>ODPS-0410042<\/Code><Message>ODPS-0410042:Invalid signature value - [^<]+<\/Message><RequestId>\w+<\/RequestId>/);
    const tunnel = await raw('tunnel', 'POST', '/projects/dts_demo/tables/every_type', 'uploads', undefined, { secret: 'wrong' });
    expect(tunnel.status).toBe(403);
    expect(tunnel.json.Code).toBe('Unauthorized');
    expect(String(tunnel.json.Message)).toMatch(/signature does not match/);
    // Signed right but changed afterwards (a parameter added, a value changed): refused too.
    const added = await raw('tunnel', 'POST', '/projects/dts_demo/tables/every_type', 'uploads', undefined, { sentQuery: 'uploads&overwrite=true' });
    expect([added.status, added.json.Code]).toEqual([403, 'Unauthorized']);
    const changed = await raw('control', 'GET', '/projects/dts_demo/tables/every_type', 'curr_project=dts_demo', undefined, { sentQuery: 'curr_project=other' });
    expect(changed.status).toBe(403);
    expect((await raw('tunnel', 'POST', '/projects/dts_demo/tables/every_type', 'uploads')).status).toBe(201);
    // The body is covered through Content-MD5 (Java sends it as hex): a changed body is refused.
    const xml = Buffer.from('<?xml version="1.0"?><Instance><Job><Tasks><SQL><Name>t</Name><Query><![CDATA[DROP TABLE IF EXISTS nothing_here;]]></Query></SQL></Tasks></Job></Instance>');
    const md5 = createHash('md5').update(xml).digest('hex');
    const sqlHeaders = { 'content-type': 'application/xml', 'content-md5': md5 };
    expect((await raw('control', 'POST', '/projects/dts_demo/instances', '', xml, { headers: sqlHeaders })).status).toBe(201);
    const tampered = Buffer.from(xml.toString().replace('nothing_here', 'every_type'));
    const refused = await raw('control', 'POST', '/projects/dts_demo/instances', '', tampered, { headers: { ...sqlHeaders, 'content-md5': md5 } });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/the body does not match its Content-MD5/);
    expect((await odps.read('every_type')).length).toBe(4);
  });

  it('verifies each block: a flipped byte (CRC) and a wrong wire type are refused naming the record; the session keeps only good blocks', async () => {
    await odps.sql(`CREATE TABLE v1 ${V1_TABLE}`);
    await odps.sql(`CREATE TABLE v1_wire (id STRING, name STRING, score DOUBLE, flag BOOLEAN, ts DATETIME, amount DECIMAL(10,2))`);
    const session = await raw('tunnel', 'POST', '/projects/dts_demo/tables/v1', 'uploads&curr_project=dts_demo');
    expect(session.status).toBe(201);
    expect(session.json).toMatchObject({ Status: 'NORMAL', UploadedBlockList: [] });
    const uploadId = String(session.json.UploadID);

    const corrupted = Buffer.from(V1);
    corrupted[5] = corrupted[5]! ^ 0x01; // a byte of "abc" in record 0
    const crc = await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}&blockid=1`, corrupted);
    expect(crc.status).toBe(400);
    expect(crc.json.Code).toBe('MalformedDataStream');
    expect(String(crc.json.Message)).toMatch(/block 1 .*record 0 \(0-based\) of the block: CRC mismatch/);

    const second = Buffer.from(V1);
    second[V1.indexOf(Buffer.from('0803', 'hex'), 10) + 1] = 0x05; // record 1's id, its CRC unchanged
    const crc2 = await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}&blockid=2`, second);
    expect(String(crc2.json.Message)).toMatch(/record 1 \(0-based\)/);

    const wireSession = await raw('tunnel', 'POST', '/projects/dts_demo/tables/v1_wire', 'uploads');
    const wire = await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1_wire', `uploadid=${String(wireSession.json.UploadID)}&blockid=0`, V1);
    expect(wire.status).toBe(400);
    expect(String(wire.json.Message)).toMatch(/record 0 \(0-based\) of the block: column "id" \(string, field 1\) must be sent with wire type 2, not 0/);

    expect((await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}&blockid=20000`, V1)).json.Code).toBe('InvalidBlockID');
    expect((await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}&blockid=0`, V1)).status).toBe(200);
    const reload = await raw('tunnel', 'GET', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}`);
    expect((reload.json.UploadedBlockList as { BlockID: number; RecordCount: number }[]).map((b) => [b.BlockID, b.RecordCount])).toEqual([[0, 2]]);
    expect(await odps.read('v1')).toEqual([]); // nothing visible before the commit

    const commit = await raw('tunnel', 'POST', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}`);
    expect(commit.status).toBe(200);
    expect(commit.json.Status).toBe('CLOSED');
    expect(await odps.read('v1')).toEqual(V1_ROWS);

    const again = await raw('tunnel', 'POST', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}`);
    expect(again.status).toBe(409);
    expect(again.json.Code).toBe('StatusConflict');
    expect((await raw('tunnel', 'PUT', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}&blockid=3`, V1)).status).toBe(409);
    expect((await raw('tunnel', 'GET', '/projects/dts_demo/tables/v1', `uploadid=${uploadId}`)).json.Status).toBe('CLOSED');
    const unknown = await raw('tunnel', 'POST', '/projects/dts_demo/tables/v1', 'uploadid=NOSUCHSESSION');
    expect(unknown.status).toBe(404);
    expect(unknown.json.Code).toBe('NoSuchUpload');
    expect(await odps.read('v1')).toEqual(V1_ROWS); // the refused requests changed nothing
  });

  it('the SDK refuses to commit a block list the server does not hold, and nothing becomes visible', async () => {
    await odps.sql(`CREATE TABLE commit_check (id BIGINT)`);
    const err = await sdkError(odps.write('commit_check', [{ id: '1' }], { commitBlocks: [0, 7] }));
    expect(err.message).toMatch(/Blocks not match, server: 1, tunnelServiceClient: 2/);
    const missing = await sdkError(odps.write('commit_check', [{ id: '1' }], { commitBlocks: [5] }));
    expect(missing.message).toMatch(/Block not exsits on server, block id is 5/);
    expect(await odps.read('commit_check')).toEqual([]);
  });

  it('partitions: unknown partition refused without create_partition, created with it; a partitioned table needs a spec; read partition by partition', async () => {
    await odps.sql('CREATE TABLE parted (id BIGINT, s STRING) PARTITIONED BY (ds STRING, hh BIGINT)');
    const noSpec = await raw('tunnel', 'POST', '/projects/dts_demo/tables/parted', 'uploads');
    expect([noSpec.status, noSpec.json.Code]).toEqual([400, 'MissingPartitionSpec']);
    const unknown = await raw('tunnel', 'POST', '/projects/dts_demo/tables/parted', `uploads&partition=${encodeURIComponent('ds=a,hh=1')}`);
    expect([unknown.status, unknown.json.Code]).toEqual([404, 'NoSuchPartition']);
    const wrongKeys = await raw('tunnel', 'POST', '/projects/dts_demo/tables/parted', `uploads&partition=${encodeURIComponent('hh=1,ds=a')}`);
    expect([wrongKeys.status, wrongKeys.json.Code]).toEqual([400, 'InvalidPartitionSpec']);
    const created = await raw('tunnel', 'POST', '/projects/dts_demo/tables/parted', `uploads&partition=${encodeURIComponent('ds=a,hh=1')}&create_partition=true`);
    expect(created.status).toBe(201);

    await odps.write(
      'parted',
      [
        { id: '1', s: 'x' },
        { id: '2', s: 'y' },
      ],
      { partition: 'ds=a,hh=1' },
    );
    await odps.write('parted', [{ id: '3', s: 'z' }], { partition: 'ds=b,hh=2', createPartition: true });
    expect(await odps.read('parted')).toEqual([
      { partition: 'ds=a,hh=1', values: { id: '1', s: 'x' } },
      { partition: 'ds=a,hh=1', values: { id: '2', s: 'y' } },
      { partition: 'ds=b,hh=2', values: { id: '3', s: 'z' } },
    ]);
    const err = await sdkError(odps.write('parted', [{ id: '4' }], { partition: 'ds=c,hh=3' }));
    expect(err.message).toMatch(/NoSuchPartition/);
  });

  it('SQL: ADD COLUMNS keeps old rows (null in the new column); unsupported or invalid statements fail the task with an ODPS code', async () => {
    await odps.sql('CREATE TABLE grow (id BIGINT)');
    await odps.write('grow', [{ id: '1' }]);
    await odps.sql('ALTER TABLE dts_demo.`grow` ADD COLUMNS (`note` STRING COMMENT "added")');
    await odps.write('grow', [{ id: '2', note: 'n' }]);
    expect((await odps.read('grow')).map((r) => r.values)).toEqual([
      { id: '1', note: null },
      { id: '2', note: 'n' },
    ]);

    expect((await sdkError(odps.sql('SELECT * FROM grow'))).message).toMatch(/ODPS-0130161:\[1,1\] Parse exception - this statement is not supported by the local endpoint/);
    expect((await sdkError(odps.sql('CREATE TABLE dup (a BIGINT, A STRING)'))).message).toMatch(/ODPS-0130071:.*column "a" is defined more than once/);
    expect((await sdkError(odps.sql('CREATE TABLE wide (a DECIMAL(39,0))'))).message).toMatch(/ODPS-0130071:.*precision <= 38/);
    expect((await sdkError(odps.sql('CREATE TABLE p7 (a BIGINT) PARTITIONED BY (a1 STRING, a2 STRING, a3 STRING, a4 STRING, a5 STRING, a6 STRING, a7 STRING)'))).message).toMatch(
      /7 partition levels; at most 6/,
    );
    expect((await sdkError(odps.sql('CREATE TABLE fp (a BIGINT) PARTITIONED BY (x DOUBLE)'))).message).toMatch(/partition keys must be STRING/);
    expect((await sdkError(odps.sql('CREATE TABLE grow (id BIGINT)'))).message).toMatch(/already exists/);
    await odps.sql('DROP TABLE IF EXISTS grow');
    expect((await sdkError(odps.schema('grow'))).status).toBe(404);
  });

  it('an unknown project is 404 NoSuchProject', async () => {
    const err = await sdkError(javaOdps({ ...conn, project: 'no_such_project' }).schema('v1'));
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/project "no_such_project" does not exist/);
  });

  it('committed data survives a restart of the endpoint', async () => {
    await server.close();
    await start();
    expect(await odps.read('v1')).toEqual(V1_ROWS);
    expect((await odps.read('parted')).map((r) => r.values.id)).toEqual(['1', '2', '3']);
    expect((await odps.read('every_type')).length).toBe(4);
  });
});
