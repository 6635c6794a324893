/** Errors of the full data sync. */
import { DtsError, ErrorCodes, type ErrorContext } from '../../errors.ts';

/** A table cannot be copied as configured; the message names it and says what to change. */
export class NoKeyTableError extends DtsError {
  constructor(message: string, context?: ErrorContext) {
    super(message, { code: ErrorCodes.FULL_SYNC_NO_KEY, retriable: false, context });
  }
}

/** A filter condition the source rejects or the stream cannot evaluate. */
export class FilterConditionError extends DtsError {
  constructor(message: string, context?: ErrorContext) {
    super(message, { code: ErrorCodes.FILTER_CONDITION, retriable: false, context });
  }
}

/** The source refused a full-sync query outright (privileges, a dropped table): retrying cannot help. */
export class FullSyncQueryError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.FULL_SYNC_QUERY, retriable: false, context, cause });
  }
}
