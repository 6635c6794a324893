/**
 * The DTS Avro record (formats.md §1.2): a golden message byte for byte, every record field, the
 * shapes per operation (§1.5), object names, tags (§1.6), and broken records. Every message is
 * read back with the current 15-field schema and the SDK's 14-field one (decode.ts).
 */
import { describe, expect, it } from 'vitest';
import { dtsAvroRecordOf, encodeDtsAvro, writeDtsAvroRecord } from '../../../../shared/encode/dts-avro/index.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import { column, ddl, row, table } from './build.ts';
import { decodeBoth, decodeSdk, img, plain } from './decode.ts';

const opts = { sourceVersion: '8.0.28' };
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** The table of the observed UPDATE in formats.md §1.7: `mydb.t1 (a bigint primary key, b varchar(100))`. */
const t1 = table([column('a', 'bigint(20)', { key: true, nullable: false }), column('b', 'varchar(100)')], { database: 'mydb', table: 't1' });
const t1Source = { timestampMs: 1_696_984_517_078, file: 'mysql-bin.000078', position: 75103, serverId: 26957161 };

describe('golden message', () => {
  // The §1.7 UPDATE. Derived once from the encoder, then reviewed: decoded with avsc under both
  // schemas (the test below), and read by hand against the Avro binary encoding:
  const golden = [
    '00', //                                version 0
    'b0cacf01', //                          id 1700504 (zig-zag 3401008 as varint)
    '8ab7afd20c', //                        sourceTimestamp 1696984517
    '10 3735313033403738', //               sourcePosition "75103@78" (length 8)
    '10 3735313033403738', //               safeSourcePosition "75103@78"
    '02 30', //                             sourceTxid "0"
    '00 0c 382e302e3238', //                source {MySQL (symbol 0), "8.0.28"}
    '02', //                                operation UPDATE (symbol 1)
    '02 0e 6d7964622e7431', //              objectName: branch 1 (string) "mydb.t1"
    '00', //                                processTimestamps: branch 0 (null)
    '04', //                                tags: block of 2 entries
    '14 706b5f756b5f696e666f 22 7b225052494d415259223a5b2261225d7d', // pk_uk_info {"PRIMARY":["a"]}
    '12 7365727665725f6964 10 3236393537313631', //                      server_id 26957161
    '00', //                                end of tags
    '04 04', //                             fields: branch 2 (array), block of 2
    '02 61 10', //                          {a, 8}
    '02 62 fa03', //                        {b, 253}
    '00', //                                end of fields
    '04 04', //                             beforeImages: branch 2 (array), block of 2
    '02 10 12 313233343536373839', //       Integer {8, "123456789"}
    '04 0e 757466386d6234 2c 7465737420696e736572742073746174656d656e742e', // Character {utf8mb4, "test insert statement."}
    '00', //                                end of beforeImages
    '04 04', //                             afterImages: branch 2 (array), block of 2
    '02 10 12 313233343536373839', //       Integer {8, "123456789"}
    '04 0e 757466386d6234 2c 74657374207570646174652073746174656d656e742e', // Character {utf8mb4, "test update statement."}
    '00', //                                end of afterImages
    '8ab7afd20c', //                        bornTimestamp 1696984517
  ]
    .join('')
    .replace(/ /g, '');

  const record = row('UPDATE', t1, { before: [123456789, 'test insert statement.'], after: [123456789, 'test update statement.'] }, { id: 1700504, source: t1Source });

  it('encodes the §1.7 UPDATE to the reviewed bytes', () => {
    expect(encodeDtsAvro(record, opts).toString('hex')).toBe(golden);
  });

  it('decodes the golden bytes to the §1.7 record with both schemas', () => {
    const decoded = decodeBoth(Buffer.from(golden, 'hex'));
    expect(plain(decoded)).toEqual({
      version: 0,
      id: 1700504,
      sourceTimestamp: 1696984517,
      sourcePosition: '75103@78',
      safeSourcePosition: '75103@78',
      sourceTxid: '0',
      source: { sourceType: 'MySQL', version: '8.0.28' },
      operation: 'UPDATE',
      objectName: { string: 'mydb.t1' },
      processTimestamps: null,
      tags: { pk_uk_info: '{"PRIMARY":["a"]}', server_id: '26957161' },
      fields: {
        array: [
          { name: 'a', dataTypeNumber: 8 },
          { name: 'b', dataTypeNumber: 253 },
        ],
      },
      beforeImages: { array: [img.integer(8, '123456789'), img.character('utf8mb4', utf8('test insert statement.'))] },
      afterImages: { array: [img.integer(8, '123456789'), img.character('utf8mb4', utf8('test update statement.'))] },
      bornTimestamp: 1696984517,
    });
  });
});

describe('record fields', () => {
  it('fills every field of an INSERT', () => {
    const record = row('INSERT', t1, { after: [1, 'x'] }, { id: 42, source: { ...t1Source, txId: '98765' } });
    expect(plain(decodeBoth(encodeDtsAvro(record, { sourceVersion: '5.7.44-log' })))).toEqual({
      version: 0,
      id: 42,
      sourceTimestamp: 1696984517,
      sourcePosition: '75103@78',
      safeSourcePosition: '75103@78',
      sourceTxid: '98765',
      source: { sourceType: 'MySQL', version: '5.7.44-log' },
      operation: 'INSERT',
      objectName: { string: 'mydb.t1' },
      processTimestamps: null,
      tags: { pk_uk_info: '{"PRIMARY":["a"]}', server_id: '26957161' },
      fields: {
        array: [
          { name: 'a', dataTypeNumber: 8 },
          { name: 'b', dataTypeNumber: 253 },
        ],
      },
      beforeImages: null,
      afterImages: { array: [img.integer(8, '1'), img.character('utf8mb4', utf8('x'))] },
      bornTimestamp: 1696984517,
    });
  });

  it('writes seconds, rounded down, as sourceTimestamp and bornTimestamp', () => {
    const decoded = decodeBoth(encodeDtsAvro(row('INSERT', t1, { after: [1, 'x'] }, { source: { timestampMs: 1_700_000_000_999 } }), opts));
    expect(decoded.sourceTimestamp).toBe(1_700_000_000);
    expect(decoded.bornTimestamp).toBe(1_700_000_000);
  });

  it('writes offset@file-number positions, with the transaction start in both', () => {
    const decoded = decodeBoth(encodeDtsAvro(row('DELETE', t1, { before: [1, 'x'] }, { source: { file: 'binlog.000003', position: 4 } }), opts));
    expect(decoded.sourcePosition).toBe('4@3');
    expect(decoded.safeSourcePosition).toBe('4@3');
  });

  it("writes sourceTxid '0' without a transaction id", () => {
    expect(decodeBoth(encodeDtsAvro(row('INSERT', t1, { after: [1, 'x'] }, { source: { txId: null } }), opts)).sourceTxid).toBe('0');
  });

  it('writes ids beyond 32 bits exactly', () => {
    // avsc reads longs up to 2^53 - 2 (it refuses 2^53 - 1 as "potential precision loss").
    for (const id of [2 ** 31, 2 ** 40 + 3, 2 ** 53 - 2]) {
      expect(decodeBoth(encodeDtsAvro(row('INSERT', t1, { after: [1, 'x'] }, { id }), opts)).id).toBe(id);
    }
  });
});

describe('shapes per operation (§1.5)', () => {
  const before = [1, 'old'];
  const after = [1, 'new'];
  const beforeImage = { array: [img.integer(8, '1'), img.character('utf8mb4', utf8('old'))] };
  const afterImage = { array: [img.integer(8, '1'), img.character('utf8mb4', utf8('new'))] };
  const fields = {
    array: [
      { name: 'a', dataTypeNumber: 8 },
      { name: 'b', dataTypeNumber: 253 },
    ],
  };

  it.each([
    ['INSERT', { after }, null, afterImage],
    ['INIT', { after }, null, afterImage],
    ['UPDATE', { before, after }, beforeImage, afterImage],
    ['DELETE', { before }, beforeImage, null],
  ] as const)('%s', (op, images, expectedBefore, expectedAfter) => {
    const decoded = decodeBoth(encodeDtsAvro(row(op, t1, images), opts));
    expect(decoded.operation).toBe(op);
    expect(decoded.objectName).toEqual({ string: 'mydb.t1' });
    expect(decoded.fields).toEqual(fields);
    expect(plain(decoded.beforeImages)).toEqual(expectedBefore);
    expect(plain(decoded.afterImages)).toEqual(expectedAfter);
  });

  it('ignores an image the operation does not carry', () => {
    const decoded = decodeBoth(encodeDtsAvro(row('INSERT', t1, { before, after }), opts));
    expect(decoded.beforeImages).toBeNull();
  });

  it('DDL: the database as objectName, no fields, the statement as the afterImages string', () => {
    const sql = 'create table t1(a bigint primary key, b varchar(100))';
    const record = ddl(sql, { database: 'mydb', table: 't1', id: 1700104, source: { ...t1Source, position: 67008 } });
    expect(plain(decodeBoth(encodeDtsAvro(record, opts)))).toEqual({
      version: 0,
      id: 1700104,
      sourceTimestamp: 1696984517,
      sourcePosition: '67008@78',
      safeSourcePosition: '67008@78',
      sourceTxid: '0',
      source: { sourceType: 'MySQL', version: '8.0.28' },
      operation: 'DDL',
      objectName: { string: 'mydb' },
      processTimestamps: null,
      tags: { commitTimestamp: '1696984517', server_id: '26957161' },
      fields: null,
      beforeImages: null,
      afterImages: { string: sql },
      bornTimestamp: 1696984517,
    });
  });

  it('DDL: GTID tag when the server has one; non-ASCII statements; no database → null objectName', () => {
    const gtid = '3e11fa47-71ca-11e1-9e33-c80aa9429562:23';
    const sql = "ALTER TABLE `表` COMMENT '注释 😀'";
    const decoded = decodeBoth(encodeDtsAvro(ddl(sql, { database: '', source: { gtid } }), opts));
    expect(decoded.objectName).toBeNull();
    expect(decoded.afterImages).toEqual({ string: sql });
    expect(decoded.tags).toEqual({ GTID: gtid, commitTimestamp: '1696984517', server_id: '26957161' });
  });
});

describe('objectName (§1.2 #9)', () => {
  /** The SDK's reading: split on '.', then `\u002E` back to '.' (ObjectNameUtils). */
  const sdkNames = (objectName: string) => objectName.split('.').map((name) => name.replaceAll('\\u002E', '.'));

  it('escapes dots inside names as the six characters \\u002E', () => {
    const schema = table([column('id', 'int')], { database: 'my.db', table: 'a.b.c' });
    const decoded = decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [1] }), opts));
    expect(decoded.objectName).toEqual({ string: 'my\\u002Edb.a\\u002Eb\\u002Ec' });
    expect(sdkNames('my\\u002Edb.a\\u002Eb\\u002Ec')).toEqual(['my.db', 'a.b.c']);
  });

  it('leaves other characters as they are', () => {
    const schema = table([column('id', 'int')], { database: 'db-1 $', table: '表 \\u002E' });
    const decoded = decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [1] }), opts));
    expect(decoded.objectName).toEqual({ string: 'db-1 $.表 \\u002E' });
  });

  it('escapes a DDL database name', () => {
    expect(decodeBoth(encodeDtsAvro(ddl('create database `a.b`', { database: 'a.b' }), opts)).objectName).toEqual({ string: 'a\\u002Eb' });
  });
});

describe('tags (§1.6)', () => {
  it('lists composite keys in key order', () => {
    const schema = table([column('a', 'int'), column('b', 'int'), column('c', 'int')], { pkNames: ['b', 'a'] });
    const tags = decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [1, 2, 3] }), opts)).tags;
    expect(tags).toEqual({ pk_uk_info: '{"PRIMARY":["b","a"]}', server_id: '26957161' });
  });

  it('writes {} for a table without a key', () => {
    const schema = table([column('a', 'int')]);
    expect(decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [1] }), opts)).tags).toEqual({ pk_uk_info: '{}', server_id: '26957161' });
  });

  it('names the task in task_name when it is given, last, for rows and DDL, written as the record model says', () => {
    const schema = table([column('id', 'int', { key: true })]);
    const named = { ...opts, taskName: 'orders-to-kafka' };
    const insert = row('INSERT', schema, { after: [1] });
    const bytes = encodeDtsAvro(insert, named);
    expect(decodeBoth(bytes).tags).toEqual({ pk_uk_info: '{"PRIMARY":["id"]}', server_id: '26957161', task_name: 'orders-to-kafka' });
    expect(bytes).toEqual(writeDtsAvroRecord(dtsAvroRecordOf(insert, named)));
    // The same source, another task: the tag follows the option, not the last record written.
    expect(decodeBoth(encodeDtsAvro(insert, { ...opts, taskName: 'other' })).tags).toMatchObject({ task_name: 'other' });
    expect(Object.keys(decodeBoth(encodeDtsAvro(insert, opts)).tags as object)).toEqual(['pk_uk_info', 'server_id']);
    expect(decodeBoth(encodeDtsAvro(ddl('drop table t', { database: 'd' }), named)).tags).toEqual({ commitTimestamp: '1696984517', server_id: '26957161', task_name: 'orders-to-kafka' });
  });

  it('writes key names as JSON strings', () => {
    const schema = table([column('键 "q"', 'int', { key: true })]);
    const tags = decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [1] }), opts)).tags as Record<string, string>;
    expect(JSON.parse(tags.pk_uk_info!)).toEqual({ PRIMARY: ['键 "q"'] });
  });
});

describe('tables share their parts, never each other’s', () => {
  it('gives each table object its own names and fields', () => {
    const a = table([column('x', 'int')], { table: 'a' });
    const b = table([column('y', 'varchar(5)')], { table: 'b' });
    for (let i = 0; i < 3; i++) {
      const da = decodeBoth(encodeDtsAvro(row('INSERT', a, { after: [i] }), opts));
      const db = decodeBoth(encodeDtsAvro(row('INSERT', b, { after: [`v${i}`] }), opts));
      expect(da.objectName).toEqual({ string: 'db.a' });
      expect(da.fields).toEqual({ array: [{ name: 'x', dataTypeNumber: 3 }] });
      expect(plain(da.afterImages)).toEqual({ array: [img.integer(4, String(i))] });
      expect(db.objectName).toEqual({ string: 'db.b' });
      expect(db.fields).toEqual({ array: [{ name: 'y', dataTypeNumber: 253 }] });
      expect(plain(db.afterImages)).toEqual({ array: [img.character('utf8mb4', utf8(`v${i}`))] });
    }
  });

  it('returns a buffer of its own for each message', () => {
    const first = encodeDtsAvro(row('INSERT', t1, { after: [1, 'first'] }), opts);
    const copy = Buffer.from(first);
    encodeDtsAvro(row('INSERT', t1, { after: [2, 'second, longer'] }), opts);
    expect(first.equals(copy)).toBe(true);
  });

  it('handles a table with no columns', () => {
    const empty = table([]);
    const decoded = decodeBoth(encodeDtsAvro(row('INSERT', empty, { after: [] }), opts));
    expect(decoded.fields).toEqual({ array: [] });
    expect(decoded.afterImages).toEqual({ array: [] });
  });
});

describe('broken records', () => {
  it.each([
    ['INSERT without an after image', row('INSERT', t1, { before: [1, 'x'] })],
    ['UPDATE without a before image', row('UPDATE', t1, { after: [1, 'x'] })],
    ['DELETE without a before image', row('DELETE', t1, { after: [1, 'x'] })],
    ['an image shorter than the table', row('INSERT', t1, { after: [1] })],
    ['an image longer than the table', row('UPDATE', t1, { before: [1, 'x', 3], after: [1, 'x'] })],
  ])('rejects %s with an InvariantError', (_name, record) => {
    expect(() => encodeDtsAvro(record, opts)).toThrow(InvariantError);
  });
});

describe('readers of the older schema', () => {
  it('the SDK schema leaves bornTimestamp unread and sees the same record', () => {
    const bytes = encodeDtsAvro(row('UPDATE', t1, { before: [1, 'a'], after: [1, 'b'] }), opts);
    const sdk = decodeSdk(bytes);
    expect(sdk).not.toHaveProperty('bornTimestamp');
    expect(sdk.operation).toBe('UPDATE');
  });
});
