/**
 * zongji's `includeSchema` option from the task's object selection: whole databases as `true`,
 * else their table names, plus the signal table (its rows are requests to the reader). zongji then
 * skips the row events of every other table before decoding them. Kept here so zongji's option
 * shapes stay inside binlog/.
 */
import type { ObjectSelection } from '../object-selection.ts';
import type { SignalTable } from '../snapshot/signal.ts';

export type IncludeSchema = Record<string, string[] | true>;

export function includeSchemaOf(selection: ObjectSelection, signal: SignalTable | null): IncludeSchema {
  const include: IncludeSchema = {};
  for (const [database, tables] of selection.tablesByDatabase) include[database] = tables === true ? true : [...tables];
  if (signal) {
    const existing = include[signal.database];
    if (existing !== true) include[signal.database] = [...(existing ?? []), signal.table];
  }
  return include;
}
