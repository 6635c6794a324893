/** Errors of the operations layer. */
import { DtsError, ErrorCodes } from '../errors.ts';

/** A DTS retry window ran out: the task is FAILED; restarting resumes from its checkpoint. */
export class RetryWindowExceededError extends DtsError {
  readonly attempts: number;
  readonly firstFailureAt: number;
  constructor(window: 'connection' | 'other', minutes: number, attempts: number, firstFailureAt: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `gave up after retrying for ${minutes} minute${minutes === 1 ? '' : 's'} (${attempts} attempts, the ${window === 'connection' ? 'failed-connection' : 'other-issues'} retry window): ${reason}`,
      { code: ErrorCodes.RETRY_WINDOW_EXCEEDED, retriable: false, cause, context: { window, attempts } },
    );
    this.attempts = attempts;
    this.firstFailureAt = firstFailureAt;
  }
}

/** A lifecycle operation that does not apply to the task's current status (e.g. pause a FAILED task). */
export class OperationRefusedError extends DtsError {
  constructor(operation: string, task: string, status: string, why: string) {
    super(`cannot ${operation} task ${task}: it is ${status}; ${why}`, { code: ErrorCodes.OPERATION_REFUSED, retriable: false, context: { taskName: task } });
  }
}
