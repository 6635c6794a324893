/**
 * `source.start: { gtid }` checked against the source before the binlog connection asks for it, so
 * a set the server cannot serve fails the task at once with what to change in the task file,
 * instead of the server's bare replication error (1236) or a retried connection failure.
 * MySQL writes sets as `uuid:1-5:7,uuid2:1-3`, MariaDB as `domain-server-seq,…`: each server reads
 * only its own form.
 */
import { SourcePrecheckError } from './errors.ts';
import type { SqlQuery } from './schema/table-schemas.ts';

const PATH = 'source.start.gtid';
const MYSQL_SET = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?::\d+(?:-\d+)?)+(?:,(?!$)|$))*$/i;
const MARIADB_SET = /^(?:\d+-\d+-\d+(?:,(?!$)|$))*$/;

/** The set with the whitespace MySQL prints after commas (`@@gtid_executed` has newlines) removed. */
export function normalizeGtidSet(set: string): string {
  return set.replace(/\s+/g, '');
}

/** Throws SourcePrecheckError naming source.start.gtid when the source cannot start from `set`. */
export async function checkGtidStart(query: SqlQuery, isMariaDb: boolean, set: string): Promise<void> {
  const gtid = normalizeGtidSet(set);
  const context = { path: PATH };
  if (isMariaDb) {
    if (!MARIADB_SET.test(gtid)) {
      throw new SourcePrecheckError(
        `${PATH} "${set}" is not a MariaDB GTID position: write domain-server-sequence triples separated by commas (such as "0-1-42", from SELECT @@gtid_binlog_pos), or start from "current"`,
        context,
      );
    }
    return; // MariaDB has no purged set to compare with; a purged start fails on connect (PositionLostError)
  }
  const [mode] = await query<{ mode: string }>('SELECT @@gtid_mode AS mode', []);
  if (mode?.mode.toUpperCase() !== 'ON') {
    throw new SourcePrecheckError(
      `${PATH} is set, but the source runs with gtid_mode=${mode?.mode ?? 'unknown'}: start from a file and position ({ file, position }) or "current", or turn GTIDs on (gtid_mode=ON, enforce_gtid_consistency=ON)`,
      context,
    );
  }
  if (!MYSQL_SET.test(gtid)) {
    throw new SourcePrecheckError(
      `${PATH} "${set}" is not a MySQL GTID set: write source_uuid:first-last intervals separated by commas (such as "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", from SELECT @@gtid_executed), or start from "current"`,
      context,
    );
  }
  const [sets] = await query<{ executed: string; purged: string; covered: number | string; known: number | string }>(
    'SELECT @@gtid_executed AS executed, @@gtid_purged AS purged, GTID_SUBSET(@@gtid_purged, ?) AS covered, GTID_SUBSET(?, @@gtid_executed) AS known',
    [gtid, gtid],
  );
  if (!sets) throw new SourcePrecheckError(`the source returned nothing for its GTID sets while checking ${PATH}`, context);
  if (Number(sets.covered) !== 1) {
    throw new SourcePrecheckError(
      `${PATH} "${set}" lacks transactions whose binlogs the source has already purged (gtid_purged ${normalizeGtidSet(sets.purged)}), so they can no longer be read: start from "current" with a full sync (syncTypes ["full", "incremental"]), or give a set that contains gtid_purged; keep binlogs longer (binlog_expire_logs_seconds, 7 days as DTS advises)`,
      { ...context, purged: normalizeGtidSet(sets.purged) },
    );
  }
  if (Number(sets.known) !== 1) {
    throw new SourcePrecheckError(
      `${PATH} "${set}" names transactions this source never executed (its gtid_executed is ${normalizeGtidSet(sets.executed)}): was it taken from another server? Use a set from this server's SELECT @@gtid_executed, or start from "current"`,
      { ...context, executed: normalizeGtidSet(sets.executed) },
    );
  }
}
