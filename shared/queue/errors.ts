/** Errors of the queue: each names the queue (directory or Redis key), the file, offset or seq, and what to do. */
import { DtsError, ErrorCodes, type ErrorContext } from '../errors.ts';

/** The queue could not store or read a batch: disk, permissions, another writer, Redis. A retry may help. */
export class QueueIoError extends DtsError {
  constructor(message: string, context: ErrorContext = {}, cause?: unknown) {
    super(message, { code: ErrorCodes.QUEUE_IO, retriable: true, context, cause });
  }
}

/** Stored bytes are not what was written (checksum, framing, format). Retrying reads the same bytes. */
export class QueueCorruptError extends DtsError {
  constructor(message: string, context: ErrorContext = {}, cause?: unknown) {
    super(message, { code: ErrorCodes.QUEUE_CORRUPT, retriable: false, context, cause });
  }
}

/**
 * A seq outside what the queue holds: below what retention dropped, or a commit past the last
 * appended batch. Retrying cannot help; the cursor or the caller is wrong.
 */
export class QueueRangeError extends DtsError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, { code: ErrorCodes.QUEUE_RANGE, retriable: false, context });
  }
}
