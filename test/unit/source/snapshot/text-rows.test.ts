/**
 * The lean full-sync row decoder on hand-made row packets: every length prefix, NULL, the value
 * kinds, text that is not UTF-8, and rows that do not fit their columns (an error, never a guess).
 * Its equivalence with mysql2's decode on a live server is test/integration/text-rows-equivalence.
 */
import { describe, expect, it } from 'vitest';
import { MysqlTypeCode, type Column } from '../../../../shared/record/index.ts';
import { ChunkRows, ChunkRowsWriter } from '../../../../shared/source/snapshot/chunk-rows.ts';
import { compileTextRows, TextRowError } from '../../../../shared/source/snapshot/text-rows.ts';

const col = (name: string, typeCode: number): Column => ({ name, type: name, typeCode, unsigned: false, charset: null, nullable: true, key: false }) as Column;
const utf8 = (columnType: number) => ({ columnType, characterSet: 224, encoding: 'utf8' });
const binary = (columnType: number) => ({ columnType, characterSet: 63, encoding: 'binary' });

/** One length-coded value: 1-byte length below 251, else 0xfc/0xfd/0xfe and 2, 3 or 8 bytes. */
function lc(value: string | Buffer | null, prefix?: 0xfc | 0xfd | 0xfe): Buffer {
  if (value === null) return Buffer.from([0xfb]);
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const n = body.length;
  if (prefix === undefined && n < 251) return Buffer.concat([Buffer.from([n]), body]);
  const p = prefix ?? (n < 1 << 16 ? 0xfc : n < 1 << 24 ? 0xfd : 0xfe);
  const len = Buffer.alloc(p === 0xfc ? 2 : p === 0xfd ? 3 : 8);
  len.writeUIntLE(n, 0, Math.min(len.length, 6));
  return Buffer.concat([Buffer.from([p]), len, body]);
}

function decode(fields: ReturnType<typeof utf8>[], columns: Column[], row: Buffer): unknown[] {
  const decoder = compileTextRows(fields, columns);
  if (!decoder) throw new Error('no decoder');
  const out = new ChunkRowsWriter(16);
  decoder.write(row, 0, row.length, out.writer);
  out.endRow();
  return out.finish().row(0) as unknown[];
}

describe('compileTextRows', () => {
  const T = { LONG: 3, DOUBLE: 5, NULL: 6, LONGLONG: 8, YEAR: 13, VECTOR: 242, JSON: 245, NEWDECIMAL: 246, BLOB: 252, VAR_STRING: 253, GEOMETRY: 255 };

  it('reads every kind: integers, BIGINT exact or as text, DOUBLE, FLOAT as float32, text, JSON, bytes, NULL', () => {
    const fields = [
      utf8(T.LONG),
      utf8(T.LONGLONG),
      utf8(T.LONGLONG),
      utf8(T.DOUBLE),
      utf8(T.DOUBLE),
      utf8(T.NEWDECIMAL),
      utf8(T.VAR_STRING),
      utf8(T.JSON),
      binary(T.BLOB),
      binary(T.GEOMETRY),
      utf8(T.YEAR),
      utf8(T.LONG),
    ];
    const columns = [
      col('i', MysqlTypeCode.LONG),
      col('b', MysqlTypeCode.LONGLONG),
      col('bb', MysqlTypeCode.LONGLONG),
      col('d', MysqlTypeCode.DOUBLE),
      col('f', MysqlTypeCode.FLOAT),
      col('dec', MysqlTypeCode.NEWDECIMAL),
      col('s', MysqlTypeCode.VAR_STRING),
      col('j', MysqlTypeCode.JSON),
      col('bl', MysqlTypeCode.BLOB),
      col('g', MysqlTypeCode.GEOMETRY),
      col('y', MysqlTypeCode.YEAR),
      col('n', MysqlTypeCode.LONG),
    ];
    const row = Buffer.concat([
      lc('-2147483648'),
      lc('-9007199254740991'),
      lc('18446744073709551615'),
      lc('90.33333333333333'),
      lc('0.10000000149011612'),
      lc('-12.50'),
      lc('é😀 ascii'),
      lc('{"a": 1}'),
      lc(Buffer.from([0, 0xff, 0x80])),
      lc(Buffer.from([1, 2])),
      lc('2155'),
      lc(null),
    ]);
    const values = decode(fields, columns, row);
    expect(values).toEqual([
      -2147483648,
      -9007199254740991,
      '18446744073709551615',
      90.33333333333333,
      Math.fround(0.1),
      '-12.50',
      'é😀 ascii',
      '{"a": 1}',
      Buffer.from([0, 0xff, 0x80]),
      Buffer.from([1, 2]),
      2155,
      null,
    ]);
    expect(values[3]).toBe(271 / 3);
  });

  it('reads each length prefix: one byte, 0xfc, 0xfd and 0xfe', () => {
    const long = 'x'.repeat(70_000);
    const fields = [utf8(T.VAR_STRING), utf8(T.VAR_STRING), utf8(T.VAR_STRING), utf8(T.VAR_STRING)];
    const columns = fields.map((_, i) => col(`c${i}`, MysqlTypeCode.VAR_STRING));
    const values = decode(fields, columns, Buffer.concat([lc('a'), lc('bc', 0xfc), lc(long), lc('def', 0xfe)]));
    expect(values).toEqual(['a', 'bc', long, 'def']);
  });

  it('decodes text that is not UTF-8 as mysql2 does, with U+FFFD', () => {
    const values = decode([utf8(T.VAR_STRING)], [col('s', MysqlTypeCode.VAR_STRING)], lc(Buffer.from([0x61, 0xff, 0x62])));
    expect(values).toEqual([Buffer.from([0x61, 0xff, 0x62]).toString('utf8')]);
    expect(values[0]).toBe('a\ufffdb');
  });

  it('leaves VECTOR, the NULL type and charsets other than utf8mb4 and binary to mysql2', () => {
    const c = [col('x', MysqlTypeCode.VAR_STRING)];
    expect(compileTextRows([utf8(T.VECTOR)], c)).toBeNull();
    expect(compileTextRows([utf8(T.NULL)], c)).toBeNull();
    expect(compileTextRows([{ columnType: T.VAR_STRING, characterSet: 8, encoding: 'latin1' }], c)).toBeNull();
    expect(compileTextRows([utf8(T.VAR_STRING)], [])).toBeNull();
    expect(compileTextRows([utf8(T.VAR_STRING)], c)).not.toBeNull();
  });

  it('refuses a row that does not fit its columns, saying where', () => {
    const fields = [utf8(T.LONG), utf8(T.VAR_STRING)];
    const columns = [col('i', MysqlTypeCode.LONG), col('s', MysqlTypeCode.VAR_STRING)];
    const attempt = (row: Buffer) => () => decode(fields, columns, row);
    expect(attempt(lc('1'))).toThrow(new TextRowError('the row ends before column 2 of 2'));
    expect(attempt(Buffer.concat([lc('1'), lc('ab'), Buffer.from([0])]))).toThrow(new TextRowError("1 bytes follow the row's 2 columns"));
    expect(attempt(Buffer.concat([lc('1'), Buffer.from([5, 0x61])]))).toThrow(new TextRowError('column 2 of 2 claims 5 bytes, more than the row has left'));
    expect(attempt(Buffer.concat([lc('1x'), lc('a')]))).toThrow(new TextRowError('an integer column holds "1x"'));
    expect(attempt(Buffer.concat([Buffer.from([0xff]), lc('a')]))).toThrow(new TextRowError('column 1 of 2 has the length prefix 0xff'));
  });
});

describe('ChunkRows', () => {
  it('keeps images back to back, reads a row back, and picks rows by position', () => {
    const rows = ChunkRows.of([
      [1, 'a', null],
      [2, 'é', Buffer.from([7])],
      [3, '', 2.5],
    ]);
    expect(rows.length).toBe(3);
    expect(rows.row(1)).toEqual([2, 'é', Buffer.from([7])]);
    expect(rows.start(0)).toBe(0);
    expect(rows.end(2)).toBe(rows.byteLength);
    const picked = rows.pick([0, 2]);
    expect(picked.toArray()).toEqual([
      [1, 'a', null],
      [3, '', 2.5],
    ]);
    expect(rows.pick([0, 1, 2])).toBe(rows);
    expect(ChunkRows.empty.length).toBe(0);
    expect(ChunkRows.empty.toArray()).toEqual([]);
  });

  it('drops a row begun and abandoned', () => {
    const w = new ChunkRowsWriter(16);
    w.copy(ChunkRows.of([[1]]).buf, 0, ChunkRows.of([[1]]).byteLength);
    w.writer.u8(12);
    w.abandonRow();
    expect(w.count).toBe(1);
    expect(w.finish().toArray()).toEqual([[1]]);
  });
});
