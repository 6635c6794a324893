/** Errors of the task file: each names where in the file the problem is and what was expected. */
import { DtsError, ErrorCodes } from '../errors.ts';

export interface TaskIssue {
  /** Dotted path into the task file: `destinations[0].brokers`. */
  readonly path: string;
  readonly message: string;
}

export class TaskConfigError extends DtsError {
  readonly issues: readonly TaskIssue[];
  constructor(file: string, issues: readonly TaskIssue[], cause?: unknown) {
    const lines = issues.map((i) => `  - ${i.path || '(top level)'}: ${i.message}`).join('\n');
    super(`task file ${file} is not valid:\n${lines}`, { code: ErrorCodes.TASK_CONFIG, context: { path: file }, cause });
    this.issues = issues;
  }
}
