/**
 * A table's row images read straight into `Row` arrays: the column readers of column-readers.ts,
 * then the repairs row-values.ts makes to zongji's values (zero YEAR, ENUM's error value,
 * single-byte text, MySQL 8 binary JSON), with the same size estimate. Compiled once per table map
 * and schema; a table it cannot read yields the reason instead, and its rows go through zongji.
 *
 * Row image layout (MySQL rows_event.h): a null bitmap with one bit per column present in the
 * event's columns-present bitmap, then each present non-null column's value in table order.
 */
import type { Row, TableSchema, Value } from '../../../record/index.ts';
import { MalformedEventError } from '../events/event-errors.ts';
import { decodeSingleByte } from '../../charset/single-byte.ts';
import { estimatedBytes, repairedValue, valueRepairs } from '../row-values.ts';
import { columnReader, type ColumnReader, type MapColumn, type MapColumnSchema, type ReadOptions, type RowCursor } from './column-readers.ts';

/** The charset single-byte-text.ts relabels single-byte text columns with (one character per byte). */
const BYTE_VIEW = 'binary';

/** A row image decoded here: row-values.ts's output, so the stream skips that step. */
export class LeanRow {
  constructor(
    readonly row: Row,
    readonly bytes: number,
  ) {}
}

/** The parts of zongji's table map entry a plan is compiled from (after binlog-stream.ts's relabelling). */
export interface MapEntry {
  readonly columns: readonly MapColumn[];
  readonly columnSchemas: readonly MapColumnSchema[];
}

export interface RowPlan {
  /** Reads one image at `c.pos` (advancing it) with the event's columns-present bitmap. */
  read(c: RowCursor, present: Buffer, end: number): LeanRow;
}

const BITS = Array.from({ length: 256 }, (_, b) => b.toString(2).replace(/0/g, '').length);

export function compileRowPlan(entry: MapEntry, schema: TableSchema, options: ReadOptions): RowPlan | string {
  const n = schema.columns.length;
  if (entry.columns.length !== n || schema.columns.some((c, i) => entry.columns[i]!.name !== c.name)) {
    return `the table map's columns (${entry.columns.map((c) => c.name).join(', ')}) are not the schema's`;
  }
  const repairs = valueRepairs(schema);
  const decoders = repairs.decoders;
  const readers: ColumnReader[] = [];
  for (let i = 0; i < n; i++) {
    // Single-byte text that zongji reads as its byte view (single-byte-text.ts) and row-values.ts
    // then decodes by MySQL's table: decoded from the bytes here in one step, to the same text.
    const charset = schema.columns[i]!.charset;
    const direct = decoders[i] && entry.columns[i]!.charset === BYTE_VIEW && charset ? (bytes: Buffer) => decodeSingleByte(charset, bytes) : undefined;
    const reader = columnReader(entry.columns[i]!, entry.columnSchemas[i]!, options, direct);
    if (typeof reader === 'string') return `column ${schema.columns[i]!.name}: ${reader}`;
    if (direct) decoders[i] = null;
    readers.push(reader);
  }
  return {
    read(c, present, end) {
      let nulls = 0;
      for (let b = 0; b < present.length; b++) nulls += BITS[present[b]!]!;
      const nullAt = c.pos;
      c.pos += (nulls + 7) >> 3;
      const buf = c.buf;
      const row: Value[] = new Array(n);
      let bytes = 8 * n;
      for (let i = 0, nullBit = 0; i < n; i++) {
        if ((present[i >> 3]! & (1 << (i & 7))) === 0) {
          row[i] = null;
          continue;
        }
        if ((buf[nullAt + (nullBit >> 3)]! & (1 << (nullBit & 7))) !== 0) {
          nullBit++;
          row[i] = null;
          continue;
        }
        nullBit++;
        const v = readers[i]!(c) as Value | undefined;
        // row-values.ts's repairs and size estimate.
        if (v === undefined) row[i] = repairs.isEnum[i] ? '' : null;
        else {
          const value = repairedValue(repairs, i, v);
          bytes += estimatedBytes(v, value);
          row[i] = value;
        }
      }
      if (c.pos > end) throw new MalformedEventError(`Binlog row image of ${schema.database}.${schema.table} runs ${c.pos - end} bytes past its event; the event or file is damaged`);
      return new LeanRow(row, bytes);
    },
  };
}
