/**
 * The binlog's current end. MySQL 8.4 removed SHOW MASTER STATUS in favour of SHOW BINARY LOG
 * STATUS (8.2+); MariaDB and older MySQL know only the first. Try the old name, then the new one.
 */
import type { BinlogPoint } from '../record/index.ts';
import type { SqlQuery } from './schema/table-schemas.ts';

const PARSE_ERROR = 1064;

export async function binlogStatus(query: SqlQuery): Promise<BinlogPoint | null> {
  let rows: { File: string; Position: number | string }[];
  try {
    rows = await query('SHOW MASTER STATUS', []);
  } catch (err) {
    if ((err as { errno?: number }).errno !== PARSE_ERROR) throw err;
    rows = await query('SHOW BINARY LOG STATUS', []);
  }
  const [status] = rows;
  return status ? { file: status.File, position: Number(status.Position) } : null;
}
