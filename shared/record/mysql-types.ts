/**
 * The column type model: MySQL protocol type codes (include/mysql_com.h `enum_field_types`, the
 * numbers DTS publishes as `dataTypeNumber`) and the mapping from a column's declared type.
 */

export const MysqlTypeCode = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const byDataType: Record<string, number> = {
  tinyint: MysqlTypeCode.TINY,
  bool: MysqlTypeCode.TINY,
  boolean: MysqlTypeCode.TINY,
  smallint: MysqlTypeCode.SHORT,
  mediumint: MysqlTypeCode.INT24,
  int: MysqlTypeCode.LONG,
  integer: MysqlTypeCode.LONG,
  bigint: MysqlTypeCode.LONGLONG,
  float: MysqlTypeCode.FLOAT,
  double: MysqlTypeCode.DOUBLE,
  real: MysqlTypeCode.DOUBLE,
  decimal: MysqlTypeCode.NEWDECIMAL,
  numeric: MysqlTypeCode.NEWDECIMAL,
  date: MysqlTypeCode.DATE,
  time: MysqlTypeCode.TIME,
  datetime: MysqlTypeCode.DATETIME,
  timestamp: MysqlTypeCode.TIMESTAMP,
  year: MysqlTypeCode.YEAR,
  bit: MysqlTypeCode.BIT,
  char: MysqlTypeCode.STRING,
  binary: MysqlTypeCode.STRING,
  varchar: MysqlTypeCode.VAR_STRING,
  varbinary: MysqlTypeCode.VAR_STRING,
  tinytext: MysqlTypeCode.TINY_BLOB,
  tinyblob: MysqlTypeCode.TINY_BLOB,
  text: MysqlTypeCode.BLOB,
  blob: MysqlTypeCode.BLOB,
  mediumtext: MysqlTypeCode.MEDIUM_BLOB,
  mediumblob: MysqlTypeCode.MEDIUM_BLOB,
  longtext: MysqlTypeCode.LONG_BLOB,
  longblob: MysqlTypeCode.LONG_BLOB,
  json: MysqlTypeCode.JSON,
  enum: MysqlTypeCode.ENUM,
  set: MysqlTypeCode.SET,
  geometry: MysqlTypeCode.GEOMETRY,
  point: MysqlTypeCode.GEOMETRY,
  linestring: MysqlTypeCode.GEOMETRY,
  polygon: MysqlTypeCode.GEOMETRY,
  multipoint: MysqlTypeCode.GEOMETRY,
  multilinestring: MysqlTypeCode.GEOMETRY,
  multipolygon: MysqlTypeCode.GEOMETRY,
  geometrycollection: MysqlTypeCode.GEOMETRY,
  geomcollection: MysqlTypeCode.GEOMETRY,
};

/** The bare type name of a full type: `bigint(20) unsigned` → `bigint`. */
export function baseTypeName(fullType: string): string {
  const m = /^[a-z]+/i.exec(fullType.trim());
  return (m ? m[0] : fullType).toLowerCase();
}

/** The protocol type code for a declared type, or undefined for a type this model does not know. */
export function typeCodeOf(fullType: string): number | undefined {
  return byDataType[baseTypeName(fullType)];
}

/** Parenthesised arguments of a type: `decimal(10,2)` → ['10', '2']; `enum('a','b')` is not split. */
export function typeArguments(fullType: string): string[] {
  const m = /^[a-z]+\s*\(([^)]*)\)/i.exec(fullType.trim());
  return m?.[1] ? m[1].split(',').map((s) => s.trim()) : [];
}

/** Fractional-second digits of a temporal type: `datetime(6)` → 6, `time` → 0. */
export function fractionalDigits(fullType: string): number {
  const code = typeCodeOf(fullType);
  if (code !== MysqlTypeCode.DATETIME && code !== MysqlTypeCode.TIMESTAMP && code !== MysqlTypeCode.TIME) return 0;
  return Number(typeArguments(fullType)[0] ?? 0);
}

/** Text families whose values are strings decoded from a charset (as opposed to raw bytes). */
export function isBinaryCharset(charset: string | null): boolean {
  return charset === null || charset === 'binary';
}
