/**
 * Text in single-byte charsets, read from the binlog by MySQL's own tables instead of
 * iconv-lite's. zongji decodes a text column with iconv-lite under the column's charset name,
 * and those tables are not MySQL's: `latin1` becomes cp1252, so 0x81 0x8D 0x8F 0x90 0x9D turn
 * into U+FFFD, and dec8, hp8, keybcs2, swe7 and geostd8 come through as raw Buffers. So:
 * 1. `readSingleByteTextAsBytes(event)`, on each TableMap event before its rows are read, relabels
 *    these columns `binary` (iconv-lite's one-character-per-byte codec) so zongji hands over every
 *    byte unchanged, and re-decodes the ENUM and SET member lists that binlog_row_metadata=FULL
 *    carries as bytes in the column's charset;
 * 2. `singleByteTextDecoders(schema)` gives, per column, the step that turns that byte view into
 *    the text the server returns for it (source/charset/single-byte.ts), so the binlog and the
 *    full sync carry the same string.
 */
import type { TableMapEvent } from '@vlasky/zongji';
import { MysqlTypeCode, type TableSchema } from '../../record/index.ts';
import { decodeSingleByte, decodeSingleByteView, isSingleByteCharset } from '../charset/single-byte.ts';

/** iconv-lite's name for Node's `latin1` codec: byte n ↔ U+00nn, every byte kept. */
const BYTE_VIEW = 'binary';

/** Columns whose values zongji reads through the column charset (ENUM and SET come from the member lists). */
function readsThroughCharset(typeCode: number): boolean {
  return typeCode !== MysqlTypeCode.ENUM && typeCode !== MysqlTypeCode.SET;
}

export function readSingleByteTextAsBytes(event: TableMapEvent): void {
  const entry = event.tableMap[event.tableId];
  if (!entry) return;
  for (const column of entry.columns ?? []) {
    if (isSingleByteCharset(column.charset)) column.charset = BYTE_VIEW;
  }
  // Member lists decoded by zongji from FULL metadata; the raw bytes stay on the event.
  const raw = (event as unknown as { _enumSetValues?: (Buffer[] | undefined)[] })._enumSetValues;
  if (!Array.isArray(raw)) return;
  entry.columnSchemas.forEach((schema, i) => {
    const charset = schema.CHARACTER_SET_NAME;
    const members = raw[i];
    if (!isSingleByteCharset(charset) || !Array.isArray(members)) return;
    const values = members.map((bytes) => decodeSingleByte(charset, bytes));
    const keyword = schema.ENUM_VALUES ? 'enum' : schema.SET_VALUES ? 'set' : null;
    if (keyword === null) return;
    if (keyword === 'enum') schema.ENUM_VALUES = values;
    else schema.SET_VALUES = values;
    schema.COLUMN_TYPE = `${keyword}(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')})`;
  });
}

export type TextDecoderStep = ((view: string) => string) | null;

/** Per column: the step from zongji's byte view to the server's text, or null for columns read as they come. */
export function singleByteTextDecoders(schema: TableSchema): TextDecoderStep[] {
  return schema.columns.map((column) => {
    const charset = column.charset;
    if (!isSingleByteCharset(charset) || !readsThroughCharset(column.typeCode)) return null;
    return (view) => decodeSingleByteView(charset, view);
  });
}
