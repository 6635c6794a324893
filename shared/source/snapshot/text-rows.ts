/**
 * Text-protocol result rows → row images in the queue's layout, straight from the packet: the
 * full sync's lean row decoder. mysql2 turns every value of a SELECT into a JavaScript string or
 * number (then snapshot-values.ts adjusts some and the queue writes them back into bytes); here a
 * value's text is copied (strings, DECIMAL, temporal text, JSON) or parsed once (integers, DOUBLE,
 * FLOAT), so a copied row makes no garbage. The values are the ones the old path gives, value for
 * value (tested against it on every column type, text-rows tests), and so the binlog reader's:
 * - integers as numbers; BIGINT as a number when exact, else its decimal text;
 * - DOUBLE as the double its text names (Number(), exact: mysql2's own digit loop can round the
 *   last bit of a 16–17 digit value), FLOAT as the float32 of its text (the SELECT casts it to
 *   DOUBLE, key-sql.ts), YEAR as a number;
 * - DECIMAL, DATE, TIME, DATETIME and TIMESTAMP as their text (dateStrings); JSON as its text;
 * - binary strings, BIT and GEOMETRY as bytes; other strings as text, decoded as mysql2 decodes
 *   them (bytes that are not UTF-8 become U+FFFD).
 * A result column of any other kind (VECTOR, a charset other than utf8mb4 or binary) makes the
 * whole chunk go through mysql2's decode and the old conversion: `compileTextRows` returns null.
 */
import { isUtf8 } from 'node:buffer';
import type { FieldPacket } from 'mysql2';
import { slicesOf } from '../../buffer-slices.ts';
import { MysqlTypeCode, type Column } from '../../record/index.ts';
import type { ByteWriter } from '../../queue/codec/byte-writer.ts';
import { Tag, writeNumber, writeString } from '../../queue/codec/tagged-value.ts';
import { ColumnType } from '../binlog/events/table-map.ts';

/** How one column's text becomes a value. */
const enum Kind {
  /** TINYINT, SMALLINT, MEDIUMINT, INT, YEAR: a number. */
  Int,
  /** BIGINT: a number when exact, else its text. */
  BigInt,
  Double,
  /** A FLOAT column (selected as DOUBLE): the float32 nearest its text. */
  Float,
  /** Text in UTF-8 (the connection's utf8mb4). */
  Text,
  Bytes,
}

/** mysql2's column definition as it arrives: the fields the decoder reads. */
type ResultField = Pick<FieldPacket, 'columnType' | 'characterSet' | 'encoding'> & { readonly extendedFormat?: string };

const BINARY_CHARSET = 63;

/** Result column types: the protocol's codes (mysql2's `Types`), VECTOR included. */
const WIRE = ColumnType;

/** The kind of one result column, or null when only mysql2's decode handles it. */
function kindOf(field: ResultField, column: Column): Kind | null {
  if (column.typeCode === MysqlTypeCode.FLOAT) return field.columnType === WIRE.DOUBLE || field.columnType === WIRE.FLOAT ? Kind.Float : null;
  if (field.extendedFormat === 'json') return field.encoding === 'utf8' ? Kind.Text : null;
  switch (field.columnType) {
    case WIRE.TINY:
    case WIRE.SHORT:
    case WIRE.LONG:
    case WIRE.INT24:
    case WIRE.YEAR:
      return Kind.Int;
    case WIRE.LONGLONG:
      return Kind.BigInt;
    case WIRE.FLOAT:
    case WIRE.DOUBLE:
      return Kind.Double;
    case WIRE.DECIMAL:
    case WIRE.NEWDECIMAL:
    case WIRE.DATE:
    case WIRE.TIME:
    case WIRE.DATETIME:
    case WIRE.TIMESTAMP:
    case WIRE.JSON:
      return Kind.Text;
    case WIRE.GEOMETRY:
      return Kind.Bytes;
    case WIRE.NULL:
    case WIRE.VECTOR:
      return null;
    default:
      if (field.characterSet === BINARY_CHARSET) return Kind.Bytes;
      return field.encoding === 'utf8' ? Kind.Text : null;
  }
}

/** Writes rows of one result's columns. */
export interface TextRowDecoder {
  /** Writes the row at `buf[pos..end)` as one image (ARRAY of values) into `w`. Throws TextRowError when the row is not what the columns say. */
  write(buf: Buffer, pos: number, end: number, w: ByteWriter): void;
}

/** A row whose bytes do not fit its columns (a bug, or a protocol change in the driver). */
export class TextRowError extends Error {}

/**
 * The decoder for rows of these result columns (in the select list's order, `columns` the table's
 * in the same order), or null when a column needs mysql2's decode.
 */
export function compileTextRows(fields: readonly ResultField[], columns: readonly Column[]): TextRowDecoder | null {
  if (fields.length !== columns.length) return null;
  const kinds: Kind[] = [];
  for (let i = 0; i < fields.length; i++) {
    const kind = kindOf(fields[i]!, columns[i]!);
    if (kind === null) return null;
    kinds.push(kind);
  }
  return { write: (buf, pos, end, w) => writeRow(kinds, buf, pos, end, w) };
}

function writeRow(kinds: readonly Kind[], buf: Buffer, pos: number, end: number, w: ByteWriter): void {
  const n = kinds.length;
  w.u8(Tag.ARRAY);
  w.uint(n);
  for (let i = 0; i < n; i++) {
    if (pos >= end) throw new TextRowError(`the row ends before column ${i + 1} of ${n}`);
    // A length-coded string: one byte below 251, 0xfb for NULL, else 2, 3 or 8 bytes of length.
    let len = buf[pos++]!;
    if (len >= 0xfb) {
      if (len === 0xfb) {
        w.u8(Tag.NULL);
        continue;
      }
      if (len === 0xfc) {
        len = buf[pos]! | (buf[pos + 1]! << 8);
        pos += 2;
      } else if (len === 0xfd) {
        len = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16);
        pos += 3;
      } else if (len === 0xfe) {
        len = buf.readUInt32LE(pos) + buf.readUInt32LE(pos + 4) * 0x100000000;
        pos += 8;
      } else throw new TextRowError(`column ${i + 1} of ${n} has the length prefix 0xff`);
    }
    const stop = pos + len;
    if (stop > end) throw new TextRowError(`column ${i + 1} of ${n} claims ${len} bytes, more than the row has left`);
    switch (kinds[i]!) {
      case Kind.Int:
        writeNumber(w, integerText(buf, pos, stop));
        break;
      case Kind.BigInt:
        writeBigInt(w, buf, pos, stop);
        break;
      case Kind.Double:
        writeNumber(w, Number(slicesOf(buf).latin1Slice(pos, stop)));
        break;
      case Kind.Float:
        writeNumber(w, Math.fround(Number(slicesOf(buf).latin1Slice(pos, stop))));
        break;
      case Kind.Text:
        writeText(w, buf, pos, stop);
        break;
      case Kind.Bytes:
        w.u8(Tag.BYTES);
        copyBody(w, buf, pos, stop);
        break;
    }
    pos = stop;
  }
  if (pos !== end) throw new TextRowError(`${end - pos} bytes follow the row's ${n} columns`);
}

/** An integer's decimal text (at most 11 characters for INT, so exact in a double). */
function integerText(buf: Buffer, pos: number, stop: number): number {
  const negative = buf[pos] === 0x2d;
  let v = 0;
  for (let p = negative ? pos + 1 : pos; p < stop; p++) {
    const d = buf[p]! - 0x30;
    if (d < 0 || d > 9) throw new TextRowError(`an integer column holds ${JSON.stringify(slicesOf(buf).latin1Slice(pos, stop))}`);
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** Up to 15 digits a BIGINT is exact as a number; longer ones go through Number() and stay text when not exact. */
function writeBigInt(w: ByteWriter, buf: Buffer, pos: number, stop: number): void {
  const digits = stop - pos - (buf[pos] === 0x2d ? 1 : 0);
  if (digits <= 15) {
    writeNumber(w, integerText(buf, pos, stop));
    return;
  }
  const text = slicesOf(buf).latin1Slice(pos, stop);
  const v = Number(text);
  if (Number.isSafeInteger(v)) writeNumber(w, v);
  else writeString(w, text);
}

/** Text as ASCII when every byte is, as UTF-8 when the bytes are well-formed, else decoded as mysql2 decodes it (U+FFFD for bad bytes). */
function writeText(w: ByteWriter, buf: Buffer, pos: number, stop: number): void {
  let ascii = true;
  for (let p = pos; p < stop; p++) {
    if (buf[p]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) w.u8(Tag.ASCII);
  else if (isUtf8(buf.subarray(pos, stop))) w.u8(Tag.UTF8);
  else {
    writeString(w, slicesOf(buf).utf8Slice(pos, stop));
    return;
  }
  copyBody(w, buf, pos, stop);
}

/** A varint length, then the bytes. */
function copyBody(w: ByteWriter, buf: Buffer, pos: number, stop: number): void {
  w.uint(stop - pos);
  w.raw(buf, pos, stop);
}
