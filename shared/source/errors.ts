/** Errors of the source stage. */
import { DtsError, ErrorCodes, type ErrorContext } from '../errors.ts';
import type { Finding } from '../precheck/finding.ts';

/** The source is unreachable or dropped the connection: retried within the connection window. */
export class SourceConnectionError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.SOURCE_CONNECTION, retriable: true, context, cause });
  }
}

/** The binlog holds something the reader must not skip and cannot decode. */
export class UnsupportedEventError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.SOURCE_UNSUPPORTED_EVENT, retriable: false, context, cause });
  }
}

/**
 * The source is not set up for change capture; the message says which setting to change. When
 * precheck items failed, `findings` are those items (plain data, so a reader thread posts them to
 * the main thread as they are) and the message names each with its fix.
 */
export class SourcePrecheckError extends DtsError {
  readonly findings: readonly Finding[];

  constructor(message: string, context?: ErrorContext, findings: readonly Finding[] = []) {
    super(message, { code: ErrorCodes.SOURCE_PRECHECK, retriable: false, context });
    this.findings = findings;
  }

  static ofFindings(failed: readonly Finding[]): SourcePrecheckError {
    // `items` in the context too: every log line and JSON error that carries a context names them.
    return new SourcePrecheckError(
      `the source is not ready for incremental sync:\n  - ${failed.map((f) => `${f.message}: ${f.fix}`).join('\n  - ')}`,
      { items: failed.map((f) => f.id).join(',') },
      failed,
    );
  }

  override toJSON(): Record<string, unknown> {
    return this.findings.length > 0 ? { ...super.toJSON(), findings: this.findings } : super.toJSON();
  }
}

/** The stored position is gone from the source (binlogs purged). */
export class PositionLostError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.SOURCE_POSITION_LOST, retriable: false, context, cause });
  }
}

/**
 * TLS to the source cannot work as configured (an untrusted or mismatched certificate, a server
 * without TLS, an unusable PEM): final, since retrying cannot help until `source.ssl` changes.
 */
export class SourceTlsError extends DtsError {
  constructor(message: string, context?: ErrorContext, cause?: unknown) {
    super(message, { code: ErrorCodes.SOURCE_TLS, retriable: false, context, cause });
  }
}
