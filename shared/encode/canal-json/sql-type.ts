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

export function sqlTypeOf(column: Column): number {
  const binary = isBinaryCharset(column.charset);
  switch (column.typeCode) {
    case MysqlTypeCode.TINY:
      return column.unsigned ? T.SMALLINT : T.TINYINT;
    case MysqlTypeCode.SHORT:
      return column.unsigned ? T.INTEGER : T.SMALLINT;
    case MysqlTypeCode.INT24:
      return T.INTEGER;
    case MysqlTypeCode.LONG:
      return column.unsigned ? T.BIGINT : T.INTEGER;
    case MysqlTypeCode.LONGLONG:
      return column.unsigned ? T.DECIMAL : T.BIGINT;
    case MysqlTypeCode.FLOAT:
      return T.REAL;
    case MysqlTypeCode.DOUBLE:
      return T.DOUBLE;
    case MysqlTypeCode.DECIMAL:
    case MysqlTypeCode.NEWDECIMAL:
      return T.DECIMAL;
    case MysqlTypeCode.BIT:
      return T.BIT;
    case MysqlTypeCode.DATE:
      return T.DATE;
    case MysqlTypeCode.TIME:
      return T.TIME;
    case MysqlTypeCode.DATETIME:
    case MysqlTypeCode.TIMESTAMP:
      return T.TIMESTAMP;
    case MysqlTypeCode.YEAR:
      return T.VARCHAR;
    case MysqlTypeCode.STRING:
      return binary ? T.BLOB : T.CHAR; // CHAR / BINARY
    case MysqlTypeCode.VARCHAR:
    case MysqlTypeCode.VAR_STRING:
      return binary ? T.BLOB : T.VARCHAR; // VARCHAR / VARBINARY
    case MysqlTypeCode.TINY_BLOB:
    case MysqlTypeCode.BLOB:
    case MysqlTypeCode.MEDIUM_BLOB:
    case MysqlTypeCode.LONG_BLOB:
      return binary ? T.BLOB : T.CLOB; // *BLOB / *TEXT
    case MysqlTypeCode.JSON:
      return T.VARCHAR;
    case MysqlTypeCode.ENUM:
      return T.INTEGER;
    case MysqlTypeCode.SET:
      return T.BIT;
    case MysqlTypeCode.GEOMETRY:
      return T.BLOB;
    default:
      return T.OTHER;
  }
}
