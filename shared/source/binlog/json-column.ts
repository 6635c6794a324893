/**
 * MySQL 8's JSON columns as the server prints them. The binlog carries binary JSON; zongji turns it
 * into text by its own rules, which are not MySQL's (`100` for the double 100.0, `0` for -0.0,
 * `1e+21`), so a consumer would read a different document than `SELECT` gives. So:
 * 1. `readJsonAsBytes(event)`, on each TableMap event before its rows are read, relabels JSON
 *    columns as the BLOB they are stored like (same length-prefixed layout), so zongji hands over
 *    the binary JSON unchanged;
 * 2. `jsonColumnText(bytes)` prints it as MySQL does (events/json-binary.ts, events/json-text.ts).
 * MariaDB's JSON is a LONGTEXT column and never reaches here.
 */
import type { TableMapEvent } from '@vlasky/zongji';
import { MysqlTypeCode } from '../../record/index.ts';
import { decodeBinaryJson } from './events/json-binary.ts';
import { jsonText } from './events/json-text.ts';

export function readJsonAsBytes(event: TableMapEvent): void {
  for (const column of event.tableMap[event.tableId]?.columns ?? []) {
    if (column.type !== MysqlTypeCode.JSON) continue;
    column.type = MysqlTypeCode.BLOB;
    column.charset = null;
  }
}

/**
 * The stored binary JSON → MySQL's text. An empty value is what MySQL stores for a JSON column
 * given no value outside strict mode; the server reads it as the JSON null literal.
 */
export function jsonColumnText(bytes: Uint8Array): string {
  if (bytes.byteLength === 0) return 'null';
  return jsonText(decodeBinaryJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}
