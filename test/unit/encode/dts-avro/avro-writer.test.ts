/**
 * The hand-written writer against avsc: the same bytes as `Type.toBuffer` for the same value,
 * union and enum numbers taken from the schema itself, and the schema copy is the spec's.
 */
import { describe, expect, it } from 'vitest';
import { DTS_AVRO_NAMESPACE, dtsAvroRecordOf, dtsAvroRecordType, encodeDtsAvro, IMAGE_BRANCH_INDEX, OPERATION_INDEX, writeDtsAvroRecord } from '../../../../shared/encode/dts-avro/index.ts';
import recordSchema from '../../../../shared/encode/dts-avro/record.avsc.json' with { type: 'json' };
import type { ChangeRecord, Value } from '../../../../shared/record/index.ts';
import { encodeWithAvsc } from './avsc-value.ts';
import { column, ddl, row, table } from './build.ts';
import { decodeBoth } from './decode.ts';

const opts = { sourceVersion: '8.0.28' };

interface SchemaField {
  name: string;
  type: unknown;
}
const record = (recordSchema as { name: string; fields?: SchemaField[] }[]).find((s) => s.name === 'Record')!;
const fieldType = (name: string) => record.fields!.find((f) => f.name === name)!.type;

describe('schema', () => {
  it('is the spec schema: Record.avsc, 15 fields (canonical-form MD5 of shared/specs/dts-avro/Record.avsc)', () => {
    expect(dtsAvroRecordType.fingerprint('md5').toString('hex')).toBe('f5741ccea3f3a87a27ae879032af01c1');
    expect(record.fields!.map((f) => f.name)).toEqual([
      'version',
      'id',
      'sourceTimestamp',
      'sourcePosition',
      'safeSourcePosition',
      'sourceTxid',
      'source',
      'operation',
      'objectName',
      'processTimestamps',
      'tags',
      'fields',
      'beforeImages',
      'afterImages',
      'bornTimestamp',
    ]);
  });

  it('numbers the operations as the writer does', () => {
    const symbols = (fieldType('operation') as { symbols: string[] }).symbols;
    for (const [op, index] of Object.entries(OPERATION_INDEX)) expect(symbols.indexOf(op), op).toBe(index);
  });

  it('numbers the image union branches as the writer does', () => {
    for (const name of ['beforeImages', 'afterImages']) {
      const union = fieldType(name) as [string, string, { items: string[] }];
      expect(union.slice(0, 2)).toEqual(['null', 'string']);
      const items = union[2].items;
      expect(items[0]).toBe('null');
      for (const [branch, index] of Object.entries(IMAGE_BRANCH_INDEX)) expect(items.indexOf(`${DTS_AVRO_NAMESPACE}.${branch}`), branch).toBe(index);
    }
  });
});

describe('same bytes as avsc', () => {
  const everyType = table([
    column('id', 'bigint(20) unsigned', { key: true }),
    column('i', 'int(11)'),
    column('t', 'tinyint(4)'),
    column('d', 'decimal(65,30)'),
    column('f', 'float(7,3)'),
    column('g', 'double'),
    column('bits', 'bit(64)'),
    column('ts', 'timestamp(6)'),
    column('dt', 'datetime(6)'),
    column('day', 'date'),
    column('tm', 'time(6)'),
    column('y', 'year'),
    column('c', 'char(10)', { charset: 'latin1' }),
    column('v', 'varchar(300)'),
    column('vb', 'varbinary(10)'),
    column('b', 'longblob'),
    column('tx', 'longtext'),
    column('j', 'json'),
    column('e', "enum('a','b')"),
    column('s', "set('x','y')"),
    column('geo', 'geometry'),
  ]);
  const values = (n: number, text: string, blob: Uint8Array): Value[] => [
    '18446744073709551615',
    -n,
    n % 128,
    '-1.' + '1'.repeat(30),
    -1.5,
    n / 7,
    new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, n % 256]),
    '2038-01-19 03:14:07.999999',
    '0000-00-00 00:00:00.000000',
    '1000-01-01',
    '-838:59:59.000001',
    2155,
    'café €',
    text,
    new Uint8Array([0, 255]),
    blob,
    text,
    `{"n":${n}}`,
    'b',
    'x,y',
    new Uint8Array([0, 0, 0, 0, 1, 1, 0, 0, 0]),
  ];
  const strings = [
    '',
    'a',
    'x'.repeat(63),
    'x'.repeat(64),
    'é'.repeat(64),
    'x'.repeat(256),
    'x'.repeat(257),
    '漢'.repeat(256),
    '😀'.repeat(128),
    '😀'.repeat(129),
    'mixed ascii, ünïcödé, 漢字 and 😀 '.repeat(20),
  ];
  const records: [string, ChangeRecord][] = [
    ...strings.map((s, i): [string, ChangeRecord] => [`strings of ${s.length} units (#${i})`, row('INSERT', everyType, { after: values(i, s, new Uint8Array(i * 10)) }, { id: 2 ** 33 + i })]),
    ['all NULL', row('UPDATE', everyType, { before: everyType.columns.map(() => null), after: everyType.columns.map(() => null) })],
    ['a 200 KiB blob (the scratch buffer grows)', row('INSERT', everyType, { after: values(7, 'big', new Uint8Array(200 * 1024).fill(0x5a)) })],
    ['a 3 MiB blob (the scratch buffer grows, then shrinks back)', row('INSERT', everyType, { after: values(8, 'huge', new Uint8Array(3 << 20).fill(0xa5)) })],
    ['DELETE, negative and large ids', row('DELETE', everyType, { before: values(3, 't', new Uint8Array([1])) }, { id: -(2 ** 40) })],
    ['INIT', row('INIT', everyType, { after: values(4, 'init', new Uint8Array([2])) }, { id: 0 })],
    ['DDL', ddl('CREATE TABLE `漢`(a int) COMMENT ' + "'x'".repeat(100), { source: { gtid: 'uuid:1-5', txId: '9' } })],
    ['DDL without a database', ddl('CREATE DATABASE x', { database: '' })],
  ];

  it.each(records)('%s', (_name, change) => {
    const model = dtsAvroRecordOf(change, opts);
    const ours = writeDtsAvroRecord(model);
    expect(ours.equals(encodeWithAvsc(model))).toBe(true);
    expect(ours.equals(encodeDtsAvro(change, opts))).toBe(true);
    // And decoding then re-encoding with avsc gives the bytes back.
    const decoded = decodeBoth(ours);
    expect(dtsAvroRecordType.toBuffer(decoded).equals(ours)).toBe(true);
  });
});
