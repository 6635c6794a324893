/**
 * `Record.tags` (formats.md §1.6). Only tags §1.6 lists, and only those the record can fill
 * truthfully; the encoder has no clock and no reader state:
 * - rows: `pk_uk_info`, the key as DTS writes it, `{"PRIMARY":["id"]}` (the key columns of
 *   `TableSchema.pkNames`, which may be a unique key standing in for a missing primary key; the
 *   SDK marks these as primary), `{}` for a table without one; `server_id`.
 * - DDL: `GTID` (when the server has GTIDs), `commitTimestamp` (seconds), `server_id`.
 * Left out: `readerThroughoutTime` (the time DTS's reader handled the event: a clock),
 * `thread_id`, `metaVersion` (DTS's internal schema version), `lowerCaseTableNames` and the
 * `Q_*` query-event codes, none of which the record carries.
 * Keys are written in the order below.
 */
import type { DdlRecord, RowRecord, TableSchema } from '../../../../../shared/record/index.ts';

export function pkUkInfoOf(schema: TableSchema): string {
  return schema.pkNames.length > 0 ? JSON.stringify({ PRIMARY: schema.pkNames }) : '{}';
}

export function rowTags(record: RowRecord, pkUkInfo: string): Record<string, string> {
  return { pk_uk_info: pkUkInfo, server_id: String(record.source.serverId) };
}

export function ddlTags(record: DdlRecord, sourceTimestamp: number): Record<string, string> {
  const tags: Record<string, string> = {};
  if (record.source.gtid !== null) tags.GTID = record.source.gtid;
  tags.commitTimestamp = String(sourceTimestamp);
  tags.server_id = String(record.source.serverId);
  return tags;
}
