/**
 * PARTIAL_UPDATE_ROWS_EVENT (type 39): with binlog_row_value_options=PARTIAL_JSON, MySQL 8.0.3+ logs
 * every UPDATE of a table with a JSON column as this event, where a JSON column changed only by
 * JSON_SET / JSON_REPLACE / JSON_REMOVE carries a diff (json-diff.ts) instead of the new document.
 *
 * Body layout (after the 19-byte header, checksum excluded), as UPDATE_ROWS_V2 except the after image:
 *   table_id u48, flags u16, extra_data_length u16 (counts itself) + extra data,
 *   column count (length-encoded int), columns-before bitmap, columns-after bitmap (1 bit per column),
 *   rows, each:
 *     before image:  null bitmap (1 bit per column present in the before image), values
 *     after image:   value_options (length-encoded int; bit 0 = PARTIAL_JSON_UPDATES),
 *                    if bit 0: partial bitmap, 1 bit per JSON column OF THE TABLE (in column order,
 *                      whether or not the column is in the image; set = this column holds a diff),
 *                    null bitmap (1 bit per column present in the after image), values; a partial
 *                    JSON column's value is its usual length prefix then the diff list.
 *
 * With binlog_row_image=FULL or NOBLOB the before image holds the old document and the full after
 * document is computed here; with MINIMAL it does not, and the caller must supply the old document.
 */
import { ByteCursor } from './byte-cursor.ts';
import { readColumnValue, type ColumnValue } from './column-value.ts';
import { MalformedEventError } from './event-errors.ts';
import type { JsonNode } from './json-binary.ts';
import { applyJsonDiffs, parseJsonDiffs } from './json-diff.ts';
import { ColumnType, type TableMap } from './table-map.ts';

const PARTIAL_JSON_UPDATES = 1;

/** Column index (0-based) → value, for the columns present in one image. */
export type RowImage = Map<number, ColumnValue>;

export interface PartialUpdateRow {
  readonly before: RowImage;
  readonly after: RowImage;
}

export interface PartialUpdateRowsEvent {
  readonly tableId: number;
  readonly flags: number;
  readonly columnCount: number;
  readonly rows: PartialUpdateRow[];
}

function bitmap(c: ByteCursor, bits: number, field: string): boolean[] {
  const bytes = c.bytes(Math.ceil(bits / 8), field);
  return Array.from({ length: bits }, (_, i) => (bytes[i >> 3]! & (1 << (i & 7))) !== 0);
}

/**
 * One row image. `raw`, when given, receives each non-null column's encoded bytes (length prefix
 * included), so an image can be copied into another event without re-encoding.
 */
export function readImage(c: ByteCursor, table: TableMap, present: readonly boolean[], partial: readonly boolean[] | null, raw?: Map<number, Buffer>): RowImage {
  const columns = present.flatMap((p, i) => (p ? [i] : []));
  const nulls = bitmap(c, columns.length, 'null bitmap');
  const image: RowImage = new Map();
  let jsonOrdinal = -1;
  const jsonOrdinals = table.columnTypes.map((t) => (t === ColumnType.JSON ? ++jsonOrdinal : -1));
  columns.forEach((col, n) => {
    if (nulls[n]) {
      image.set(col, { kind: 'null' });
      return;
    }
    const type = table.columnTypes[col]!;
    const meta = table.columnMeta[col]!;
    const start = c.pos;
    if (type === ColumnType.JSON && partial?.[jsonOrdinals[col]!]) {
      const length = c.uint(meta, `column ${col + 1} length`);
      image.set(col, { kind: 'json-diff', diffs: parseJsonDiffs(c.bytes(length, `column ${col + 1} JSON diff`)) });
    } else image.set(col, readColumnValue(c, type, meta, col));
    raw?.set(col, c.buf.subarray(start, c.pos));
  });
  return image;
}

/** The part of the body before the rows: identical in layout to UPDATE_ROWS_V2's. */
export interface PartialUpdateRowsHead {
  readonly tableId: number;
  readonly flags: number;
  readonly columnCount: number;
  readonly beforePresent: readonly boolean[];
  readonly afterPresent: readonly boolean[];
  readonly jsonColumns: number;
}

export function readPartialUpdateRowsHead(c: ByteCursor, table: TableMap): PartialUpdateRowsHead {
  const tableId = c.uint(6, 'table_id');
  if (tableId !== table.tableId) {
    throw new MalformedEventError(`PARTIAL_UPDATE_ROWS refers to table id ${tableId} but the table map given is for ${table.tableId}; pass the TABLE_MAP that precedes it`, { table: table.table });
  }
  const flags = c.u16('flags');
  const extra = c.u16('extra_data_length');
  if (extra < 2) throw new MalformedEventError(`PARTIAL_UPDATE_ROWS extra_data_length is ${extra}, less than its own 2 bytes`);
  c.skip(extra - 2, 'extra data');
  const columnCount = c.packed('column count');
  if (columnCount !== table.columnTypes.length) {
    throw new MalformedEventError(`PARTIAL_UPDATE_ROWS has ${columnCount} columns but its table map has ${table.columnTypes.length}`, { table: table.table });
  }
  const beforePresent = bitmap(c, columnCount, 'columns-before bitmap');
  const afterPresent = bitmap(c, columnCount, 'columns-after bitmap');
  const jsonColumns = table.columnTypes.filter((t) => t === ColumnType.JSON).length;
  return { tableId, flags, columnCount, beforePresent, afterPresent, jsonColumns };
}

/** The after image's value_options and, when partial, which JSON columns hold diffs. */
export function readAfterOptions(c: ByteCursor, head: PartialUpdateRowsHead): boolean[] | null {
  const options = c.packed('value_options');
  return (options & PARTIAL_JSON_UPDATES) !== 0 ? bitmap(c, head.jsonColumns, 'partial bitmap') : null;
}

/** Decodes a PARTIAL_UPDATE_ROWS body with the TABLE_MAP it refers to. */
export function parsePartialUpdateRows(body: Buffer, table: TableMap): PartialUpdateRowsEvent {
  const c = new ByteCursor(body);
  const head = readPartialUpdateRowsHead(c, table);
  const rows: PartialUpdateRow[] = [];
  while (c.remaining > 0) {
    const before = readImage(c, table, head.beforePresent, null);
    const after = readImage(c, table, head.afterPresent, readAfterOptions(c, head));
    rows.push({ before, after });
  }
  return { tableId: head.tableId, flags: head.flags, columnCount: head.columnCount, rows };
}

/**
 * The full after-image document of JSON column `column`: the after image's whole document, or its
 * diffs applied to the old document: from the before image (FULL/NOBLOB), else `previous` (MINIMAL:
 * the caller's copy of the row). Null when the column is SQL NULL; undefined when not in the image.
 */
export function afterImageJson(row: PartialUpdateRow, column: number, previous?: JsonNode): JsonNode | null | undefined {
  const after = row.after.get(column);
  if (after === undefined) return undefined;
  if (after.kind === 'null') return null;
  if (after.kind === 'json') return after.value;
  if (after.kind !== 'json-diff') throw new MalformedEventError(`Column ${column + 1} is not a JSON column in this row image`);
  const before = row.before.get(column);
  let base: JsonNode | undefined = previous;
  if (before?.kind === 'json') base = before.value;
  if (base === undefined) {
    throw new MalformedEventError(
      `Partial JSON update of column ${column + 1} without the old document: the before image lacks it (binlog_row_image=MINIMAL); supply the previous document or set binlog_row_image=FULL or NOBLOB`,
    );
  }
  return applyJsonDiffs(base, after.diffs);
}
