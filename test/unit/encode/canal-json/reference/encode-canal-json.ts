/**
 * DTS "Canal Json" (formats.md §2, flavour §2.7): one FlatMessage per record, UTF-8 JSON bytes.
 * Fields in the published alphabetical order:
 *   data, database, es, id, isDdl, mysqlType, old, pkNames, sql, sqlType, table, ts, type
 * (DTS's sample has no `gtid`, so neither do we); null-valued fields are written.
 * - DTS writes one row per message: `data` holds exactly one row (the after image, or the before
 *   image for DELETE); `old` (UPDATE only) holds the before values of the changed columns.
 * - `es` = source event time (ms), `id` = record id, `ts` = `options.nowMs` (no clock here).
 * - DDL: `isDdl:true`, `type` per ddl-type.ts, `sql` = statement; the row fields are null.
 * Built by concatenation from per-table fragments (schema-fragments.ts); JSON.stringify is
 * used only for strings.
 */
import { InvariantError } from '../../../../../shared/errors.ts';
import type { ChangeRecord, DdlRecord, Row, RowRecord, Value } from '../../../../../shared/record/index.ts';
import { canalDdlType } from '../../../../../shared/encode/canal-json/ddl-type.ts';
import { fragmentsOf, type SchemaFragments } from './schema-fragments.ts';

export interface CanalJsonOptions {
  /** Milliseconds since the epoch at encoding, written as `ts`. */
  readonly nowMs: number;
}

/**
 * INIT rows (full data sync) are written as `INSERT`, as DTS does for Canal Json: canal has no
 * event type for them and consumers treat them as inserts.
 */
const rowType = { INSERT: 'INSERT', INIT: 'INSERT', UPDATE: 'UPDATE', DELETE: 'DELETE' } as const;

export function encodeCanalJson(record: ChangeRecord, options: CanalJsonOptions): Buffer {
  const text = record.op === 'DDL' ? ddlMessage(record, options.nowMs) : rowMessage(record, options.nowMs);
  return Buffer.from(text, 'utf8');
}

function rowMessage(record: RowRecord, nowMs: number): string {
  const fragments = fragmentsOf(record.schema);
  const image = record.op === 'DELETE' ? record.before : record.after;
  checkImage(record, image, fragments);
  const { dataKeys, values } = fragments;
  let data = '';
  let old = 'null';
  if (record.op === 'UPDATE') {
    const before = record.before;
    checkImage(record, before, fragments);
    const afterJson: string[] = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const json = values[i]!(image[i] as Value);
      afterJson[i] = json;
      data += dataKeys[i] + json;
    }
    old = oldRow(fragments, before, image, afterJson);
  } else {
    for (let i = 0; i < values.length; i++) data += dataKeys[i] + values[i]!(image[i] as Value);
  }
  return `{"data":[{${data}${fragments.afterData}${record.source.timestampMs},"id":${record.id}${fragments.beforeOld}${old}${fragments.afterOld}${nowMs},"type":"${rowType[record.op]}"}`;
}

/**
 * `[{…}]` with the before values of the columns whose value string changed (canal's
 * `Column.updated`: NULL ↔ value counts as a change); `[{}]` when none did, as canal writes.
 */
function oldRow(fragments: SchemaFragments, before: Row, after: Row, afterJson: readonly string[]): string {
  const { keys, values } = fragments;
  let old = '';
  for (let i = 0; i < values.length; i++) {
    const b = before[i] as Value;
    if (b === after[i]) continue;
    const beforeJson = values[i]!(b);
    if (beforeJson === afterJson[i]) continue;
    old += (old === '' ? '' : ',') + keys[i] + beforeJson;
  }
  return `[{${old}}]`;
}

function checkImage(record: RowRecord, image: Row | null, fragments: SchemaFragments): asserts image is Row {
  if (image === null || image.length !== fragments.values.length) {
    throw new InvariantError(`${record.op} record ${record.id} has ${image === null ? 'no' : `a ${image.length}-value`} row image for ${fragments.values.length} columns`, {
      database: record.schema.database,
      table: record.schema.table,
    });
  }
}

function ddlMessage(record: DdlRecord, nowMs: number): string {
  return `{"data":null,"database":${JSON.stringify(record.database)},"es":${record.source.timestampMs},"id":${record.id},"isDdl":true,"mysqlType":null,"old":null,"pkNames":null,"sql":${JSON.stringify(record.sql)},"sqlType":null,"table":${JSON.stringify(record.table)},"ts":${nowMs},"type":"${canalDdlType(record.kind)}"}`;
}
