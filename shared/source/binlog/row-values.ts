/**
 * zongji row objects → lossless `Row` arrays in the schema's column order. zongji already yields
 * the lossless forms (see record/types.ts `Value`) given the connection options in
 * `connection-options.ts`; what is left is ordering, and three repairs:
 * - YEAR, which zongji offsets by 1900 even for the zero year (stored as 0, a value no other YEAR
 *   can take since YEAR starts at 1901);
 * - ENUM's error value: index 0, stored for a bad value in non-strict mode, reads back as `''`,
 *   but zongji looks up member 0 - 1 and yields undefined (a column absent from the image is null);
 * - text in single-byte charsets, which zongji hands over as one character per byte
 *   (single-byte-text.ts) and which is decoded here by MySQL's own table;
 * - MySQL 8's binary JSON, which zongji hands over as stored (json-column.ts) and which is printed
 *   here as the server prints it.
 * The lean row decoder (rows/row-plan.ts) makes the same repairs on its own values: a change here
 * goes there too (test/integration/lean-rows-equivalence.test.ts compares the two).
 */
import { MysqlTypeCode, perSchema, type Row, type TableSchema, type Value } from '../../record/index.ts';
// zongji's charsets of the text columns after a GEOMETRY on MariaDB, repaired before any row is read.
import './geometry-charsets.ts';
import { jsonColumnText } from './json-column.ts';
import { singleByteTextDecoders } from './single-byte-text.ts';

export type RowConverter = (row: Record<string, unknown>) => { row: Row; bytes: number };

export const rowConverter: (schema: TableSchema) => RowConverter = perSchema((schema) => {
  const names = schema.columns.map((c) => c.name);
  const isYear = schema.columns.map((c) => c.typeCode === MysqlTypeCode.YEAR);
  const isEnum = schema.columns.map((c) => c.typeCode === MysqlTypeCode.ENUM);
  const isJson = schema.columns.map((c) => c.typeCode === MysqlTypeCode.JSON);
  const decoders = singleByteTextDecoders(schema);
  const n = names.length;
  return (source) => {
    const row: Value[] = new Array(n);
    let bytes = 8 * n;
    for (let i = 0; i < n; i++) {
      let v = source[names[i]!] as Value | undefined;
      if (v === undefined) v = isEnum[i] && names[i]! in source ? '' : null;
      else if (typeof v === 'string') {
        const decode = decoders[i];
        if (decode) v = decode(v);
        bytes += v.length;
      } else if (typeof v === 'object' && v !== null) {
        bytes += v.byteLength;
        if (isJson[i]) v = jsonColumnText(v);
      } else if (v === 1900 && isYear[i]) v = 0;
      row[i] = v;
    }
    return { row, bytes };
  };
});
