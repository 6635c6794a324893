/**
 * The column types this endpoint accepts (MaxCompute 2.0 scalar types), their canonical spelling
 * (lower case, as the service prints them in a table's JSON schema), and the wire family that
 * decides how a record field is framed and checksummed (specs/maxcompute.md §3.7). Complex types
 * (ARRAY, MAP, STRUCT) and INTERVAL types are refused: the DTS layout never uses them.
 */

/** How a field travels: the protobuf wire type and the bytes fed to the record CRC. */
export type WireFamily = 'sint64' | 'bool' | 'double' | 'float' | 'bytes' | 'timestamp';

export interface OdpsType {
  /** Canonical text: `bigint`, `varchar(20)`, `decimal(10,2)`, `timestamp_ntz` … */
  readonly text: string;
  /** Upper-case base name: `BIGINT`, `VARCHAR`, `DECIMAL` … */
  readonly base: string;
  readonly family: WireFamily;
  /** VARCHAR/CHAR length. */
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
}

const FAMILY: Readonly<Record<string, WireFamily>> = {
  BIGINT: 'sint64',
  INT: 'sint64',
  SMALLINT: 'sint64',
  TINYINT: 'sint64',
  DATETIME: 'sint64',
  DATE: 'sint64',
  BOOLEAN: 'bool',
  DOUBLE: 'double',
  FLOAT: 'float',
  STRING: 'bytes',
  VARCHAR: 'bytes',
  CHAR: 'bytes',
  BINARY: 'bytes',
  JSON: 'bytes',
  DECIMAL: 'bytes',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_NTZ: 'timestamp',
};

/** Protobuf wire type of each family: TIMESTAMP is tagged length-delimited but carries no length. */
export const WIRE_TYPE: Readonly<Record<WireFamily, number>> = { sint64: 0, bool: 0, double: 1, float: 5, bytes: 2, timestamp: 2 };

/** Integer ranges the narrow integer types must respect. */
export const INTEGER_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
};

/** Types a partition key may have. */
export const PARTITION_KEY_TYPES: ReadonlySet<string> = new Set(['STRING', 'VARCHAR', 'CHAR', 'BIGINT', 'INT', 'SMALLINT', 'TINYINT']);

export class OdpsTypeError extends Error {}

/** Parses `DECIMAL(10, 2)`, `varchar(20)`, `bigint` …; throws OdpsTypeError naming what is wrong. */
export function parseOdpsType(input: string): OdpsType {
  const text = input.trim().replace(/\s+/g, '');
  const match = /^([A-Za-z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(text);
  if (!match) throw new OdpsTypeError(`"${input}" is not a type this endpoint knows (scalar MaxCompute 2.0 types only)`);
  const base = match[1]!.toUpperCase();
  const family = FAMILY[base];
  if (family === undefined) throw new OdpsTypeError(`type ${base} is not supported by the local endpoint (scalar MaxCompute 2.0 types only: ${Object.keys(FAMILY).join(' ')})`);
  const a = match[2] === undefined ? undefined : Number(match[2]);
  const b = match[3] === undefined ? undefined : Number(match[3]);
  if (base === 'VARCHAR' || base === 'CHAR') {
    const max = base === 'VARCHAR' ? 65535 : 255;
    if (a === undefined || b !== undefined || a < 1 || a > max) throw new OdpsTypeError(`${base} needs one length in 1..${max}, e.g. ${base}(20); got "${input}"`);
    return { text: `${base.toLowerCase()}(${a})`, base, family, length: a };
  }
  if (base === 'DECIMAL') {
    if (a === undefined) return { text: 'decimal', base, family, precision: 54, scale: 18 };
    const scale = b ?? 0;
    if (a < 1 || a > 38 || scale > 18 || scale > a) throw new OdpsTypeError(`DECIMAL(precision, scale) needs 1 <= precision <= 38 and 0 <= scale <= min(precision, 18); got "${input}"`);
    return { text: `decimal(${a},${scale})`, base, family, precision: a, scale };
  }
  if (a !== undefined) throw new OdpsTypeError(`type ${base} takes no parameters; got "${input}"`);
  return { text: base.toLowerCase(), base, family };
}
