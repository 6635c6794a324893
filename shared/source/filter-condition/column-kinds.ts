/**
 * How a column takes part in a condition: the kind of value MySQL compares it as, and a reader
 * from the row's lossless `Value` (record/types.ts) to that kind's evaluation form.
 */
import { isBinaryCharset, MysqlTypeCode, type Column, type Value } from '../../record/index.ts';
import { collationNamed, SUPPORTED_COLLATIONS, type TextCollation } from './collations/text-collation.ts';
import { exactFromInteger, parseExact, type Exact } from './exact-number.ts';
import { canonicalDateTime, parseTime } from './temporal.ts';
import { UnsupportedConditionError } from './unsupported.ts';

/**
 * Evaluation kinds and their values: exact → Exact (integers, DECIMAL, BIT, YEAR); double → number
 * (FLOAT, DOUBLE); text → string; binary → Uint8Array; datetime → canonical string (temporal.ts);
 * time → microseconds; null → only the NULL literal has it.
 */
export type Kind = 'exact' | 'double' | 'text' | 'binary' | 'datetime' | 'time' | 'null';

export interface ColumnKind {
  readonly kind: Kind;
  /** ENUM and SET: MySQL compares them with numbers by index, not by text. */
  readonly enumLike: boolean;
  readonly read: (value: Value) => unknown;
  /** How a text column's values compare (its collation). */
  readonly collation?: TextCollation;
}

const INTEGER_CODES = new Set<number>([MysqlTypeCode.TINY, MysqlTypeCode.SHORT, MysqlTypeCode.INT24, MysqlTypeCode.LONG, MysqlTypeCode.LONGLONG, MysqlTypeCode.YEAR]);
const TEXT_CODES = new Set<number>([
  MysqlTypeCode.VARCHAR,
  MysqlTypeCode.VAR_STRING,
  MysqlTypeCode.STRING,
  MysqlTypeCode.TINY_BLOB,
  MysqlTypeCode.BLOB,
  MysqlTypeCode.MEDIUM_BLOB,
  MysqlTypeCode.LONG_BLOB,
]);

function readExact(value: Value): Exact {
  if (typeof value === 'number') return exactFromInteger(value);
  if (typeof value === 'string') {
    const exact = parseExact(value);
    if (exact) return exact;
  }
  if (value instanceof Uint8Array) {
    // BIT(n): big-endian bytes of an unsigned number.
    let n = 0n;
    for (const b of value) n = (n << 8n) | BigInt(b);
    return exactFromInteger(n);
  }
  throw new TypeError(`not an exact number: ${typeof value}`);
}

function readTime(value: Value): number {
  const micros = parseTime(String(value));
  if (micros === undefined) throw new TypeError('not a TIME value');
  return micros;
}

const nullable = (read: (v: Value) => unknown) => (v: Value) => (v === null ? null : read(v));

export function columnKind(column: Column): ColumnKind {
  const code = column.typeCode;
  const of = (kind: Kind, read: (v: Value) => unknown, enumLike = false): ColumnKind => ({ kind, enumLike, read: nullable(read) });
  const text = (enumLike: boolean): ColumnKind => ({ ...of('text', (v) => String(v), enumLike), collation: textCollation(column) });
  if (INTEGER_CODES.has(code) || code === MysqlTypeCode.NEWDECIMAL || code === MysqlTypeCode.DECIMAL || code === MysqlTypeCode.BIT) return of('exact', readExact);
  if (code === MysqlTypeCode.FLOAT || code === MysqlTypeCode.DOUBLE) return of('double', (v) => Number(v));
  if (code === MysqlTypeCode.DATE || code === MysqlTypeCode.DATETIME || code === MysqlTypeCode.TIMESTAMP) return of('datetime', (v) => canonicalDateTime(String(v)));
  if (code === MysqlTypeCode.TIME) return of('time', readTime);
  if (code === MysqlTypeCode.ENUM || code === MysqlTypeCode.SET) return text(true);
  if (TEXT_CODES.has(code)) {
    return isBinaryCharset(column.charset) ? of('binary', (v) => (v instanceof Uint8Array ? v : new TextEncoder().encode(String(v)))) : text(false);
  }
  throw new UnsupportedConditionError(`column \`${column.name}\` is ${column.type}, which filter conditions do not support (JSON and spatial columns compare by rules of their own)`, column.name);
}

/** The column's collation, or a refusal naming it: an approximate comparison would pass or drop the wrong rows. */
function textCollation(column: Column): TextCollation {
  const name = column.collation;
  if (!name) {
    throw new UnsupportedConditionError(
      `the collation of column \`${column.name}\` is not known at this point (the table changed since: its shape here comes from the binlog, not the catalog), so its text cannot be compared as the source compares it; remove the condition, or start the task again from after this point with a full sync of the table`,
      column.name,
    );
  }
  const collation = collationNamed(name);
  if (!collation) {
    throw new UnsupportedConditionError(
      `column \`${column.name}\` has collation ${name}, which filter conditions cannot evaluate exactly as the source does; change the column to one of ${SUPPORTED_COLLATIONS.join(', ')} (ALTER TABLE … MODIFY \`${column.name}\` … COLLATE utf8mb4_0900_ai_ci), or remove the condition and filter at the destination`,
      column.name,
    );
  }
  return collation;
}
