/**
 * MySQL column → MaxCompute 2.0 column type, and the conversion of its lossless `Value`
 * (record/types.ts) to the tunnel's `OdpsValue` (types.ts). Every mapping is exact: a type is
 * widened where MaxCompute's is narrower (unsigned integers), and kept as text where no
 * MaxCompute type holds every value (DECIMAL past (38,18), TIME). docs/maxcompute.md has the table.
 *
 * | MySQL                              | MaxCompute            | value                                |
 * |------------------------------------|-----------------------|--------------------------------------|
 * | TINYINT / UNSIGNED                 | TINYINT / SMALLINT    | number                               |
 * | SMALLINT / UNSIGNED                | SMALLINT / INT        | number                               |
 * | MEDIUMINT (±), INT / INT UNSIGNED  | INT / BIGINT          | number                               |
 * | BIGINT / UNSIGNED                  | BIGINT / DECIMAL(20,0)| number or bigint / decimal text      |
 * | DECIMAL(p,s) p≤38, s≤18 / wider    | DECIMAL(p,s) / STRING | the exact decimal text               |
 * | FLOAT, DOUBLE                      | FLOAT, DOUBLE         | number                               |
 * | BIT(n≤63) / BIT(64)                | BIGINT / DECIMAL(20,0)| the big-endian unsigned integer      |
 * | YEAR                               | INT                   | number (the zero year stays 0)       |
 * | DATE                               | DATE                  | epoch days                           |
 * | DATETIME, TIMESTAMP (fsp≤3 / >3)   | DATETIME / TIMESTAMP  | epoch ms / epoch s + ns (UTC)        |
 * | TIME                               | STRING                | MySQL's text (`-838:59:59.000000`)   |
 * | CHAR…LONGTEXT, ENUM, SET, JSON     | STRING                | the text (UTF-8 on the wire)         |
 * | BINARY…LONGBLOB, GEOMETRY family   | BINARY                | the bytes (GEOMETRY: SRID + WKB)     |
 *
 * Zero and impossible dates become NULL (temporal.ts). Converters are built once per column
 * (per table shape, see table-layout.ts); they throw `CellRejection` for a cell MaxCompute would
 * refuse (rejected-cell.ts), and InvariantError for a value the source should never produce.
 */
import { InvariantError } from '../../errors.ts';
import { baseTypeName, bitToDecimal, fractionalDigits, typeArguments, type Column, type TableSchema, type Value } from '../../record/index.ts';
import { UnsupportedColumnTypeError } from './errors.ts';
import { CellRejection, MAX_CELL_BYTES, oversizeTextBytes } from './rejected-cell.ts';
import { epochDaysOfDate, epochMillisOf, timestampOf } from './temporal.ts';
import type { OdpsTypeName, OdpsValue } from './types.ts';

export type CellValue = Exclude<Value, null>;
export type CellConverter = (value: CellValue) => OdpsValue;

export interface ColumnMapping {
  readonly type: OdpsTypeName;
  readonly convert: CellConverter;
}

/** MaxCompute DECIMAL's limits (2.0 type system). */
const MAX_DECIMAL_PRECISION = 38;
const MAX_DECIMAL_SCALE = 18;
const INT64_MIN_TEXT = '-9223372036854775808';

const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'json']);
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

/** The MaxCompute type of a column, or undefined when the destination does not map its type. */
export function odpsTypeOf(column: Column): OdpsTypeName | undefined {
  return mappingOf(column, '', '')?.type;
}

/** The type and converter of one column of `schema`; UnsupportedColumnTypeError for a type without a mapping. */
export function columnMappingOf(schema: TableSchema, column: Column): ColumnMapping {
  const mapping = mappingOf(column, schema.database, schema.table);
  if (!mapping) throw new UnsupportedColumnTypeError(schema.database, schema.table, column.name, column.type);
  return mapping;
}

function mappingOf(column: Column, database: string, table: string): ColumnMapping | undefined {
  const base = baseTypeName(column.type);
  const unsigned = column.unsigned;
  const where = (): string => `column ${column.name} of ${database}.${table} (${column.type})`;
  switch (base) {
    case 'tinyint':
    case 'bool':
    case 'boolean':
      return { type: unsigned ? 'SMALLINT' : 'TINYINT', convert: asNumber };
    case 'smallint':
      return { type: unsigned ? 'INT' : 'SMALLINT', convert: asNumber };
    case 'mediumint':
      return { type: 'INT', convert: asNumber };
    case 'int':
    case 'integer':
      return { type: unsigned ? 'BIGINT' : 'INT', convert: asNumber };
    case 'bigint':
      return unsigned ? { type: 'DECIMAL(20,0)', convert: asDecimalText } : { type: 'BIGINT', convert: bigintOf(column) };
    case 'decimal':
    case 'numeric': {
      const [p = '10', s = '0'] = typeArguments(column.type);
      const precision = Number(p);
      const scale = Number(s);
      const fits = precision <= MAX_DECIMAL_PRECISION && scale <= MAX_DECIMAL_SCALE;
      return { type: fits ? `DECIMAL(${precision},${scale})` : 'STRING', convert: asDecimalText };
    }
    case 'float':
      return { type: 'FLOAT', convert: asNumber };
    case 'double':
    case 'real':
      return { type: 'DOUBLE', convert: asNumber };
    case 'bit': {
      const width = Number(typeArguments(column.type)[0] ?? 1);
      return width <= 63 ? { type: 'BIGINT', convert: bitInteger } : { type: 'DECIMAL(20,0)', convert: bitDecimal };
    }
    case 'year':
      return { type: 'INT', convert: asNumber };
    case 'date':
      return { type: 'DATE', convert: dateOf(where) };
    case 'datetime':
    case 'timestamp':
      return fractionalDigits(column.type) <= 3 ? { type: 'DATETIME', convert: dateTimeOf(where) } : { type: 'TIMESTAMP', convert: timestampCellOf(where) };
    case 'time':
      return { type: 'STRING', convert: textOf(column.name, where) };
    default:
      if (TEXT_TYPES.has(base)) return { type: 'STRING', convert: textOf(column.name, where) };
      if (BINARY_TYPES.has(base) || GEOMETRY_TYPES.has(base)) return { type: 'BINARY', convert: bytesOf(column.name) };
      return undefined;
  }
}

/** Integers within ±2^53 are numbers already; anything else the source sent is its exact text. */
function asNumber(value: CellValue): OdpsValue {
  return typeof value === 'number' ? value : Number(value);
}

/** DECIMAL text is passed on exactly (MaxCompute parses it as a plain decimal); numbers print plainly below 1e21. */
function asDecimalText(value: CellValue): OdpsValue {
  return typeof value === 'string' ? value : String(value);
}

/** BIGINT: numbers within ±2^53, exact text beyond; MaxCompute's BIGINT has no -2^63. */
function bigintOf(column: Column): CellConverter {
  return (value) => {
    if (typeof value === 'number') return value;
    if (value === INT64_MIN_TEXT) {
      throw new CellRejection({
        reason: 'out-of-range',
        column: column.name,
        type: 'BIGINT',
        detail: 'MaxCompute BIGINT holds -2^63+1 … 2^63-1 and this row holds -2^63',
      });
    }
    return BigInt(value as string);
  };
}

/** BIT(n ≤ 63): the big-endian bytes as an integer (a number up to 6 bytes, a bigint past that). */
function bitInteger(value: CellValue): OdpsValue {
  if (!(value instanceof Uint8Array)) return asNumber(value);
  if (value.byteLength <= 6) {
    let n = 0;
    for (let i = 0; i < value.byteLength; i++) n = n * 256 + value[i]!;
    return n;
  }
  let n = 0n;
  for (let i = 0; i < value.byteLength; i++) n = (n << 8n) | BigInt(value[i]!);
  return n;
}

/** BIT(64): may exceed BIGINT, so DECIMAL(20,0) text. */
function bitDecimal(value: CellValue): OdpsValue {
  return value instanceof Uint8Array ? bitToDecimal(value) : String(value);
}

function dateOf(where: () => string): CellConverter {
  return (value) => {
    const days = epochDaysOfDate(value as string);
    if (days === undefined) throw malformed(where(), 'YYYY-MM-DD');
    return days;
  };
}

function dateTimeOf(where: () => string): CellConverter {
  return (value) => {
    const ms = epochMillisOf(value as string);
    if (ms === undefined) throw malformed(where(), 'YYYY-MM-DD hh:mm:ss[.fff]');
    return ms;
  };
}

function timestampCellOf(where: () => string): CellConverter {
  return (value) => {
    const ts = timestampOf(value as string);
    if (ts === undefined) throw malformed(where(), 'YYYY-MM-DD hh:mm:ss.ffffff');
    return ts;
  };
}

function malformed(where: string, form: string): InvariantError {
  return new InvariantError(`a value of ${where} is not in the form ${form}`);
}

/** Text as decoded by the source (sent as UTF-8), at most 8 MiB of it. */
function textOf(column: string, where: () => string): CellConverter {
  return (value) => {
    if (typeof value !== 'string') {
      if (typeof value === 'number') return String(value);
      throw new InvariantError(`a value of ${where()} is bytes, not the decoded text`);
    }
    const bytes = oversizeTextBytes(value);
    if (bytes > 0) throw new CellRejection({ reason: 'too-large', column, bytes, limit: MAX_CELL_BYTES });
    return value;
  };
}

/** Bytes as stored, at most 8 MiB of them. */
function bytesOf(column: string): CellConverter {
  return (value) => {
    const bytes = value instanceof Uint8Array ? value : Buffer.from(String(value), 'utf8');
    if (bytes.byteLength > MAX_CELL_BYTES) throw new CellRejection({ reason: 'too-large', column, bytes: bytes.byteLength, limit: MAX_CELL_BYTES });
    return bytes;
  };
}
