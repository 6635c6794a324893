/**
 * The table plan of FC records (every encoder names so what it builds once per table): the parts
 * of an FC record that depend only on the table, computed once per `TableSchema`
 * object (records of one table share it): columns in DTS's map order, value renderers, and the
 * `sqlType` / `mysqlType` / `pkNames` JSON.
 */
import { baseTypeName, perSchema, type TableSchema, type Value } from '../../record/index.ts';
import { valueStringOf } from '../canal-json/index.ts';
import { javaHashMapOrder } from './java-hash-map-order.ts';

/** A column value as JSON text: `null`, or the DTS value string as a JSON string. */
export type JsonValue = (value: Value) => string;

export interface TablePlan {
  /** Column indexes in the order DTS writes a row's keys. */
  readonly order: readonly number[];
  /** `"name":` per column (indexed like the table's columns). */
  readonly keys: readonly string[];
  readonly values: readonly JsonValue[];
  /** `["id"]`, or undefined when the table has no key (the field is then left out). */
  readonly pkNames: string | undefined;
  /** `{"name":253,…}`: MySQL protocol type codes. */
  readonly sqlType: string;
  /** `{"name":"varchar",…}`: bare type names. */
  readonly mysqlType: string;
  readonly database: string;
  readonly table: string;
}

export const tablePlanOf: (schema: TableSchema) => TablePlan = perSchema(buildPlan);

function buildPlan(schema: TableSchema): TablePlan {
  const names = schema.columns.map((c) => c.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const order = javaHashMapOrder(names).map((name) => index.get(name)!);
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  const map = (render: (i: number) => string) => `{${order.map((i) => keys[i]! + render(i)).join(',')}}`;
  return {
    order,
    keys,
    values: schema.columns.map((column) => jsonValueOf(valueStringOf(column))),
    pkNames: schema.pkNames.length > 0 ? JSON.stringify(schema.pkNames) : undefined,
    sqlType: map((i) => String(schema.columns[i]!.typeCode)),
    mysqlType: map((i) => JSON.stringify(baseTypeName(schema.columns[i]!.type))),
    database: JSON.stringify(schema.database),
    table: JSON.stringify(schema.table),
  };
}

function jsonValueOf(toString: ReturnType<typeof valueStringOf>): JsonValue {
  return (value) => (value === null ? 'null' : JSON.stringify(toString(value)));
}
