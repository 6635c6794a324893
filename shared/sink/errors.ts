/** Errors every sink raises, so ops/ can decide retry, window and reason without knowing the sink. */
import { DtsError, ErrorCodes, type ErrorCode, type ErrorContext } from '../errors.ts';
import { areRowValuesShown } from '../log.ts';
import { formatRecordPosition, isRowRecord, type ChangeRecord } from '../record/index.ts';

/** The destination is unreachable: retried within the failed-connection window. */
export class SinkConnectionError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown, retriable = true) {
    super(message, { code: ErrorCodes.SINK_CONNECTION, retriable, context, cause });
  }
}

/**
 * The destination refused a write: retried within the other-issues window. A destination's own
 * kinds of refusal extend it with their own code (`code`), so ops/ still treats them as writes.
 */
export class SinkWriteError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown, retriable = true, code: ErrorCode = ErrorCodes.SINK_WRITE) {
    super(message, { code, retriable, context, cause });
  }
}

/** A record above the destination's size limit: never retried, never skipped silently. */
export class RecordTooLargeError extends DtsError {
  constructor(record: ChangeRecord, bytes: number, limit: number, fix: string, context?: ErrorContext) {
    const where = describeRecord(record);
    super(`${where.text} encodes to ${bytes} bytes, above the ${limit}-byte limit; ${fix}`, {
      code: ErrorCodes.RECORD_TOO_LARGE,
      retriable: false,
      context: { ...where.context, ...context },
    });
  }
}

/**
 * "INSERT of shop.orders primary key (id) at binlog.000003:1234 row 2": what an operator needs to
 * find a row: its table, key columns and position. The key's values appear (`primary key (id=5)`)
 * only when `values` is set: a descriptor written to a destination (dead-letter), or a task that
 * logs at debug (areRowValuesShown), since row values stay out of errors and logs otherwise.
 */
export function describeRecord(record: ChangeRecord, options: { values?: boolean } = {}): { text: string; context: ErrorContext } {
  const position = formatRecordPosition(record.source, record.seq);
  if (!isRowRecord(record)) {
    return { text: `DDL on ${record.database}.${record.table || '*'} at ${position}`, context: { database: record.database, table: record.table, position } };
  }
  const { schema } = record;
  const row = record.after ?? record.before ?? [];
  const values = options.values ?? areRowValuesShown();
  const key = schema.pkNames
    .map((name) => {
      if (!values) return name;
      const v = row[schema.columns.findIndex((c) => c.name === name)];
      return `${name}=${v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : String(v)}`;
    })
    .join(', ');
  const primaryKey = key || '(no primary key)';
  return {
    text: `${record.op} of ${schema.database}.${schema.table} primary key (${primaryKey}) at ${position}`,
    context: { database: schema.database, table: schema.table, primaryKey, position },
  };
}
