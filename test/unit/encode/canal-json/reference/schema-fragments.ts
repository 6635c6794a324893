/**
 * The parts of a Canal JSON row message that depend only on the table (formats.md §2.1–2.3):
 * computed once per `TableSchema` object (records of one table share it) and kept in a WeakMap,
 * so a row costs only its values. Key order is the published alphabetical one.
 */
import { perSchema, type TableSchema, type Value } from '../../../../../shared/record/index.ts';
import { sqlTypeOf } from '../../../../../shared/encode/canal-json/sql-type.ts';
import { valueStringOf, type ValueString } from './value-string.ts';

/** A column value as JSON text: `null` or a JSON string. */
export type JsonValue = (value: Value) => string;

export interface SchemaFragments {
  /** `"name":` per column. */
  readonly keys: readonly string[];
  /** `"name":` for the first column, `,"name":` after it: the members of a `data` row. */
  readonly dataKeys: readonly string[];
  readonly values: readonly JsonValue[];
  /** `}],"database":…,"es":` closes `data`; es follows. */
  readonly afterData: string;
  /** `,"isDdl":false,"mysqlType":{…},"old":` follows id; old follows. */
  readonly beforeOld: string;
  /** `,"pkNames":…,"sql":"","sqlType":{…},"table":…,"ts":` follows old; ts follows. */
  readonly afterOld: string;
}

export const fragmentsOf: (schema: TableSchema) => SchemaFragments = perSchema(buildFragments);

function buildFragments(schema: TableSchema): SchemaFragments {
  const keys = schema.columns.map((column) => `${JSON.stringify(column.name)}:`);
  const mysqlType = schema.columns.map((column, i) => keys[i] + JSON.stringify(column.type)).join(',');
  const sqlType = schema.columns.map((column, i) => keys[i] + String(sqlTypeOf(column))).join(',');
  // canal leaves pkNames null when no column is a key.
  const pkNames = schema.pkNames.length > 0 ? JSON.stringify(schema.pkNames) : 'null';
  return {
    keys,
    dataKeys: keys.map((key, i) => (i === 0 ? key : `,${key}`)),
    values: schema.columns.map((column) => jsonValueOf(valueStringOf(column))),
    afterData: `}],"database":${JSON.stringify(schema.database)},"es":`,
    beforeOld: `,"isDdl":false,"mysqlType":{${mysqlType}},"old":`,
    afterOld: `,"pkNames":${pkNames},"sql":"","sqlType":{${sqlType}},"table":${JSON.stringify(schema.table)},"ts":`,
  };
}

/** Number values render as digits, signs, `.`, `E`, `NaN` or `Infinity`: nothing to escape. */
function jsonValueOf(toString: ValueString): JsonValue {
  return (value) => {
    if (value === null) return 'null';
    if (typeof value === 'number') return `"${toString(value)}"`;
    return JSON.stringify(toString(value));
  };
}
