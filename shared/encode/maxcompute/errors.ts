/**
 * Errors of the MaxCompute layout. They name tables, columns and types, never cell values. The
 * sink decides what a rejected cell means (RecordTooLargeError, dead-letter), so the row encoder
 * reports it as data (`RejectedCell`) rather than throwing.
 */
import { DtsError, ErrorCodes, type ErrorContext } from '../../errors.ts';
import type { MaxComputeFinding } from './precheck.ts';

/** A source column whose MySQL type has no MaxCompute mapping. */
export class UnsupportedColumnTypeError extends DtsError {
  constructor(database: string, table: string, column: string, type: string) {
    super(
      `column ${column} of ${database}.${table} has type ${type}, which the MaxCompute destination does not map; ` +
        'remove the table from the task (objects) or change the column to a supported type (see the type mapping in docs/maxcompute.md)',
      { code: ErrorCodes.MAXCOMPUTE_COLUMN_TYPE, retriable: false, context: { database, table, column, type } },
    );
  }
}

/** The selected tables cannot be laid out in MaxCompute as they are: every finding, each with its fix. */
export class MaxComputePrecheckError extends DtsError {
  readonly findings: readonly MaxComputeFinding[];

  constructor(findings: readonly MaxComputeFinding[], context?: ErrorContext) {
    super(`the MaxCompute precheck failed:\n  - ${findings.map((f) => f.message).join('\n  - ')}`, {
      code: ErrorCodes.MAXCOMPUTE_PRECHECK,
      retriable: false,
      context: { ...context, findings: findings.length, ...(findings[0] ? { database: findings[0].database, table: findings[0].table } : {}) },
    });
    this.findings = findings;
  }
}
