/**
 * One column per MySQL type family with edge values: `dataTypeNumber` (formats.md §1.4) and the
 * image member (§1.3), read back with both schemas; then NULL for each, and values of the wrong
 * kind.
 */
import { describe, expect, it } from 'vitest';
import { encodeDtsAvro } from '../../../../shared/encode/dts-avro/index.ts';
import { imageOf } from '../../../../shared/encode/dts-avro/value-image.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import type { Column, Value } from '../../../../shared/record/index.ts';
import { column, row, table } from './build.ts';
import { decodeBoth, img, plain } from './decode.ts';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const bytes = (...b: number[]) => Buffer.from(b);
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
// A point as MySQL stores it: SRID 0, then little-endian WKB POINT(1 2).
const point = hex('00000000 0101000000 000000000000f03f 0000000000000040');
const opts = { sourceVersion: '8.0.28' };

/** [type text, column options, value, dataTypeNumber, decoded image member] */
type Case = [string, Partial<Column>, Value, number, unknown];

const cases: Case[] = [
  // Integers: precision = storage bytes; values as exact decimal text, unsigned extremes included.
  ['tinyint(4)', {}, -128, 1, img.integer(1, '-128')],
  ['tinyint(4)', {}, 127, 1, img.integer(1, '127')],
  ['tinyint(3) unsigned', {}, 255, 1, img.integer(1, '255')],
  ['smallint(6)', {}, -32768, 2, img.integer(2, '-32768')],
  ['smallint(5) unsigned', {}, 65535, 2, img.integer(2, '65535')],
  ['mediumint(9)', {}, -8388608, 9, img.integer(3, '-8388608')],
  ['mediumint(8) unsigned', {}, 16777215, 9, img.integer(3, '16777215')],
  ['int(11)', {}, -2147483648, 3, img.integer(4, '-2147483648')],
  ['int(10) unsigned', {}, 4294967295, 3, img.integer(4, '4294967295')],
  ['bigint(20)', {}, '-9223372036854775808', 8, img.integer(8, '-9223372036854775808')],
  ['bigint(20)', {}, '9223372036854775807', 8, img.integer(8, '9223372036854775807')],
  ['bigint(20)', {}, 9007199254740991, 8, img.integer(8, '9007199254740991')],
  ['bigint(20) unsigned', {}, '18446744073709551615', 8, img.integer(8, '18446744073709551615')],
  ['bigint(20) unsigned', {}, 0, 8, img.integer(8, '0')],
  // DECIMAL: precision and scale of the value text, as Java BigDecimal has them.
  ['decimal(10,2)', {}, '348.00', 246, img.decimal('348.00', 5, 2)],
  ['decimal(10,2)', {}, '1050.00', 246, img.decimal('1050.00', 6, 2)],
  ['decimal(10,2)', {}, '-12.50', 246, img.decimal('-12.50', 4, 2)],
  ['decimal(10,2)', {}, '0.00', 246, img.decimal('0.00', 1, 2)],
  ['decimal(10,3)', {}, '0.001', 246, img.decimal('0.001', 1, 3)],
  ['decimal(10,4)', {}, '-0.0120', 246, img.decimal('-0.0120', 3, 4)],
  ['decimal(10,0)', {}, '0', 246, img.decimal('0', 1, 0)],
  ['decimal(10,0)', {}, '-9999999999', 246, img.decimal('-9999999999', 10, 0)],
  ['decimal(65,30)', {}, '12345678901234567890123456789012345.123456789012345678901234567890', 246, img.decimal('12345678901234567890123456789012345.123456789012345678901234567890', 65, 30)],
  // FLOAT / DOUBLE: the double; precision and scale are the declared M, D (0 when none).
  ['float', {}, Math.fround(0.1), 4, img.float(Math.fround(0.1), 0, 0)],
  ['float', {}, Math.fround(-3.4028235e38), 4, img.float(Math.fround(-3.4028235e38), 0, 0)],
  ['float(7,3)', {}, 1.5, 4, img.float(1.5, 7, 3)],
  ['double', {}, 0.1, 5, img.float(0.1, 0, 0)],
  ['double', {}, -1.7976931348623157e308, 5, img.float(-1.7976931348623157e308, 0, 0)],
  ['double', {}, 5e-324, 5, img.float(5e-324, 0, 0)],
  ['double(10,2)', {}, 123.45, 5, img.float(123.45, 10, 2)],
  // BIT: an Integer with the unsigned big-endian value; precision = bytes of BIT(M).
  ['bit(1)', {}, bytes(1), 16, img.integer(1, '1')],
  ['bit(1)', {}, bytes(0), 16, img.integer(1, '0')],
  ['bit(10)', {}, bytes(0x02, 0x05), 16, img.integer(2, '517')],
  ['bit(64)', {}, bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 16, img.integer(8, '18446744073709551615')],
  ['bit(64)', {}, bytes(0x80, 0, 0, 0, 0, 0, 0, 1), 16, img.integer(8, '9223372036854775809')],
  // TIMESTAMP: epoch seconds (UTC) and microseconds in `millis`; zero → 0, 0.
  ['timestamp(3)', {}, '2026-01-02 03:04:05.120', 7, img.timestamp(utc(2026, 1, 2, 3, 4, 5), 120000)],
  ['timestamp(3)', {}, '0000-00-00 00:00:00.000', 7, img.timestamp(0, 0)],
  ['timestamp', {}, '0000-00-00 00:00:00', 7, img.timestamp(0, 0)],
  ['timestamp', {}, '1970-01-01 00:00:01', 7, img.timestamp(1, 0)],
  ['timestamp(6)', {}, '2038-01-19 03:14:07.999999', 7, img.timestamp(2147483647, 999999)],
  // DATETIME: all seven parts, millis = microseconds (0 without a fraction); zero date as zeros.
  ['datetime', {}, '2026-01-02 03:04:05', 12, img.dateTime({ year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5, millis: 0 })],
  ['datetime(6)', {}, '2026-01-02 03:04:05.123456', 12, img.dateTime({ year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5, millis: 123456 })],
  ['datetime(3)', {}, '1000-01-01 00:00:00.001', 12, img.dateTime({ year: 1000, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 1000 })],
  ['datetime(6)', {}, '9999-12-31 23:59:59.999999', 12, img.dateTime({ year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, millis: 999999 })],
  ['datetime', {}, '0000-00-00 00:00:00', 12, img.dateTime({ year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millis: 0 })],
  // DATE: year, month, day; the rest null.
  ['date', {}, '2026-01-02', 10, img.dateTime({ year: 2026, month: 1, day: 2 })],
  ['date', {}, '0000-00-00', 10, img.dateTime({ year: 0, month: 0, day: 0 })],
  // TIME: hour (up to 838), minute, second, microseconds; a negative time signs every part.
  ['time', {}, '12:34:56', 11, img.dateTime({ hour: 12, minute: 34, second: 56, millis: 0 })],
  ['time', {}, '838:59:59', 11, img.dateTime({ hour: 838, minute: 59, second: 59, millis: 0 })],
  ['time', {}, '-838:59:59', 11, img.dateTime({ hour: -838, minute: -59, second: -59, millis: 0 })],
  ['time(6)', {}, '-01:30:00.500000', 11, img.dateTime({ hour: -1, minute: -30, second: 0, millis: -500000 })],
  ['time(6)', {}, '-00:00:01.500000', 11, img.dateTime({ hour: 0, minute: 0, second: -1, millis: -500000 })],
  ['time(3)', {}, '01:02:03.120', 11, img.dateTime({ hour: 1, minute: 2, second: 3, millis: 120000 })],
  // YEAR: the year only; the zero year is 0.
  ['year', {}, 0, 13, img.dateTime({ year: 0 })],
  ['year', {}, 1901, 13, img.dateTime({ year: 1901 })],
  ['year(4)', {}, 2155, 13, img.dateTime({ year: 2155 })],
  // CHAR / VARCHAR: bytes in the column charset, labelled with it.
  ['char(10)', {}, 'abc', 254, img.character('utf8mb4', Buffer.from('abc'))],
  ['char(10)', {}, '中文', 254, img.character('utf8mb4', hex('e4b8ad e69687'))],
  ['varchar(50)', {}, 'emoji 😀 漢字', 253, img.character('utf8mb4', hex('656d6f6a6920 f09f9880 20 e6bca2 e5ad97'))],
  ['varchar(50)', {}, '', 253, img.character('utf8mb4', Buffer.alloc(0))],
  ['varchar(50)', { charset: 'utf8mb3' }, 'é', 253, img.character('utf8mb3', hex('c3a9'))],
  ['varchar(50)', { charset: 'utf8' }, 'é', 253, img.character('utf8', hex('c3a9'))],
  // latin1 is MySQL's: cp1252 (€ is 0x80), its undefined bytes as C1 controls, `?` for the rest.
  ['varchar(50)', { charset: 'latin1' }, 'café € ÿ', 253, img.character('latin1', hex('636166e9 20 80 20 ff'))],
  ['varchar(50)', { charset: 'latin1' }, '\u0081\u009d 😀', 253, img.character('latin1', hex('81 9d 20 3f'))],
  ['char(10)', { charset: 'gbk' }, '中文', 254, img.character('gbk', hex('d6d0 cec4'))],
  ['char(10)', { charset: 'ucs2' }, 'a€', 254, img.character('ucs2', hex('0061 20ac'))],
  ['char(10)', { charset: 'utf16le' }, 'a', 254, img.character('utf16le', hex('6100'))],
  // Every single-byte charset by the server's own table, those iconv-lite lacks (dec8) included.
  ['char(10)', { charset: 'dec8' }, 'é', 254, img.character('dec8', hex('e9'))],
  ['char(10)', { charset: 'hebrew' }, '\u203e', 254, img.character('hebrew', hex('af'))],
  // No codec at all: UTF-8 bytes, labelled so.
  ['char(10)', { charset: 'no-such-charset' }, 'é', 254, img.character('utf8mb4', hex('c3a9'))],
  // Text the source could not decode arrives as bytes: written as they are, with the column charset.
  ['char(10)', { charset: 'dec8' }, bytes(0xe9), 254, img.character('dec8', hex('e9'))],
  // BINARY / VARBINARY: Character with charset `binary`.
  ['binary(2)', {}, bytes(0x00, 0xff), 254, img.character('binary', hex('00ff'))],
  ['varbinary(4)', {}, bytes(0x00, 0xff), 253, img.character('binary', hex('00ff'))],
  ['varbinary(4)', {}, bytes(), 253, img.character('binary', Buffer.alloc(0))],
  // BLOB family: BinaryObject 'BLOB'.
  ['tinyblob', {}, bytes(0x00, 0xff), 249, img.binaryObject('BLOB', hex('00ff'))],
  ['mediumblob', {}, bytes(0x00, 0xff), 250, img.binaryObject('BLOB', hex('00ff'))],
  ['longblob', {}, bytes(0x00, 0xff), 251, img.binaryObject('BLOB', hex('00ff'))],
  ['blob', {}, bytes(0x00, 0xff), 252, img.binaryObject('BLOB', hex('00ff'))],
  ['blob', {}, Buffer.alloc(300, 0xab), 252, img.binaryObject('BLOB', Buffer.alloc(300, 0xab))],
  // TEXT family (a BLOB type code with a text charset): TextObject 'TEXT'.
  ['tinytext', {}, 'tiny', 249, img.textObject('TEXT', 'tiny')],
  ['mediumtext', {}, 'medium', 250, img.textObject('TEXT', 'medium')],
  ['longtext', {}, 'long 😀', 251, img.textObject('TEXT', 'long 😀')],
  ['text', {}, 'line\nbreak "quoted" \\ 漢字', 252, img.textObject('TEXT', 'line\nbreak "quoted" \\ 漢字')],
  ['text', { charset: 'latin1' }, 'café €', 252, img.textObject('TEXT', 'café €')],
  ['text', {}, 'x'.repeat(1000), 252, img.textObject('TEXT', 'x'.repeat(1000))],
  // JSON / ENUM / SET: TextObject with the type's name.
  ['json', {}, '{"a": [1, 2.5, "ü"]}', 245, img.textObject('JSON', '{"a": [1, 2.5, "ü"]}')],
  ["enum('a','b')", {}, 'b', 247, img.textObject('ENUM', 'b')],
  ["set('x','y')", {}, 'x,y', 248, img.textObject('SET', 'x,y')],
  ["set('x','y')", {}, '', 248, img.textObject('SET', '')],
  // Spatial types: BinaryGeometry with the stored bytes.
  ['geometry', {}, point, 255, img.binaryGeometry('GEOMETRY', point)],
  ['point', {}, point, 255, img.binaryGeometry('GEOMETRY', point)],
];

function encodeOne(type: string, options: Partial<Column>, value: Value) {
  const schema = table([column('c', type, options)]);
  return decodeBoth(encodeDtsAvro(row('INSERT', schema, { after: [value] }), opts));
}

describe('each column type', () => {
  it.each(cases)('%s %o: %j', (type, options, value, dataTypeNumber, member) => {
    const decoded = encodeOne(type, options, value);
    expect(decoded.fields).toEqual({ array: [{ name: 'c', dataTypeNumber }] });
    expect(plain(decoded.afterImages)).toEqual({ array: [member] });
  });

  const types = [...new Map(cases.map(([type, options, , dataTypeNumber]) => [type + JSON.stringify(options), [type, options, dataTypeNumber] as const])).values()];

  it.each(types)('%s %o: NULL is the null branch', (type, options, dataTypeNumber) => {
    const decoded = encodeOne(type, options, null);
    expect(decoded.fields).toEqual({ array: [{ name: 'c', dataTypeNumber }] });
    expect(decoded.afterImages).toEqual({ array: [null] });
  });

  it('keeps every column in place in one wide row, NULLs included', () => {
    const schema = table(cases.map(([type, options], i) => column(`c${i}`, type, options)));
    const after = cases.map(([, , value]) => value);
    const before = cases.map(() => null);
    const decoded = decodeBoth(encodeDtsAvro(row('UPDATE', schema, { before, after }), opts));
    expect(decoded.fields).toEqual({ array: cases.map(([, , , dataTypeNumber], i) => ({ name: `c${i}`, dataTypeNumber })) });
    expect(plain(decoded.afterImages)).toEqual({ array: cases.map(([, , , , member]) => member) });
    expect(decoded.beforeImages).toEqual({ array: before });
  });
});

describe('values the model does not allow', () => {
  const bad: [string, Value][] = [
    ['int(11)', new Uint8Array([1])],
    ['decimal(10,2)', new Uint8Array([1])],
    ['double', new Uint8Array([1])],
    ['datetime', '2026-01-02'],
    ['datetime(6)', '2026-01-02 03:04:05.1234567'],
    ['timestamp', 1767225600],
    ['date', '2026-1-2'],
    ['time', '12:34'],
    ['time', '1234:00:00'],
    ['year', 'nineteen'],
    ['varchar(10)', 5],
    ['json', 5],
    ['blob', 5],
  ];

  it.each(bad)('%s rejects %j with an InvariantError naming the column', (type, value) => {
    const image = imageOf(column('c', type));
    expect(() => image(value)).toThrow(InvariantError);
    expect(() => image(value)).toThrow(/column c \(/);
  });

  it('rejects a type code DTS Avro has no image for', () => {
    expect(() => imageOf({ ...column('c', 'int'), typeCode: 6 })).toThrow(InvariantError);
  });
});
