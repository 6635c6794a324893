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
 * Ours: `task_name`, the task's name (README "Record ids across tasks"): ids are unique per task
 * only, so consumers of a topic two tasks write tell the records apart by it.
 * Keys are written in the order below.
 */
import type { DdlRecord, RowRecord, TableSchema } from '../../record/index.ts';

export const TASK_NAME_TAG = 'task_name';

export function pkUkInfoOf(schema: TableSchema): string {
  return schema.pkNames.length > 0 ? JSON.stringify({ PRIMARY: schema.pkNames }) : '{}';
}

export function rowTags(record: RowRecord, pkUkInfo: string, taskName?: string): Record<string, string> {
  const tags: Record<string, string> = { pk_uk_info: pkUkInfo, server_id: String(record.source.serverId) };
  if (taskName !== undefined) tags[TASK_NAME_TAG] = taskName;
  return tags;
}

export function ddlTags(record: DdlRecord, sourceTimestamp: number, taskName?: string): Record<string, string> {
  const tags: Record<string, string> = {};
  if (record.source.gtid !== null) tags.GTID = record.source.gtid;
  tags.commitTimestamp = String(sourceTimestamp);
  tags.server_id = String(record.source.serverId);
  if (taskName !== undefined) tags[TASK_NAME_TAG] = taskName;
  return tags;
}
