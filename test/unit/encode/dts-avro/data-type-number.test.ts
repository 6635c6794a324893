/** `dataTypeNumber` per declared column type (formats.md §1.4, "What DTS actually emits"). */
import { describe, expect, it } from 'vitest';
import { dataTypeNumberOf } from '../../../../shared/encode/dts-avro/data-type-number.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import { MysqlTypeCode } from '../../../../shared/record/index.ts';
import { column } from './build.ts';

describe('dataTypeNumberOf', () => {
  it.each([
    ['tinyint(1)', 1],
    ['bool', 1],
    ['smallint', 2],
    ['mediumint', 9],
    ['int', 3],
    ['integer', 3],
    ['bigint unsigned', 8],
    ['float', 4],
    ['double', 5],
    ['real', 5],
    ['decimal(10,2)', 246],
    ['numeric(5)', 246],
    ['timestamp(6)', 7],
    ['datetime', 12],
    ['date', 10],
    ['time(3)', 11],
    ['year', 13],
    ['bit(8)', 16],
    ['varchar(10)', 253],
    ['varbinary(10)', 253],
    ['char(1)', 254],
    ['binary(16)', 254],
    ['tinyblob', 249],
    ['tinytext', 249],
    ['mediumblob', 250],
    ['mediumtext', 250],
    ['longblob', 251],
    ['longtext', 251],
    ['blob', 252],
    ['text', 252],
    ['json', 245],
    ["enum('a')", 247],
    ["set('a')", 248],
    ['geometry', 255],
    ['point', 255],
    ['linestring', 255],
    ['polygon', 255],
    ['multipoint', 255],
    ['multilinestring', 255],
    ['multipolygon', 255],
    ['geometrycollection', 255],
  ] as const)('%s → %i', (type, number) => {
    expect(dataTypeNumberOf(column('c', type))).toBe(number);
  });

  it('writes the legacy codes as what DTS emits', () => {
    expect(dataTypeNumberOf({ name: 'c', typeCode: MysqlTypeCode.DECIMAL })).toBe(246);
    expect(dataTypeNumberOf({ name: 'c', typeCode: MysqlTypeCode.VARCHAR })).toBe(253);
  });

  it('rejects codes that are no column type', () => {
    expect(() => dataTypeNumberOf({ name: 'c', typeCode: MysqlTypeCode.NULL })).toThrow(InvariantError);
    expect(() => dataTypeNumberOf({ name: 'c', typeCode: 17 })).toThrow(InvariantError);
  });
});
