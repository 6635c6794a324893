/**
 * The MaxCompute client and the tunnel record writer against the local MaxCompute endpoint (its
 * own instance on port 0, which verifies signatures, CRCs and block lists), with the official Java
 * SDK reading back what was committed: tables made by runSql, every scalar type value by value,
 * partitions created by the upload session, a repeated commit that adds nothing, and the server's
 * refusals as typed errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordStreamWriter } from '../../shared/encode/maxcompute/record-stream.ts';
import type { OdpsColumn, OdpsValue } from '../../shared/encode/maxcompute/types.ts';
import { silentLogger } from '../../shared/log.ts';
import { startLocalMaxCompute, type LocalMaxCompute } from '../../shared/runtime/maxcompute/local-endpoint/index.ts';
import { SinkConnectionError, SinkWriteError } from '../../shared/sink/errors.ts';
import type { MaxComputeClient } from '../../shared/sink/maxcompute/client-types.ts';
import { MaxComputeNotFoundError, MaxComputeSqlError, UploadSessionStateError } from '../../shared/sink/maxcompute/errors.ts';
import { createMaxComputeClient } from '../../shared/sink/maxcompute/rest-client.ts';
import { Secret } from '../../shared/task/secret.ts';
import { javaOdps } from '../helpers/java-odps.ts';

const AK = { accessKeyId: 'dts-local-ak', accessKeySecret: 'dts-local-secret' };
const STS = { accessKeyId: 'STS.tmp-ak', accessKeySecret: 'tmp-secret', securityToken: 'CAIS-local-token' };

let server: LocalMaxCompute;
let dataDir: string;
let client: MaxComputeClient;

const connect = (account: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) =>
  createMaxComputeClient({
    endpoint: server.endpoint,
    project: 'dts_demo',
    accessKeyId: account.accessKeyId,
    accessKeySecret: new Secret(account.accessKeySecret),
    securityToken: account.securityToken ? new Secret(account.securityToken) : undefined,
    timeoutMs: 10_000,
    log: silentLogger,
    sink: 'mc',
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mc-client-'));
  server = await startLocalMaxCompute({ dataDir, port: 0, accounts: [AK, STS] });
  client = connect(AK);
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const block = (columns: readonly OdpsColumn[], rows: OdpsValue[][]) => {
  const w = createRecordStreamWriter(columns);
  for (const r of rows) w.append(r);
  return w.finish();
};

const TYPES = `(c_bigint BIGINT, c_int INT, c_smallint SMALLINT, c_tinyint TINYINT, c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT,
  c_string STRING, c_varchar VARCHAR(10), c_char CHAR(5), c_json JSON, c_binary BINARY, c_decimal DECIMAL(38,18),
  c_datetime DATETIME, c_date DATE, c_timestamp TIMESTAMP, c_ntz TIMESTAMP_NTZ)`;

/** The schema getTable reads back for `parted`. */
const PARTED = {
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'v', type: 'STRING', comment: 'a value' },
  ],
  partitionKeys: [
    { name: 'y', type: 'STRING' },
    { name: 'm', type: 'STRING' },
  ],
};

describe('tables through SQL instances', () => {
  it('creates tables, reads their schema back, null for a missing one', async () => {
    await client.runSql(`CREATE TABLE IF NOT EXISTS dts_demo.\`all_types\` ${TYPES};`);
    await client.runSql("CREATE TABLE IF NOT EXISTS dts_demo.`parted` (`id` BIGINT, `v` STRING COMMENT 'a value') PARTITIONED BY (`y` STRING, `m` STRING);");
    const parted = await client.getTable('parted');
    expect(parted).toEqual(PARTED);
    const all = await client.getTable('all_types');
    expect(all!.columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'INT',
      'SMALLINT',
      'TINYINT',
      'BOOLEAN',
      'DOUBLE',
      'FLOAT',
      'STRING',
      'VARCHAR(10)',
      'CHAR(5)',
      'JSON',
      'BINARY',
      'DECIMAL(38,18)',
      'DATETIME',
      'DATE',
      'TIMESTAMP',
      'TIMESTAMP_NTZ',
    ]);
    expect(await javaOdps({ endpoint: server.endpoint, project: 'dts_demo', ...AK }).schema('parted')).toMatchObject({ partitionKeys: [{ name: 'y' }, { name: 'm' }] });
    expect(await client.getTable('no_such_table')).toBeNull();
  });

  it('a failing statement is MaxComputeSqlError carrying the server text', async () => {
    const err = await rejection(client.runSql('ALTER TABLE dts_demo.`no_such_table` ADD COLUMNS (`x` BIGINT);'));
    expect(err).toBeInstanceOf(MaxComputeSqlError);
    expect(err.message).toMatch(/ODPS-\d+/);
    expect(err.message).toContain('no_such_table');
    expect(err).toMatchObject({ retriable: false });
  });
});

describe('batch upload', () => {
  it('every scalar type, two blocks, one commit: the Java SDK reads the values back', async () => {
    const tunnel = await client.tunnel();
    const session = await tunnel.createUpload('all_types', []);
    expect(session.status).toBe('NORMAL');
    expect(session.columns.map((c) => c.name)).toEqual([
      'c_bigint',
      'c_int',
      'c_smallint',
      'c_tinyint',
      'c_boolean',
      'c_double',
      'c_float',
      'c_string',
      'c_varchar',
      'c_char',
      'c_json',
      'c_binary',
      'c_decimal',
      'c_datetime',
      'c_date',
      'c_timestamp',
      'c_ntz',
    ]);
    const rows: OdpsValue[][] = [
      [
        1234567890123n,
        -7,
        300,
        -5,
        true,
        3.25,
        -1.5,
        'héllo 中文 😀',
        'vc',
        'ch',
        '{"a":1}',
        new Uint8Array([0, 1, 255]),
        '-12345.678900',
        1704164645678,
        19724,
        { seconds: 1704164645n, nanos: 123456789 },
        { seconds: 1704164645n, nanos: 6000 },
      ],
      [
        -(2n ** 63n) + 1n,
        2147483647,
        -32768,
        127,
        false,
        -0,
        0.5,
        '',
        '😀',
        null,
        null,
        new Uint8Array(0),
        '0.000000000000000001',
        -1,
        -719162,
        { seconds: -1n, nanos: 999999999 },
        { seconds: -1n, nanos: 500000000 },
      ],
      [2n ** 63n - 1n, -2147483648],
    ];
    await tunnel.uploadBlock(session, 0, block(session.columns, rows.slice(0, 2)));
    await tunnel.uploadBlock(session, 1, block(session.columns, rows.slice(2)));
    const before = await tunnel.getUpload('all_types', [], session.uploadId);
    expect(before.status).toBe('NORMAL');
    expect(before.blocks).toEqual([
      { blockId: 0, recordCount: 2 },
      { blockId: 1, recordCount: 1 },
    ]);
    await tunnel.commit(session, [0, 1]);
    expect((await tunnel.getUpload('all_types', [], session.uploadId)).status).toBe('CLOSED');

    const read = await javaOdps({ endpoint: server.endpoint, project: 'dts_demo', ...AK }).read('all_types');
    expect(read.map((r) => r.values)).toEqual([
      {
        c_bigint: '1234567890123',
        c_int: '-7',
        c_smallint: '300',
        c_tinyint: '-5',
        c_boolean: true,
        c_double: '3.25',
        c_float: '-1.5',
        c_string: 'héllo 中文 😀',
        c_varchar: 'vc',
        c_char: 'ch',
        c_json: '{"a":1}',
        c_binary: '0001ff',
        c_decimal: '-12345.678900',
        c_datetime: '1704164645678',
        c_date: '2024-01-02',
        c_timestamp: '1704164645.123456789',
        c_ntz: '1704164645.000006000',
      },
      {
        c_bigint: '-9223372036854775807',
        c_int: '2147483647',
        c_smallint: '-32768',
        c_tinyint: '127',
        c_boolean: false,
        c_double: '-0.0',
        c_float: '0.5',
        c_string: '',
        c_varchar: '😀',
        c_char: null,
        c_json: null,
        c_binary: '',
        c_decimal: '0.000000000000000001',
        c_datetime: '-1',
        c_date: '0001-01-01',
        c_timestamp: '-1.999999999',
        c_ntz: '-1.500000000',
      },
      {
        c_bigint: '9223372036854775807',
        c_int: '-2147483648',
        c_smallint: null,
        c_tinyint: null,
        c_boolean: null,
        c_double: null,
        c_float: null,
        c_string: null,
        c_varchar: null,
        c_char: null,
        c_json: null,
        c_binary: null,
        c_decimal: null,
        c_datetime: null,
        c_date: null,
        c_timestamp: null,
        c_ntz: null,
      },
    ]);
  });

  it('a partitioned session creates its partition; committing again adds nothing', async () => {
    const tunnel = await client.tunnel();
    const partition = [
      ['y', '2026'],
      ['m', '01'],
    ] as const;
    const session = await tunnel.createUpload('parted', partition);
    await tunnel.uploadBlock(
      session,
      0,
      block(session.columns, [
        [1n, 'one'],
        [2n, null],
      ]),
    );
    await tunnel.commit(session, [0]);
    await tunnel.commit(session, [0]); // an earlier answer lost: the session is CLOSED, nothing is posted twice
    const read = await javaOdps({ endpoint: server.endpoint, project: 'dts_demo', ...AK }).read('parted');
    expect(read).toEqual([
      { partition: 'y=2026,m=01', values: { id: '1', v: 'one' } },
      { partition: 'y=2026,m=01', values: { id: '2', v: null } },
    ]);
  });

  it('the server refuses a corrupted block, a commit with other blocks, an unknown session', async () => {
    const tunnel = await client.tunnel();
    const session = await tunnel.createUpload('parted', [
      ['y', '2026'],
      ['m', '02'],
    ]);
    const bad = block(session.columns, [[1n, 'abc']]);
    bad[4] = 0x60; // inside "abc": the record CRC no longer matches
    const corrupt = await rejection(tunnel.uploadBlock(session, 0, bad));
    expect(corrupt).toBeInstanceOf(SinkWriteError);
    expect(corrupt).toMatchObject({ retriable: false, context: { status: 400, table: 'parted' } });
    expect(corrupt.message).toMatch(/refused to upload block 0 .* of session \S+ to dts_demo\.parted partition y=2026,m=02 \(HTTP 400 \w+: .*CRC/);

    await tunnel.uploadBlock(session, 1, block(session.columns, [[1n, 'abc']]));
    const mismatch = await rejection(tunnel.commit(session, [0, 1]));
    expect(mismatch).toBeInstanceOf(UploadSessionStateError);
    expect(mismatch.message).toContain('missing 0, unexpected none');
    expect(
      (
        await tunnel.getUpload(
          'parted',
          [
            ['y', '2026'],
            ['m', '02'],
          ],
          session.uploadId,
        )
      ).status,
    ).toBe('NORMAL');

    const unknown = await rejection(
      tunnel.getUpload(
        'parted',
        [
          ['y', '2026'],
          ['m', '02'],
        ],
        'no-such-upload',
      ),
    );
    expect(unknown).toBeInstanceOf(MaxComputeNotFoundError);
    expect(unknown).toMatchObject({ context: { status: 404 } });
  });
});

describe('credentials', () => {
  it('a wrong secret: 403, final, the message names what to check and not the keys', async () => {
    const err = await rejection(connect({ accessKeyId: AK.accessKeyId, accessKeySecret: 'not-the-secret' }).getTable('parted'));
    expect(err).toBeInstanceOf(SinkConnectionError);
    expect(err).toMatchObject({ retriable: false, context: { status: 403 } });
    expect(err.message).toContain('check accessKeyId and accessKeySecret');
    expect(err.message).not.toContain('not-the-secret');
    expect(err.message).not.toContain(AK.accessKeyId);
  });

  it('an STS key with its token works through SQL and the tunnel; without the token it is refused', async () => {
    const sts = connect(STS);
    expect(await sts.getTable('parted')).toEqual(PARTED);
    const tunnel = await sts.tunnel();
    const session = await tunnel.createUpload('parted', [
      ['y', '2026'],
      ['m', '03'],
    ]);
    await tunnel.uploadBlock(session, 0, block(session.columns, [[3n, 'sts']]));
    await tunnel.commit(session, [0]);
    const noToken = await rejection(connect({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }).getTable('parted'));
    expect(noToken).toMatchObject({ retriable: false, context: { status: 403 } });
  });
});
