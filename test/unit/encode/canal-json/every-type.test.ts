/**
 * One column per MySQL type family: value strings (formats.md §2.4), sqlType (§2.2 with DTS's
 * type-based unsigned promotion) and mysqlType (§2.3), and NULL for each.
 */
import { describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import type { Value } from '../../../../shared/record/index.ts';
import { column, row, table } from './build.ts';

const bytes = (...b: number[]) => new Uint8Array(b);
// A WKB point as MySQL stores it: SRID 0, little-endian POINT(1 2).
const point = Buffer.from('00000000010100000000000000000000f03f0000000000000040', 'hex');

/** [type text, value, expected string, expected sqlType] */
const cases: [string, Value, string, number][] = [
  ['tinyint(4)', -128, '-128', -6],
  ['tinyint(4)', 127, '127', -6],
  ['tinyint(3) unsigned', 255, '255', 5],
  ['smallint(6)', -32768, '-32768', 5],
  ['smallint(5) unsigned', 65535, '65535', 4],
  ['mediumint(9)', -8388608, '-8388608', 4],
  ['mediumint(8) unsigned', 16777215, '16777215', 4],
  ['int(11)', -2147483648, '-2147483648', 4],
  ['int(10) unsigned', 4294967295, '4294967295', -5],
  ['bigint(20)', '-9223372036854775808', '-9223372036854775808', -5],
  ['bigint(20)', '9223372036854775807', '9223372036854775807', -5],
  ['bigint(20)', 9007199254740991, '9007199254740991', -5],
  ['bigint(20) unsigned', '18446744073709551615', '18446744073709551615', 3],
  ['bigint(20) unsigned', 0, '0', 3],
  ['decimal(10,2)', '10.50', '10.50', 3],
  ['decimal(10,2)', '-0.01', '-0.01', 3],
  ['decimal(65,30)', '12345678901234567890123456789012345.123456789012345678901234567890', '12345678901234567890123456789012345.123456789012345678901234567890', 3],
  ['float', Math.fround(0.1), '0.1', 7],
  ['float', 1e10, '1.0E10', 7],
  ['float', Math.fround(3.4028235e38), '3.4028235E38', 7],
  ['float', -1.5, '-1.5', 7],
  ['double', 0.1, '0.1', 8],
  ['double', 1e-5, '1.0E-5', 8],
  ['double', 123456789012, '1.23456789012E11', 8],
  ['double', 100, '100.0', 8],
  ['bit(1)', bytes(1), '1', -7],
  ['bit(1)', bytes(0), '0', -7],
  ['bit(10)', bytes(0x02, 0x05), '517', -7],
  ['bit(64)', bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), '18446744073709551615', -7],
  ['bit(64)', bytes(0x80, 0, 0, 0, 0, 0, 0, 1), '9223372036854775809', -7],
  ['date', '2026-01-02', '2026-01-02', 91],
  ['date', '0000-00-00', '0000-00-00', 91],
  ['time', '-838:59:59', '-838:59:59', 92],
  ['time(6)', '-00:00:01.500000', '-00:00:01.500000', 92],
  ['datetime(6)', '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123456', 93],
  ['datetime(6)', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00.000000', 93],
  ['timestamp(3)', '2026-01-02 03:04:05.120', '2026-01-02 03:04:05.120', 93],
  ['timestamp(3)', '0000-00-00 00:00:00.000', '0000-00-00 00:00:00.000', 93],
  ['year', 0, '0000', 12],
  ['year', 2155, '2155', 12],
  ['year(4)', 1901, '1901', 12],
  ['char(10)', 'abc', 'abc', 1],
  ['char(10)', '中文', '中文', 1],
  ['varchar(50)', 'emoji 😀 and CJK 漢字', 'emoji 😀 and CJK 漢字', 12],
  ['varchar(50)', '', '', 12],
  ['tinytext', 'tiny', 'tiny', 2005],
  ['text', 'line\nbreak "quoted" \\ back', 'line\nbreak "quoted" \\ back', 2005],
  ['mediumtext', 'medium', 'medium', 2005],
  ['longtext', 'long 😀', 'long 😀', 2005],
  ['tinyblob', bytes(0x00, 0xff), '\u0000ÿ', 2004],
  ['blob', bytes(0x00, 0xff), '\u0000ÿ', 2004],
  ['mediumblob', bytes(0x41, 0x80, 0xc3, 0xa9), 'A\u0080Ã©', 2004],
  ['longblob', bytes(), '', 2004],
  ['binary(2)', bytes(0x00, 0xff), '\u0000ÿ', 2004],
  ['varbinary(4)', bytes(0x00, 0xff), '\u0000ÿ', 2004],
  ['json', '{"a": [1, "x", null]}', '{"a": [1, "x", null]}', 12],
  ["enum('small','large')", 'large', 'large', 4],
  ["set('a','b','c')", 'a,c', 'a,c', -7],
  ["set('a','b','c')", '', '', -7],
  ['geometry', point, point.toString('latin1'), 2004],
  ['point', point, point.toString('latin1'), 2004],
];

const schema = table(cases.map(([type], i) => column(`c${i}_${type.replace(/\W+/g, '_')}`, type)));
const names = schema.columns.map((c) => c.name);

function encodeRow(values: Value[]) {
  const text = encodeCanalJson(row('INSERT', schema, { after: values }), { nowMs: 1 }).toString('utf8');
  const message = JSON.parse(text) as {
    data: Record<string, string | null>[];
    sqlType: Record<string, number>;
    mysqlType: Record<string, string>;
  };
  return { text, message };
}

describe('every column type', () => {
  const { text, message } = encodeRow(cases.map(([, value]) => value));

  it.each(cases.map((c, i) => [names[i]!, ...c] as const))('%s', (name, type, _value, expected, sqlType) => {
    expect(message.data[0]![name]).toBe(expected);
    expect(message.sqlType[name]).toBe(sqlType);
    expect(message.mysqlType[name]).toBe(type);
  });

  it('keeps the column order in data, sqlType and mysqlType', () => {
    expect(Object.keys(message.data[0]!)).toEqual(names);
    expect(Object.keys(message.sqlType)).toEqual(names);
    expect(Object.keys(message.mysqlType)).toEqual(names);
  });

  it('writes binary bytes as ISO-8859-1 chars, escaped where JSON requires', () => {
    const blob = names[cases.findIndex(([type]) => type === 'blob')]!;
    expect(text).toContain(`"${blob}":"\\u0000ÿ"`);
    expect(Buffer.from(text, 'utf8').includes(Buffer.from([0x5c, 0x75, 0x30, 0x30, 0x30, 0x30, 0xc3, 0xbf]))).toBe(true);
  });

  it('writes NULL of every type as JSON null, with the same types', () => {
    const nulls = encodeRow(cases.map(() => null)).message;
    expect(nulls.data[0]).toEqual(Object.fromEntries(names.map((name) => [name, null])));
    expect(nulls.sqlType).toEqual(message.sqlType);
    expect(nulls.mysqlType).toEqual(message.mysqlType);
  });
});
