import { DtsError, ErrorCodes, type ErrorContext } from '../../errors.ts';

/**
 * The source user may not create or write the heartbeat table. Final, not retried: a grant fixes
 * it, time does not. The message names the missing privilege and the GRANT that adds it.
 */
export class HeartbeatPrivilegeError extends DtsError {
  constructor(
    message: string,
    readonly privilege: HeartbeatPrivilege,
    context?: ErrorContext,
    cause?: unknown,
  ) {
    super(message, { code: ErrorCodes.HEARTBEAT_PRIVILEGE, retriable: false, context: { ...context, privilege }, cause });
  }
}

/** SELECT: MariaDB checks it for the column an upsert's ON DUPLICATE KEY UPDATE sets. */
export type HeartbeatPrivilege = 'CREATE' | 'INSERT' | 'UPDATE' | 'SELECT';
