/**
 * zongji row objects → lossless `Row` arrays in the schema's column order. zongji already yields
 * the lossless forms (see record/types.ts `Value`) given the connection options in
 * `connection-options.ts`; what is left is ordering, and YEAR, which zongji offsets by 1900 even
 * for the zero year (stored as 0, a value no other YEAR can take since YEAR starts at 1901).
 */
import { MysqlTypeCode, perSchema, type Row, type TableSchema, type Value } from '../../record/index.ts';

export type RowConverter = (row: Record<string, unknown>) => { row: Row; bytes: number };

export const rowConverter: (schema: TableSchema) => RowConverter = perSchema((schema) => {
  const names = schema.columns.map((c) => c.name);
  const isYear = schema.columns.map((c) => c.typeCode === MysqlTypeCode.YEAR);
  const n = names.length;
  return (source) => {
    const row: Value[] = new Array(n);
    let bytes = 8 * n;
    for (let i = 0; i < n; i++) {
      let v = source[names[i]!] as Value | undefined;
      if (v === undefined) v = null;
      else if (typeof v === 'string') bytes += v.length;
      else if (typeof v === 'object' && v !== null) bytes += v.byteLength;
      else if (v === 1900 && isYear[i]) v = 0;
      row[i] = v;
    }
    return { row, bytes };
  };
});
