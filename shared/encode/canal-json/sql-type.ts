/**
 * A column's `sqlType` (java.sql.Types code) in a Canal JSON message: formats.md §2.2, with the
 * type-based unsigned promotion DTS documents ("unsigned int → Long, unsigned long → BigDecimal",
 * §2.7) instead of canal's per-value promotion, so every row of a table carries the same map.
 */
import { isBinaryCharset, MysqlTypeCode, type Column } from '../../record/index.ts';

/** java.sql.Types constants used by canal for MySQL columns. */
export const JavaSqlTypes = {
  BIT: -7,
  TINYINT: -6,
  BIGINT: -5,
  CHAR: 1,
  DECIMAL: 3,
  INTEGER: 4,
  SMALLINT: 5,
  REAL: 7,
  DOUBLE: 8,
  VARCHAR: 12,
  DATE: 91,
  TIME: 92,
  TIMESTAMP: 93,
  OTHER: 1111,
  BLOB: 2004,
  CLOB: 2005,
} as const;

const T = JavaSqlTypes;
const M = MysqlTypeCode;

/** Integer types whose code DTS promotes when the column is unsigned: [signed, unsigned]. */
const bySignedness = new Map<number, readonly [number, number]>([
  [M.TINY, [T.TINYINT, T.SMALLINT]],
  [M.SHORT, [T.SMALLINT, T.INTEGER]],
  [M.LONG, [T.INTEGER, T.BIGINT]],
  [M.LONGLONG, [T.BIGINT, T.DECIMAL]],
]);

/** Text types, whose binary twins (BINARY, VARBINARY, *BLOB) are BLOB whatever the type. */
const textTypes = new Map<number, number>([
  [M.STRING, T.CHAR],
  [M.VARCHAR, T.VARCHAR],
  [M.VAR_STRING, T.VARCHAR],
  [M.TINY_BLOB, T.CLOB],
  [M.BLOB, T.CLOB],
  [M.MEDIUM_BLOB, T.CLOB],
  [M.LONG_BLOB, T.CLOB],
]);

/** Every other type has one code; a type not listed is OTHER. */
const byType = new Map<number, number>([
  [M.INT24, T.INTEGER],
  [M.FLOAT, T.REAL],
  [M.DOUBLE, T.DOUBLE],
  [M.DECIMAL, T.DECIMAL],
  [M.NEWDECIMAL, T.DECIMAL],
  [M.BIT, T.BIT],
  [M.DATE, T.DATE],
  [M.TIME, T.TIME],
  [M.DATETIME, T.TIMESTAMP],
  [M.TIMESTAMP, T.TIMESTAMP],
  [M.YEAR, T.VARCHAR],
  [M.JSON, T.VARCHAR],
  [M.ENUM, T.INTEGER],
  [M.SET, T.BIT],
  [M.GEOMETRY, T.BLOB],
]);

export function sqlTypeOf(column: Column): number {
  const signedness = bySignedness.get(column.typeCode);
  if (signedness) return signedness[column.unsigned ? 1 : 0];
  const text = textTypes.get(column.typeCode);
  if (text !== undefined) return isBinaryCharset(column.charset) ? T.BLOB : text;
  return byType.get(column.typeCode) ?? T.OTHER;
}
