/**
 * The DTS metadata and partition columns of `<table>_log` under the two naming rules
 * (specs/maxcompute.md §7; DTS "Naming Rules of Additional Columns"):
 *
 * | old              | new                             | type   |
 * |------------------|---------------------------------|--------|
 * | record_id        | new_dts_sync_record_id          | BIGINT |
 * | operation_flag   | new_dts_sync_operation_flag     | STRING |
 * | utc_timestamp    | new_dts_sync_utc_timestamp      | BIGINT |
 * | before_flag      | new_dts_sync_before_flag        | STRING |
 * | after_flag       | new_dts_sync_after_flag         | STRING |
 * | modifytime_<lvl> | new_dts_sync_modifytime_<lvl>   | STRING (partition key) |
 *
 * DTS shows these types only in a picture; BIGINT for the id and the epoch-seconds timestamp
 * and STRING for the flags follow from its merge query (it compares `utc_timestamp` with a
 * number and the flags with 'Y'). Partition levels always come in the order year → minute,
 * whatever order the task lists them in, so the partitions nest from coarse to fine.
 */
import type { OdpsColumn } from './types.ts';

export type NamingRule = 'new' | 'old';

/** The modifytime levels DTS offers for `_log` partitions, coarse to fine. */
export const PARTITION_LEVELS = ['year', 'month', 'day', 'hour', 'minute'] as const;
export type PartitionLevel = (typeof PARTITION_LEVELS)[number];

/** What shapes `_log`: the task's naming rule and the chosen partition levels (any subset, any order). */
export interface LogLayoutOptions {
  readonly namingRule: NamingRule;
  readonly partitionKeys: readonly PartitionLevel[];
}

const METADATA = [
  ['record_id', 'BIGINT'],
  ['operation_flag', 'STRING'],
  ['utc_timestamp', 'BIGINT'],
  ['before_flag', 'STRING'],
  ['after_flag', 'STRING'],
] as const;

const NEW_PREFIX = 'new_dts_sync_';

function prefixOf(rule: NamingRule): string {
  return rule === 'new' ? NEW_PREFIX : '';
}

/** The five metadata columns, in the order they open every `_log` row. */
export function metadataColumnsOf(rule: NamingRule): readonly OdpsColumn[] {
  const prefix = prefixOf(rule);
  return METADATA.map(([name, type]) => ({ name: prefix + name, type }));
}

/** The partition key columns for the chosen levels, in year → minute order, all STRING. */
export function partitionColumnsOf(rule: NamingRule, levels: readonly PartitionLevel[]): readonly OdpsColumn[] {
  return sortedLevels(levels).map((level) => ({ name: `${prefixOf(rule)}modifytime_${level}`, type: 'STRING' }));
}

/** The chosen levels without repeats, coarse to fine. */
export function sortedLevels(levels: readonly PartitionLevel[]): readonly PartitionLevel[] {
  return PARTITION_LEVELS.filter((level) => levels.includes(level));
}

/** The names `_log` adds besides the business columns (metadata and chosen partition keys), lower case. */
export function reservedNamesOf(options: LogLayoutOptions): ReadonlySet<string> {
  const added = [...metadataColumnsOf(options.namingRule), ...partitionColumnsOf(options.namingRule, options.partitionKeys)];
  return new Set(added.map((c) => c.name.toLowerCase()));
}
