/**
 * A column's `dataTypeNumber` in `Record.fields` (formats.md §1.4, table "What DTS actually
 * emits"): the MySQL protocol type code, as DTS uses it, never the binlog storage codes.
 *   TINYINT 1, SMALLINT 2, MEDIUMINT 9, INT 3, BIGINT 8, FLOAT 4, DOUBLE 5, DECIMAL 246,
 *   TIMESTAMP 7, DATETIME 12, DATE 10, TIME 11, YEAR 13, BIT 16, VARCHAR/VARBINARY 253,
 *   CHAR/BINARY 254, TINYBLOB/TINYTEXT 249, MEDIUMBLOB/MEDIUMTEXT 250, LONGBLOB/LONGTEXT 251,
 *   BLOB/TEXT 252, JSON 245, ENUM 247, SET 248, GEOMETRY (every spatial type) 255.
 * The legacy codes DECIMAL 0 and VARCHAR 15 are written as what DTS emits for those columns
 * (246 and 253).
 */
import { InvariantError } from '../../../../../shared/errors.ts';
import { MysqlTypeCode, type Column } from '../../../../../shared/record/index.ts';

const T = MysqlTypeCode;

const byTypeCode: ReadonlyMap<number, number> = new Map([
  [T.TINY, 1],
  [T.SHORT, 2],
  [T.INT24, 9],
  [T.LONG, 3],
  [T.LONGLONG, 8],
  [T.FLOAT, 4],
  [T.DOUBLE, 5],
  [T.DECIMAL, 246],
  [T.NEWDECIMAL, 246],
  [T.TIMESTAMP, 7],
  [T.DATETIME, 12],
  [T.DATE, 10],
  [T.TIME, 11],
  [T.YEAR, 13],
  [T.BIT, 16],
  [T.VARCHAR, 253],
  [T.VAR_STRING, 253],
  [T.STRING, 254],
  [T.TINY_BLOB, 249],
  [T.MEDIUM_BLOB, 250],
  [T.LONG_BLOB, 251],
  [T.BLOB, 252],
  [T.JSON, 245],
  [T.ENUM, 247],
  [T.SET, 248],
  [T.GEOMETRY, 255],
]);

export function dataTypeNumberOf(column: Pick<Column, 'name' | 'typeCode'>): number {
  const number = byTypeCode.get(column.typeCode);
  if (number === undefined) {
    throw new InvariantError(`column ${column.name} has type code ${column.typeCode}, which no DTS Avro dataTypeNumber stands for`);
  }
  return number;
}
