/**
 * MySQL column types (as information_schema spells them on MariaDB and MySQL 8) → MaxCompute 2.0
 * types, and every family's edge values → the exact tunnel values (the rows of test/helpers/type-rows.ts).
 */
import { describe, expect, it } from 'vitest';
import { columnMappingOf, odpsTypeOf, UnsupportedColumnTypeError, type CellValue } from '../../../../shared/encode/maxcompute/index.ts';
import { CellRejection } from '../../../../shared/encode/maxcompute/rejected-cell.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import { MysqlTypeCode, type Column } from '../../../../shared/record/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const schema = table([], { database: 'shop', table: 'orders' });

function convert(type: string, value: CellValue): unknown {
  return columnMappingOf(schema, column('c', type)).convert(value);
}

describe('odpsTypeOf: the type mapping table', () => {
  it.each([
    ['tinyint(4)', 'TINYINT'],
    ['tinyint(1)', 'TINYINT'],
    ['tinyint(3) unsigned', 'SMALLINT'],
    ['tinyint unsigned', 'SMALLINT'],
    ['smallint(6)', 'SMALLINT'],
    ['smallint(5) unsigned', 'INT'],
    ['mediumint(9)', 'INT'],
    ['mediumint(8) unsigned', 'INT'],
    ['int(11)', 'INT'],
    ['int', 'INT'],
    ['int(10) unsigned', 'BIGINT'],
    ['int unsigned', 'BIGINT'],
    ['int(10) unsigned zerofill', 'BIGINT'],
    ['bigint(20)', 'BIGINT'],
    ['bigint(20) unsigned', 'DECIMAL(20,0)'],
    ['bigint unsigned', 'DECIMAL(20,0)'],
    ['decimal(10,2)', 'DECIMAL(10,2)'],
    ['decimal(10,0)', 'DECIMAL(10,0)'],
    ['decimal(38,18)', 'DECIMAL(38,18)'],
    ['decimal(10,2) unsigned', 'DECIMAL(10,2)'],
    ['decimal(39,0)', 'STRING'],
    ['decimal(38,19)', 'STRING'],
    ['decimal(65,30)', 'STRING'],
    ['float', 'FLOAT'],
    ['float(10,2)', 'FLOAT'],
    ['double', 'DOUBLE'],
    ['double(10,2)', 'DOUBLE'],
    ['bit(1)', 'BIGINT'],
    ['bit(63)', 'BIGINT'],
    ['bit(64)', 'DECIMAL(20,0)'],
    ['year(4)', 'INT'],
    ['year', 'INT'],
    ['date', 'DATE'],
    ['datetime', 'DATETIME'],
    ['datetime(3)', 'DATETIME'],
    ['datetime(4)', 'TIMESTAMP'],
    ['datetime(6)', 'TIMESTAMP'],
    ['timestamp', 'DATETIME'],
    ['timestamp(3)', 'DATETIME'],
    ['timestamp(6)', 'TIMESTAMP'],
    ['time', 'STRING'],
    ['time(6)', 'STRING'],
    ['char(10)', 'STRING'],
    ['varchar(20)', 'STRING'],
    ['tinytext', 'STRING'],
    ['text', 'STRING'],
    ['mediumtext', 'STRING'],
    ['longtext', 'STRING'],
    ["enum('a','b','ç')", 'STRING'],
    ["set('x','y','z')", 'STRING'],
    ['json', 'STRING'],
    ['binary(4)', 'BINARY'],
    ['varbinary(10)', 'BINARY'],
    ['tinyblob', 'BINARY'],
    ['blob', 'BINARY'],
    ['mediumblob', 'BINARY'],
    ['longblob', 'BINARY'],
    ['geometry', 'BINARY'],
    ['point', 'BINARY'],
    ['linestring', 'BINARY'],
    ['polygon', 'BINARY'],
    ['multipoint', 'BINARY'],
    ['multilinestring', 'BINARY'],
    ['multipolygon', 'BINARY'],
    ['geometrycollection', 'BINARY'],
    ['geomcollection', 'BINARY'],
  ])('%s → %s', (type, odps) => expect(odpsTypeOf(column('c', type))).toBe(odps));

  // Types the record model has no code for (the source falls back to VAR_STRING for them).
  const unknown = (type: string): Column => ({ name: 'u', type, typeCode: MysqlTypeCode.VAR_STRING, unsigned: false, charset: null, nullable: true, key: false });

  it.each(['uuid', 'inet6', 'inet4', 'vector(3)'])('%s has no mapping: undefined, and columnMappingOf names table, column and type', (type) => {
    expect(odpsTypeOf(unknown(type))).toBeUndefined();
    let error: unknown;
    try {
      columnMappingOf(schema, unknown(type));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnsupportedColumnTypeError);
    const e = error as UnsupportedColumnTypeError;
    expect(e.message).toBe(
      `column u of shop.orders has type ${type}, which the MaxCompute destination does not map; remove the table from the task (objects) or change the column to a supported type (see the type mapping in docs/maxcompute.md)`,
    );
    expect(e).toMatchObject({ code: 'DTS_MAXCOMPUTE_COLUMN_TYPE', retriable: false, context: { database: 'shop', table: 'orders', column: 'u', type } });
  });
});

describe('values: integers', () => {
  it.each([
    ['tinyint(4)', -128, -128],
    ['tinyint(4)', 127, 127],
    ['tinyint(3) unsigned', 255, 255],
    ['smallint(6)', -32768, -32768],
    ['smallint(5) unsigned', 65535, 65535],
    ['mediumint(9)', -8388608, -8388608],
    ['mediumint(8) unsigned', 16777215, 16777215],
    ['int(11)', -2147483648, -2147483648],
    ['int(10) unsigned', 4294967295, 4294967295],
    ['bigint(20)', 9007199254740991, 9007199254740991],
    ['bigint(20)', -5, -5],
    ['bigint(20)', '9223372036854775807', 9223372036854775807n],
    ['bigint(20)', '-9223372036854775807', -9223372036854775807n],
    ['bigint(20)', '9007199254740993', 9007199254740993n],
    ['bigint(20) unsigned', '18446744073709551615', '18446744073709551615'],
    ['bigint(20) unsigned', 0, '0'],
    ['bigint(20) unsigned', 9007199254740991, '9007199254740991'],
    ['year(4)', 0, 0],
    ['year(4)', 2155, 2155],
    ['year(4)', 1901, 1901],
  ])('%s %s → %s', (type, value, expected) => expect(convert(type, value)).toStrictEqual(expected));

  it('BIGINT -2^63 is refused (MaxCompute BIGINT stops at -2^63+1), naming the column, not the value', () => {
    let thrown: unknown;
    try {
      convert('bigint(20)', '-9223372036854775808');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CellRejection);
    expect((thrown as CellRejection).cell).toEqual({ reason: 'out-of-range', column: 'c', type: 'BIGINT', detail: 'MaxCompute BIGINT holds -2^63+1 … 2^63-1 and this row holds -2^63' });
  });
});

describe('values: DECIMAL, FLOAT, DOUBLE, BIT', () => {
  it.each([
    ['decimal(10,2)', '-12.30', '-12.30'],
    ['decimal(10,2)', '0.00', '0.00'],
    ['decimal(38,18)', '99999999999999999999.999999999999999999', '99999999999999999999.999999999999999999'],
    ['decimal(65,30)', '-12345678901234567890123456789012345.123456789012345678901234567890', '-12345678901234567890123456789012345.123456789012345678901234567890'],
    ['decimal(65,30)', '0.000000000000000000000000000001', '0.000000000000000000000000000001'],
  ])('%s %s → the same text', (type, value, expected) => expect(convert(type, value)).toBe(expected));

  it('FLOAT and DOUBLE numbers pass as they are, extremes included', () => {
    expect(convert('float', 3.4028234663852886e38)).toBe(3.4028234663852886e38);
    expect(convert('float', Math.fround(0.1))).toBe(Math.fround(0.1));
    expect(convert('double', -1.7976931348623157e308)).toBe(-1.7976931348623157e308);
    expect(convert('double', 5e-324)).toBe(5e-324);
    expect(Object.is(convert('double', -0), -0)).toBe(true);
  });

  it.each([
    ['bit(1)', [1], 1],
    ['bit(1)', [0], 0],
    ['bit(10)', [0x02, 0x01], 513],
    ['bit(48)', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 281474976710655],
    ['bit(56)', [0x01, 0, 0, 0, 0, 0, 0x01], 281474976710657n],
    ['bit(63)', [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 9223372036854775807n],
    ['bit(64)', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '18446744073709551615'],
    ['bit(64)', [0, 0, 0, 0, 0, 0, 0, 5], '5'],
  ])('%s %s → %s (big-endian unsigned)', (type, bytes, expected) => expect(convert(type, Uint8Array.from(bytes))).toStrictEqual(expected));
});

describe('values: temporal', () => {
  it.each([
    ['date', '2026-01-09', 20462],
    ['date', '1000-01-01', -354285],
    ['date', '0000-00-00', null],
    ['date', '2024-00-10', null],
    ['datetime', '2026-01-02 03:04:05', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['datetime', '0000-00-00 00:00:00', null],
    ['datetime(3)', '2026-01-02 03:04:05.678', Date.UTC(2026, 0, 2, 3, 4, 5, 678)],
    ['timestamp(3)', '2038-01-19 03:14:07.999', 2_147_483_647_999],
    ['timestamp', '1970-01-01 00:00:01', 1000],
    ['datetime(6)', '9999-12-31 23:59:59.999999', { seconds: 253_402_300_799n, nanos: 999_999_000 }],
    ['datetime(6)', '2026-01-02 03:04:05.000001', { seconds: 1_767_323_045n, nanos: 1000 }],
    ['timestamp(6)', '2026-01-02 03:04:05.123456', { seconds: 1_767_323_045n, nanos: 123_456_000 }],
    ['datetime(4)', '2026-01-02 03:04:05.1234', { seconds: 1_767_323_045n, nanos: 123_400_000 }],
    ['timestamp(6)', '0000-00-00 00:00:00.000000', null],
    ['time', '838:59:59', '838:59:59'],
    ['time(6)', '-838:59:59.000000', '-838:59:59.000000'],
    ['time(6)', '-00:00:00.000001', '-00:00:00.000001'],
  ])('%s %s → %o', (type, value, expected) => expect(convert(type, value)).toStrictEqual(expected));

  it('a temporal text the source should never produce is a bug naming the column, not a NULL', () => {
    expect(() => convert('datetime(6)', '2026-01-02')).toThrow(InvariantError);
    expect(() => convert('date', '2026-01-02 00:00:00')).toThrow('a value of column c of shop.orders (date) is not in the form YYYY-MM-DD (this is a bug, please report it)');
  });
});

describe('values: text and bytes', () => {
  it.each([
    ['varchar(20)', '😀中文é'],
    ['varchar(20)', ''],
    ['char(10)', 'ab'],
    ['text', '多字节 text'],
    ["enum('a','b','ç')", 'ç'],
    ["set('x','y','z')", 'x,z'],
    ["set('x','y','z')", ''],
    ['json', '{"k": [1, 2.5, "x", null]}'],
    ['longtext', '{"k": 1}'],
  ])('%s %j → the same string', (type, value) => expect(convert(type, value)).toBe(value));

  it.each([
    ['binary(4)', [0x00, 0xff, 0x00, 0x01]],
    ['varbinary(10)', []],
    ['blob', [0x00, 0xff, 0x00]],
    ['geometry', [0xe6, 0x10, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40]],
  ])('%s %j → the same bytes', (type, bytes) => {
    const value = Uint8Array.from(bytes);
    const out = convert(type, value);
    expect(out).toBeInstanceOf(Uint8Array);
    expect([...(out as Uint8Array)]).toEqual(bytes);
  });

  it('bytes in a text column are a bug, not "1,2,3"', () => {
    expect(() => convert('varchar(20)', Uint8Array.from([1, 2, 3]))).toThrow('a value of column c of shop.orders (varchar(20)) is bytes, not the decoded text (this is a bug, please report it)');
  });
});

describe('the 8 MiB cell limit', () => {
  const limit = 8 * 1024 * 1024;

  function rejection(type: string, value: CellValue): unknown {
    try {
      convert(type, value);
    } catch (err) {
      if (err instanceof CellRejection) return err.cell;
      throw err;
    }
    return 'accepted';
  }

  it('text is measured in UTF-8 bytes: exactly 8 MiB passes, one byte more does not', () => {
    expect(rejection('longtext', 'a'.repeat(limit))).toBe('accepted');
    expect(rejection('longtext', 'a'.repeat(limit + 1))).toEqual({ reason: 'too-large', column: 'c', bytes: limit + 1, limit });
    // 2 796 203 three-byte characters: fewer UTF-16 units than the limit, more bytes.
    expect(rejection('longtext', '中'.repeat(2_796_203))).toEqual({ reason: 'too-large', column: 'c', bytes: 8_388_609, limit });
    expect(rejection('longtext', '中'.repeat(2_796_202))).toBe('accepted');
  });

  it('bytes: exactly 8 MiB passes, one more does not', () => {
    expect(rejection('longblob', new Uint8Array(limit))).toBe('accepted');
    expect(rejection('longblob', new Uint8Array(limit + 1))).toEqual({ reason: 'too-large', column: 'c', bytes: limit + 1, limit });
  });
});
