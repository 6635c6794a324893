/**
 * The part of TABLE_MAP_EVENT (type 19) the decoders here need to walk a row image: the table's id,
 * names, column types, per-column metadata and nullability. zongji decodes TABLE_MAP for the live
 * reader; this one exists so PARTIAL_UPDATE_ROWS can be decoded from captured bytes alone.
 *
 * Body layout (after the 19-byte header, checksum excluded):
 *   table_id u48, flags u16, schema name (u8 length, bytes, 0x00), table name (u8 length, bytes, 0x00),
 *   column count (length-encoded int), column types (1 byte each), metadata length (length-encoded int),
 *   metadata (per column, by type: FLOAT/DOUBLE/BLOB/JSON/GEOMETRY/VECTOR/TIME2/DATETIME2/TIMESTAMP2 1 byte;
 *   VARCHAR/VAR_STRING/BIT/NEWDECIMAL 2 bytes; STRING 2 bytes read big-endian: real type, length),
 *   null bitmap (1 bit per column), optional metadata (not read here).
 */
import { MysqlTypeCode } from '../../../record/index.ts';
import { ByteCursor } from './byte-cursor.ts';

/** The protocol codes plus the binlog's own storage codes, which never leave the source stage. */
export const ColumnType = {
  ...MysqlTypeCode,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  VECTOR: 242,
} as const;

export interface TableMap {
  readonly tableId: number;
  readonly schema: string;
  readonly table: string;
  readonly columnTypes: readonly number[];
  readonly columnMeta: readonly number[];
  readonly nullable: readonly boolean[];
}

const ONE_BYTE_META = new Set<number>([
  ColumnType.FLOAT,
  ColumnType.DOUBLE,
  ColumnType.BLOB,
  ColumnType.JSON,
  ColumnType.GEOMETRY,
  ColumnType.VECTOR,
  ColumnType.TIME2,
  ColumnType.DATETIME2,
  ColumnType.TIMESTAMP2,
]);
const TWO_BYTE_META = new Set<number>([ColumnType.VARCHAR, ColumnType.VAR_STRING, ColumnType.BIT, ColumnType.NEWDECIMAL]);

export function parseTableMap(body: Buffer): TableMap {
  const c = new ByteCursor(body);
  const tableId = c.uint(6, 'table_id');
  c.skip(2, 'flags');
  const schema = c.bytes(c.u8('schema length'), 'schema').toString('utf8');
  c.skip(1, 'schema terminator');
  const table = c.bytes(c.u8('table length'), 'table').toString('utf8');
  c.skip(1, 'table terminator');
  const count = c.packed('column count');
  const columnTypes = [...c.bytes(count, 'column types')];
  const meta = new ByteCursor(c.bytes(c.packed('metadata length'), 'metadata'));
  const columnMeta = columnTypes.map((t) => {
    if (ONE_BYTE_META.has(t)) return meta.u8('column metadata');
    if (TWO_BYTE_META.has(t)) return meta.u16('column metadata');
    if (t === ColumnType.STRING || t === ColumnType.ENUM || t === ColumnType.SET) return (meta.u8('column metadata') << 8) | meta.u8('column metadata');
    return 0;
  });
  const nulls = c.bytes(Math.ceil(count / 8), 'null bitmap');
  const nullable = columnTypes.map((_, i) => (nulls[i >> 3]! & (1 << (i & 7))) !== 0);
  return { tableId, schema, table, columnTypes, columnMeta, nullable };
}
