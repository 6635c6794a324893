export { beat } from './beat.ts';
export { HeartbeatPrivilegeError, type HeartbeatPrivilege } from './errors.ts';
export { isHeartbeatTable, parseHeartbeatTable, writeHeartbeat, type HeartbeatTable } from './table.ts';
export { heartbeatOf, type HeartbeatOptions } from './options.ts';
