/**
 * Test helpers: a captured binlog's events and its mysqlbinlog -vv reference, and a decoder for the
 * plain WRITE/UPDATE_ROWS_V2 events around the ones under test (the live reader leaves those to zongji).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteCursor } from '../../../../../shared/source/binlog/events/byte-cursor.ts';
import { readColumnValue, type ColumnValue } from '../../../../../shared/source/binlog/events/column-value.ts';
import { binlogFileEvents, type RawEvent } from '../../../../../shared/source/binlog/events/event-header.ts';
import { jsonText } from '../../../../../shared/source/binlog/events/json-text.ts';
import type { TableMap } from '../../../../../shared/source/binlog/events/table-map.ts';

const DIR = join(import.meta.dirname, 'fixtures');

export function fixtureEvents(file: string): RawEvent[] {
  return [...binlogFileEvents(readFileSync(join(DIR, file)))];
}

export function reference(file: string): string {
  return readFileSync(join(DIR, `${file}.mysqlbinlog-vv.txt`), 'utf8');
}

function bits(c: ByteCursor, n: number): boolean[] {
  const b = c.bytes(Math.ceil(n / 8), 'bitmap');
  return Array.from({ length: n }, (_, i) => (b[i >> 3]! & (1 << (i & 7))) !== 0);
}

function image(c: ByteCursor, table: TableMap, present: boolean[]): Map<number, ColumnValue> {
  const cols = present.flatMap((p, i) => (p ? [i] : []));
  const nulls = bits(c, cols.length);
  const out = new Map<number, ColumnValue>();
  cols.forEach((col, n) => out.set(col, nulls[n] ? { kind: 'null' } : readColumnValue(c, table.columnTypes[col]!, table.columnMeta[col]!, col)));
  return out;
}

/** The images of a WRITE_ROWS_V2 (one per row) or UPDATE_ROWS_V2 (before, after per row) body. */
export function rowsV2Images(body: Buffer, table: TableMap, update: boolean): Map<number, ColumnValue>[] {
  const c = new ByteCursor(body);
  c.skip(8, 'table id and flags');
  c.skip(c.u16('extra') - 2, 'extra');
  const n = c.packed('columns');
  const before = bits(c, n);
  const after = update ? bits(c, n) : before;
  const images: Map<number, ColumnValue>[] = [];
  while (c.remaining > 0) {
    images.push(image(c, table, before));
    if (update) images.push(image(c, table, after));
  }
  return images;
}

/** A column value as mysqlbinlog -vv prints it after `@N=` (strings quoted, numbers bare). */
export function referenceText(v: ColumnValue | undefined): string {
  if (v === undefined) return '<absent>';
  switch (v.kind) {
    case 'null':
      return 'NULL';
    case 'int':
    case 'number':
      return String(v.value);
    case 'text':
    case 'bytes':
      return `'${v.value.toString()}'`;
    case 'json':
      return `'${jsonText(v.value)}'`;
    case 'json-diff':
      return '<diff>';
  }
}
