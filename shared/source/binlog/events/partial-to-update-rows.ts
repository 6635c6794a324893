/**
 * A PARTIAL_UPDATE_ROWS body rewritten as the UPDATE_ROWS_V2 body a full-image UPDATE would have
 * carried: the head and before images are copied byte for byte, every after-image value except a
 * partial JSON column is copied too, and a partial JSON column becomes its full new document in
 * binary JSON (the diffs applied to the before image's document). The live reader hands the result
 * to zongji's own UpdateRows decoder, so every value, JSON included, is converted by the same code
 * as with binlog_row_value_options off.
 */
import { ByteCursor } from './byte-cursor.ts';
import { encodeBinaryJson } from './json-encode.ts';
import { afterImageJson, readAfterOptions, readImage, readPartialUpdateRowsHead } from './partial-json.ts';
import type { TableMap } from './table-map.ts';

export function partialUpdateRowsAsUpdateRows(body: Buffer, table: TableMap): Buffer {
  const c = new ByteCursor(body);
  const head = readPartialUpdateRowsHead(c, table);
  const out: Buffer[] = [body.subarray(0, c.pos)];
  const afterColumns = head.afterPresent.flatMap((p, i) => (p ? [i] : []));
  while (c.remaining > 0) {
    const beforeStart = c.pos;
    const before = readImage(c, table, head.beforePresent, null);
    out.push(body.subarray(beforeStart, c.pos));
    const partial = readAfterOptions(c, head);
    const raw = new Map<number, Buffer>();
    const after = readImage(c, table, head.afterPresent, partial, raw);
    const nulls = Buffer.alloc(Math.ceil(afterColumns.length / 8));
    const values: Buffer[] = [];
    afterColumns.forEach((col, n) => {
      const v = after.get(col)!;
      if (v.kind === 'null') nulls[n >> 3]! |= 1 << (n & 7);
      else if (v.kind !== 'json-diff') values.push(raw.get(col)!);
      else {
        const doc = encodeBinaryJson(afterImageJson({ before, after }, col)!);
        const lengthBytes = table.columnMeta[col]!;
        const length = Buffer.alloc(lengthBytes);
        length.writeUIntLE(doc.length, 0, lengthBytes);
        values.push(length, doc);
      }
    });
    out.push(nulls, ...values);
  }
  return Buffer.concat(out);
}
