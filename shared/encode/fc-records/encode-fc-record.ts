/**
 * One element of the `Records` array DTS sends to a Function Compute function
 * (reference/dts-docs/004 "Data format received by the destination service"), as JSON text.
 *
 * Fields, in the order DTS writes them (its java.util.HashMap order, see java-hash-map-order.ts):
 *   data, pkNames, old, type, serverId, es, sql, database, sqlType, mysqlType, id, isDdl, table, ts
 * - `type`: INSERT, UPDATE, DELETE, INIT (full data sync) or DDL; `isDdl` true only for DDL.
 * - `data`: one row object, column name → value string (values rendered as DTS's Canal Json
 *   renders them; SQL NULL is JSON null): the after image, or the before image for DELETE.
 * - `old`: UPDATE only, the whole before image in the same form.
 * - `sqlType`: column → MySQL protocol type code (varchar 253, int 3); `mysqlType`: column →
 *   bare type name (`varchar`, `int`); `pkNames`: key column names.
 * - `sql`: '' for rows, the statement for DDL. `serverId`: the source's server id, as a string.
 * - `es`: source event time (ms); `ts`: `options.nowMs` (no clock here); `id`: the record id.
 * Fields without a value are left out, as in the documented DDL example (DDL records carry no
 * data, pkNames, old, sqlType or mysqlType).
 */
import { checkedImage, dataImageOf } from '../row-images.ts';
import type { ChangeRecord, DdlRecord, Row, RowRecord } from '../../record/index.ts';
import { tablePlanOf, type TablePlan } from './table-plan.ts';

export interface FcRecordOptions {
  /** Milliseconds since the epoch when the record is handed to the function, written as `ts`. */
  readonly nowMs: number;
}

export function encodeFcRecord(record: ChangeRecord, options: FcRecordOptions): string {
  return record.op === 'DDL' ? ddlRecord(record, options.nowMs) : rowRecord(record, options.nowMs);
}

function rowRecord(record: RowRecord, nowMs: number): string {
  const plan = tablePlanOf(record.schema);
  let text = `{"data":[${rowObject(dataImageOf(record), plan)}]`;
  if (plan.pkNames !== undefined) text += `,"pkNames":${plan.pkNames}`;
  if (record.op === 'UPDATE') text += `,"old":[${rowObject(checkedImage(record, record.before), plan)}]`;
  return (
    `${text},"type":"${record.op}","serverId":"${record.source.serverId}","es":${record.source.timestampMs},"sql":""` +
    `,"database":${plan.database},"sqlType":${plan.sqlType},"mysqlType":${plan.mysqlType}` +
    `,"id":${record.id},"isDdl":false,"table":${plan.table},"ts":${nowMs}}`
  );
}

function rowObject(image: Row, plan: TablePlan): string {
  let text = '';
  for (const i of plan.order) text += `${text === '' ? '' : ','}${plan.keys[i]}${plan.values[i]!(image[i]!)}`;
  return `{${text}}`;
}

function ddlRecord(record: DdlRecord, nowMs: number): string {
  return (
    `{"type":"DDL","serverId":"${record.source.serverId}","es":${record.source.timestampMs},"sql":${JSON.stringify(record.sql)}` +
    `,"database":${JSON.stringify(record.database)},"id":${record.id},"isDdl":true,"table":${JSON.stringify(record.table)},"ts":${nowMs}}`
  );
}
