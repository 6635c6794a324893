/**
 * The `_log` partition of a change: the year, month, day, hour and minute of its binlog time in
 * UTC, for the levels the task chose. Values are zero-padded (`2026`, `01`, `09`, `05`, `07`) so
 * that partitions sort as strings in time order (`month=10` after `month=09`, not after `month=1`).
 * DTS does not document its own format; this choice is ours and docs/maxcompute.md says so.
 *
 * Consecutive changes nearly always fall in the same minute, so the spec of the last minute is
 * kept and handed out again: the same array object, which the sink may use to group rows cheaply.
 */
import { partitionColumnsOf, sortedLevels, type LogLayoutOptions, type PartitionLevel } from './naming-rule.ts';
import type { OdpsPartitionSpec } from './types.ts';

const MS_PER_MINUTE = 60_000;
const NOT_PARTITIONED: OdpsPartitionSpec = Object.freeze([]);

/** A function from a change's time (epoch ms) to its partition spec; one per layout (it keeps the last minute). */
export function createPartitionSpecOf(options: LogLayoutOptions): (timestampMs: number) => OdpsPartitionSpec {
  const levels = sortedLevels(options.partitionKeys);
  if (levels.length === 0) return () => NOT_PARTITIONED;
  const names = partitionColumnsOf(options.namingRule, levels).map((c) => c.name);
  let lastMinute = Number.NaN;
  let lastSpec: OdpsPartitionSpec = NOT_PARTITIONED;
  return (timestampMs) => {
    const minute = Math.floor(timestampMs / MS_PER_MINUTE);
    if (minute !== lastMinute) {
      const date = new Date(minute * MS_PER_MINUTE);
      lastSpec = Object.freeze(levels.map((level, i) => Object.freeze([names[i]!, levelValue(date, level)] as const)));
      lastMinute = minute;
    }
    return lastSpec;
  };
}

function levelValue(date: Date, level: PartitionLevel): string {
  switch (level) {
    case 'year':
      return String(date.getUTCFullYear()).padStart(4, '0');
    case 'month':
      return pad2(date.getUTCMonth() + 1);
    case 'day':
      return pad2(date.getUTCDate());
    case 'hour':
      return pad2(date.getUTCHours());
    case 'minute':
      return pad2(date.getUTCMinutes());
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
