/**
 * mysql2's SELECT values → the same lossless `Value`s the binlog reader produces, so an INIT row
 * and an INSERT of the same row encode identically; for the results the lean decoder leaves to
 * mysql2 (text-rows.ts gives the same values itself). The connection options
 * (connection-options.ts) give exact strings for DECIMAL, dates and JSON; what is left is the binary protocol's shapes:
 * GEOMETRY and BIT as raw bytes (mysql2 would parse geometry), FLOAT as the float32 the binlog
 * holds (the text protocol prints the shortest decimal), BIGINT as a number when it is exact.
 */
import type { ConnectionOptions } from 'mysql2';

type TypeCast = Exclude<ConnectionOptions['typeCast'], boolean | undefined>;
import { MysqlTypeCode, type Value } from '../../record/index.ts';

export const snapshotTypeCast: TypeCast = (field, next) => {
  if (field.type === 'GEOMETRY' || field.type === 'BIT') return field.buffer();
  return next();
};

/**
 * The type cast a SELECT of these columns needs: only GEOMETRY does (BIT already arrives as bytes,
 * its charset being binary). Without one, mysql2 compiles a row parser that reads each value
 * directly; with one it calls the cast through a fresh closure for every value of every row.
 */
export function typeCastFor(columns: readonly { typeCode: number }[]): TypeCast | undefined {
  return columns.some((c) => c.typeCode === MysqlTypeCode.GEOMETRY) ? snapshotTypeCast : undefined;
}

type Normalize = (v: Value) => Value;

function normalizerFor(typeCode: number): Normalize | null {
  switch (typeCode) {
    case MysqlTypeCode.FLOAT:
      return (v) => (v === null ? null : Math.fround(Number(v)));
    case MysqlTypeCode.LONGLONG:
      return (v) => (typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v);
    case MysqlTypeCode.YEAR:
      return (v) => (v === null ? null : Number(v));
    default:
      return null;
  }
}

/** Converts a row in place (a fresh array from the driver) and returns it. */
export function rowNormalizer(columns: readonly { typeCode: number }[]): (row: Value[]) => Value[] {
  const fixes = columns.map((c) => normalizerFor(c.typeCode));
  return (row) => {
    for (let i = 0; i < row.length; i++) {
      const fix = fixes[i];
      if (fix) row[i] = fix(row[i]!);
    }
    return row;
  };
}
