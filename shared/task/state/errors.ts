/** Errors of the task state stores. */
import { DtsError, ErrorCodes } from '../../errors.ts';

/** The state could not be read or written where the task keeps it. */
export class TaskStateIoError extends DtsError {
  constructor(message: string, where: string, cause?: unknown) {
    super(message, { code: ErrorCodes.TASK_STATE_IO, retriable: true, cause, context: { where } });
  }
}
