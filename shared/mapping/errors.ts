/** A mapping that cannot be applied to a table as the source defines it: the task stops before delivering it. */
import { DtsError, ErrorCodes, type ErrorContext } from '../errors.ts';

export class MappingError extends DtsError {
  constructor(message: string, context: ErrorContext) {
    super(message, { code: ErrorCodes.MAPPING, context, retriable: false });
  }
}
