/**
 * Why a MySQL 8 event could not be decoded. Stopping is safer than skipping rows, so these are final
 * (not retriable); the message names the field and offset, never a row value.
 */
import { DtsError, ErrorCodes, type ErrorContext } from '../../../errors.ts';

/** The bytes do not follow the event's documented layout (truncated, wrong lengths, unknown codes). */
export class MalformedEventError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.SOURCE_MALFORMED_EVENT, retriable: false, context, cause });
  }
}
