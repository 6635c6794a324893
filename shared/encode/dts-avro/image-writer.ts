/**
 * A column value written straight as its member of the image union (formats.md §1.3, §1.4), the
 * bytes avro-writer.ts writes for value-image.ts's `ImageValue`, without building that object:
 * one writer per column, chosen once per schema. The table of images, the reasons behind each
 * choice and the errors for values of the wrong kind are value-image.ts's; this file only writes.
 * Union branch numbers are avro-writer.ts's `IMAGE_BRANCH_INDEX`; the parts of a member that
 * depend only on the column (branch, precision, charset, object type) are one template.
 */
import { InvariantError } from '../../errors.ts';
import { bitToDecimal, isBinaryCharset, MysqlTypeCode, parseDate, parseDateTime, parseTime, typeArguments, type Column, type Value } from '../../record/index.ts';
import { bytesWrittenBy as template, writeBytes, writeDouble, writeInt, writeLong, writeRaw, writeString } from './avro-binary.ts';
import { IMAGE_BRANCH_INDEX } from './avro-writer.ts';
import { bigDecimalPrecisionScale } from './big-decimal.ts';
import { charsetEncodingOf } from './charset-bytes.ts';
import { epochSecondsOf } from './temporal.ts';
import { bytesOf, unexpected } from './value-image.ts';

/** Writes one column's value (SQL NULL included) as its image member. */
export type ImageWriter = (value: Value) => void;

type NonNull = Exclude<Value, null>;

const T = MysqlTypeCode;
const B = IMAGE_BRANCH_INDEX;
const UNION_NULL = 0;
const UNION_VALUE = 1;

export function imageWriterOf(column: Column): ImageWriter {
  const write = writerOf(column);
  return (value) => {
    if (value === null) writeInt(UNION_NULL);
    else write(value);
  };
}

function writerOf(column: Column): (value: NonNull) => void {
  switch (column.typeCode) {
    case T.TINY:
      return integerWriter(column, 1);
    case T.SHORT:
      return integerWriter(column, 2);
    case T.INT24:
      return integerWriter(column, 3);
    case T.LONG:
      return integerWriter(column, 4);
    case T.LONGLONG:
      return integerWriter(column, 8);
    case T.BIT:
      return bitWriter(column);
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return decimalWriter(column);
    case T.FLOAT:
    case T.DOUBLE:
      return floatWriter(column);
    case T.TIMESTAMP:
      return timestampWriter(column);
    case T.DATETIME:
      return dateTimeWriter(column);
    case T.DATE:
      return dateWriter(column);
    case T.TIME:
      return timeWriter(column);
    case T.YEAR:
      return yearWriter(column);
    case T.STRING:
    case T.VARCHAR:
    case T.VAR_STRING:
      return characterWriter(column);
    case T.TINY_BLOB:
    case T.BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
      return objectWriter(column);
    case T.JSON:
      return textObjectWriter(column, 'JSON');
    case T.ENUM:
      return textObjectWriter(column, 'ENUM');
    case T.SET:
      return textObjectWriter(column, 'SET');
    case T.GEOMETRY:
      return binaryWriter(column, B.BinaryGeometry, 'GEOMETRY');
    default:
      throw new InvariantError(`column ${column.name} has type code ${column.typeCode}, which DTS Avro has no image for`);
  }
}

/** Integer{precision, text}. */
function integerWriter(column: Column, precision: number): (value: NonNull) => void {
  const head = template(() => {
    writeInt(B.Integer);
    writeInt(precision);
  });
  return (value) => {
    if (value instanceof Uint8Array) throw unexpected(column, value, 'an integer');
    writeRaw(head);
    writeString(typeof value === 'number' ? String(value) : value);
  };
}

function bitWriter(column: Column): (value: NonNull) => void {
  const bits = Number(typeArguments(column.type)[0] ?? 1);
  const precision = Math.ceil((Number.isInteger(bits) && bits > 0 ? bits : 1) / 8);
  const head = template(() => {
    writeInt(B.Integer);
    writeInt(precision);
  });
  return (value) => {
    writeRaw(head);
    writeString(typeof value === 'number' ? String(value) : typeof value === 'string' ? value : bitToDecimal(value));
  };
}

function decimalWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    if (value instanceof Uint8Array) throw unexpected(column, value, 'a decimal text');
    const text = typeof value === 'string' ? value : String(value);
    const ps = bigDecimalPrecisionScale(text);
    writeInt(B.Decimal);
    writeString(text);
    writeInt(ps?.precision ?? 0);
    writeInt(ps?.scale ?? 0);
  };
}

function floatWriter(column: Column): (value: NonNull) => void {
  const [m, d] = typeArguments(column.type).map(Number);
  const tail = template(() => {
    writeInt(Number.isInteger(m) ? m! : 0);
    writeInt(Number.isInteger(d) ? d! : 0);
  });
  return (value) => {
    if (value instanceof Uint8Array) throw unexpected(column, value, 'a number');
    writeInt(B.Float);
    writeDouble(typeof value === 'number' ? value : Number(value));
    writeRaw(tail);
  };
}

function timestampWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    const p = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD HH:MM:SS[.f]' text");
    writeInt(B.Timestamp);
    if (p.year === 0 && p.month === 0 && p.day === 0) {
      writeLong(0);
      writeInt(0);
    } else {
      writeLong(epochSecondsOf(p));
      writeInt(p.micros);
    }
  };
}

/** DateTime's seven optional parts: null 0, value 1 then the int. */
function writePart(n: number | null): void {
  if (n === null) {
    writeInt(UNION_NULL);
  } else {
    writeInt(UNION_VALUE);
    writeInt(n);
  }
}

function dateTimeWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    const p = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD HH:MM:SS[.f]' text");
    writeInt(B.DateTime);
    writePart(p.year);
    writePart(p.month);
    writePart(p.day);
    writePart(p.hour);
    writePart(p.minute);
    writePart(p.second);
    writePart(p.micros);
  };
}

function dateWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    const p = typeof value === 'string' ? parseDate(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a 'YYYY-MM-DD' text");
    writeInt(B.DateTime);
    writePart(p.year);
    writePart(p.month);
    writePart(p.day);
    for (let i = 0; i < 4; i++) writeInt(UNION_NULL);
  };
}

/** -n without a negative zero (value-image.ts timeImage: the sign goes on every part). */
const negate = (n: number) => (n === 0 ? 0 : -n);

function timeWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    const p = typeof value === 'string' ? parseTime(value) : undefined;
    if (p === undefined) throw unexpected(column, value, "a '[-]HH:MM:SS[.f]' text");
    writeInt(B.DateTime);
    for (let i = 0; i < 3; i++) writeInt(UNION_NULL);
    if (p.negative) {
      writePart(negate(p.hour));
      writePart(negate(p.minute));
      writePart(negate(p.second));
      writePart(negate(p.micros));
    } else {
      writePart(p.hour);
      writePart(p.minute);
      writePart(p.second);
      writePart(p.micros);
    }
  };
}

function yearWriter(column: Column): (value: NonNull) => void {
  return (value) => {
    const year = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isInteger(year)) throw unexpected(column, value, 'a year number');
    writeInt(B.DateTime);
    writePart(year);
    for (let i = 0; i < 6; i++) writeInt(UNION_NULL);
  };
}

/** Character{charset, bytes}: UTF-8 charsets write the text's UTF-8 directly (same bytes as Buffer.from). */
function characterWriter(column: Column): (value: NonNull) => void {
  if (isBinaryCharset(column.charset)) return binaryWriter(column, B.Character, 'binary');
  const encoding = charsetEncodingOf(column.charset!);
  const head = template(() => {
    writeInt(B.Character);
    writeString(encoding.charset);
  });
  const bytesHead = template(() => {
    writeInt(B.Character);
    writeString(column.charset!);
  });
  const isUtf8 = encoding.charset === 'utf8mb4' || encoding.charset === 'utf8mb3' || encoding.charset === 'utf8';
  return (value) => {
    if (typeof value === 'string') {
      writeRaw(head);
      if (isUtf8) writeString(value);
      else writeBytes(encoding.encode(value));
    } else if (value instanceof Uint8Array) {
      writeRaw(bytesHead);
      writeBytes(value);
    } else {
      throw unexpected(column, value, 'a text');
    }
  };
}

function objectWriter(column: Column): (value: NonNull) => void {
  return isBinaryCharset(column.charset) ? binaryWriter(column, B.BinaryObject, 'BLOB') : textObjectWriter(column, 'TEXT');
}

function textObjectWriter(column: Column, type: 'TEXT' | 'JSON' | 'ENUM' | 'SET'): (value: NonNull) => void {
  const encoding = charsetEncodingOf(isBinaryCharset(column.charset) ? 'utf8mb4' : column.charset!);
  const head = template(() => {
    writeInt(B.TextObject);
    writeString(type);
  });
  return (value) => {
    if (typeof value === 'number') throw unexpected(column, value, 'a text');
    writeRaw(head);
    writeString(typeof value === 'string' ? value : encoding.decode(value));
  };
}

/** A branch of bytes after a fixed string: Character{'binary'}, BinaryObject{'BLOB'}, BinaryGeometry{'GEOMETRY'}. */
function binaryWriter(column: Column, branch: number, label: string): (value: NonNull) => void {
  const head = template(() => {
    writeInt(branch);
    writeString(label);
  });
  return (value) => {
    const bytes = bytesOf(column, value);
    writeRaw(head);
    writeBytes(bytes);
  };
}
