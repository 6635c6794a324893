/**
 * The Canal `type` of a DDL message (formats.md §2.1, §2.5): canal's `EventType` as its
 * DruidDdlParser assigns it; statements it does not classify (views, routines, triggers,
 * databases) are `QUERY`.
 */
import type { DdlKind } from '../../../../../shared/record/index.ts';

export type CanalDdlType = 'CREATE' | 'ALTER' | 'ERASE' | 'RENAME' | 'TRUNCATE' | 'CINDEX' | 'DINDEX' | 'QUERY';

const byKind: Partial<Record<DdlKind, CanalDdlType>> = {
  CREATE_TABLE: 'CREATE',
  ALTER_TABLE: 'ALTER',
  DROP_TABLE: 'ERASE',
  RENAME_TABLE: 'RENAME',
  TRUNCATE_TABLE: 'TRUNCATE',
  CREATE_INDEX: 'CINDEX',
  DROP_INDEX: 'DINDEX',
};

export function canalDdlType(kind: DdlKind): CanalDdlType {
  return byKind[kind] ?? 'QUERY';
}
