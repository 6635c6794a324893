/**
 * The table plan of Canal JSON (every encoder names so what it builds once per table): the parts
 * of a row message that depend only on the table (formats.md §2.1–2.3),
 * precompiled into UTF-8 byte templates once per `TableSchema` object (records of one table share
 * it; kept in a WeakMap), so a row costs only its values. Key order is the published alphabetical
 * one; a row message is
 *   head · (dataKeys[i] value)* · afterData · es · idKey · id · beforeOld · old · afterOld · ts · typeTail
 */
import { MysqlTypeCode, perSchema, type Column, type TableSchema } from '../../record/index.ts';
import { sqlTypeOf } from './sql-type.ts';

/** How a column's non-null values are written (value-string.ts has the same rules as text). */
export const ValueKind = { AS_IS: 0, FLOAT: 1, DOUBLE: 2, YEAR: 3, BIT: 4 } as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

export interface TablePlan {
  /** `"name":` per column: the first member of `old`. */
  readonly keys: readonly Uint8Array[];
  /** `,"name":`: later members of `old`, and every member of `data` (the first has no comma). */
  readonly dataKeys: readonly Uint8Array[];
  readonly commaKeys: readonly Uint8Array[];
  readonly kinds: readonly ValueKind[];
  /** `}],"database":…,"es":` closes `data`; es follows. */
  readonly afterData: Uint8Array;
  /** `,"isDdl":false,"mysqlType":{…},"old":` follows id; old follows. */
  readonly beforeOld: Uint8Array;
  /** `,"pkNames":…,"sql":"","sqlType":{…},"table":…,"ts":` follows old; ts follows. */
  readonly afterOld: Uint8Array;
  /** Bytes of a message without its values: room to ask for up front. */
  readonly fixedBytes: number;
  /** Scratch for UPDATE: where each after value lies in the message being written (start, end). */
  readonly spans: Int32Array;
  /** Scratch for UPDATE from stored images: where each after value starts in the payload, then where the last ends. */
  readonly valueStarts: Int32Array;
}

export const tablePlanOf: (schema: TableSchema) => TablePlan = perSchema(buildPlan);

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

function buildPlan(schema: TableSchema): TablePlan {
  const keys = schema.columns.map((column) => `${JSON.stringify(column.name)}:`);
  const mysqlType = schema.columns.map((column, i) => keys[i] + JSON.stringify(column.type)).join(',');
  const sqlType = schema.columns.map((column, i) => keys[i] + String(sqlTypeOf(column))).join(',');
  // canal leaves pkNames null when no column is a key.
  const pkNames = schema.pkNames.length > 0 ? JSON.stringify(schema.pkNames) : 'null';
  const plan = {
    keys: keys.map(utf8),
    dataKeys: keys.map((key, i) => utf8(i === 0 ? key : `,${key}`)),
    commaKeys: keys.map((key) => utf8(`,${key}`)),
    kinds: schema.columns.map(kindOf),
    afterData: utf8(`}],"database":${JSON.stringify(schema.database)},"es":`),
    beforeOld: utf8(`,"isDdl":false,"mysqlType":{${mysqlType}},"old":`),
    afterOld: utf8(`,"pkNames":${pkNames},"sql":"","sqlType":{${sqlType}},"table":${JSON.stringify(schema.table)},"ts":`),
    spans: new Int32Array(2 * schema.columns.length),
    valueStarts: new Int32Array(schema.columns.length + 1),
  };
  const fixedBytes = [plan.afterData, plan.beforeOld, plan.afterOld, ...plan.dataKeys].reduce((sum, bytes) => sum + bytes.length, 64);
  return { ...plan, fixedBytes };
}

/** Types whose values are not written as they are; every other type is AS_IS. */
const kindByType = new Map<number, ValueKind>([
  [MysqlTypeCode.FLOAT, ValueKind.FLOAT],
  [MysqlTypeCode.DOUBLE, ValueKind.DOUBLE],
  [MysqlTypeCode.YEAR, ValueKind.YEAR],
  [MysqlTypeCode.BIT, ValueKind.BIT],
]);

function kindOf(column: Column): ValueKind {
  return kindByType.get(column.typeCode) ?? ValueKind.AS_IS;
}
