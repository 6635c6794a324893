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
 * The lean row decoder (rows/row-plan.ts) makes the same repairs on its own values through
 * valueRepairs/repairedValue below (test/integration/lean-rows-equivalence.test.ts compares the two).
 */
import { MysqlTypeCode, perSchema, type Row, type TableSchema, type Value } from '../../record/index.ts';
// zongji's charsets of the text columns after a GEOMETRY on MariaDB, repaired before any row is read.
import './geometry-charsets.ts';
import { jsonColumnText } from './json-column.ts';
import { singleByteTextDecoders, type TextDecoderStep } from './single-byte-text.ts';

export type RowConverter = (row: Record<string, unknown>) => { row: Row; bytes: number };

/** Per schema column, what the repairs above need to know; both decoders compile it once per table. */
export interface ValueRepairs {
  readonly isYear: readonly boolean[];
  readonly isEnum: readonly boolean[];
  readonly isJson: readonly boolean[];
  /** Single-byte text decoders; the lean decoder clears the entries of columns it decodes itself. */
  readonly decoders: TextDecoderStep[];
}

export function valueRepairs(schema: TableSchema): ValueRepairs {
  return {
    isYear: schema.columns.map((c) => c.typeCode === MysqlTypeCode.YEAR),
    isEnum: schema.columns.map((c) => c.typeCode === MysqlTypeCode.ENUM),
    isJson: schema.columns.map((c) => c.typeCode === MysqlTypeCode.JSON),
    decoders: singleByteTextDecoders(schema),
  };
}

/** Column `i`'s value as read (not absent, not null), `read` as zongji's value reading leaves it, after the repairs. */
export function repairedValue(r: ValueRepairs, i: number, read: Value): Value {
  if (typeof read === 'string') {
    const decode = r.decoders[i];
    return decode ? decode(read) : read;
  }
  if (typeof read === 'object' && read !== null) return r.isJson[i] ? jsonColumnText(read) : read;
  return read === 1900 && r.isYear[i] ? 0 : read;
}

/** What a value adds to the size estimate: text its characters once decoded, bytes and JSON their stored bytes. */
export function estimatedBytes(read: Value, repaired: Value): number {
  if (typeof read === 'object' && read !== null) return read.byteLength;
  return typeof repaired === 'string' ? repaired.length : 0;
}

export const rowConverter: (schema: TableSchema) => RowConverter = perSchema((schema) => {
  const names = schema.columns.map((c) => c.name);
  const repairs = valueRepairs(schema);
  const n = names.length;
  return (source) => {
    const row: Value[] = new Array(n);
    let bytes = 8 * n;
    for (let i = 0; i < n; i++) {
      const v = source[names[i]!] as Value | undefined;
      if (v === undefined) row[i] = repairs.isEnum[i] && names[i]! in source ? '' : null;
      else {
        const value = repairedValue(repairs, i, v);
        bytes += estimatedBytes(v, value);
        row[i] = value;
      }
    }
    return { row, bytes };
  };
});
