/**
 * The source user's privileges, from SHOW GRANTS (pure: the lines in, findings out). A DTS task
 * needs REPLICATION SLAVE and REPLICATION CLIENT on *.* (MariaDB 10.5+ shows the latter as
 * BINLOG MONITOR) and SELECT on every selected database or table. Privileges held through roles
 * (MySQL 8) are not listed by SHOW GRANTS, so a missing one is a warning when roles are granted.
 */
import { fail, listing, pass, warn, type Finding, type Listing } from './finding.ts';

interface Grant {
  readonly privileges: ReadonlySet<string>;
  /** Unquoted database pattern ('*' for *.*), with LIKE wildcards as GRANT allows them. */
  readonly database: string;
  /** Unquoted table name, '*' for every table. */
  readonly table: string;
}

export interface GrantSet {
  readonly grants: readonly Grant[];
  readonly hasRoles: boolean;
}

const unquote = (s: string): string => (s.startsWith('`') ? s.slice(1, -1).replace(/``/g, '`') : s);

export function parseGrants(lines: readonly string[]): GrantSet {
  const grants: Grant[] = [];
  let hasRoles = false;
  for (const line of lines) {
    const m = /^GRANT (.+?) ON (?:TABLE )?(\*|`(?:[^`]|``)+`|\w+)\.(\*|`(?:[^`]|``)+`|\w+) TO /i.exec(line);
    if (!m) {
      if (/^GRANT (?!.* ON ).+ TO /i.test(line)) hasRoles = true;
      continue;
    }
    // Column lists ("SELECT (a, b)") grant part of a table: not SELECT on it.
    const privileges = new Set(
      m[1]!
        .replace(/\([^)]*\)/g, '()')
        .split(',')
        .map((p) => p.trim().toUpperCase())
        .filter((p) => !p.endsWith('()')),
    );
    grants.push({ privileges, database: unquote(m[2]!), table: unquote(m[3]!) });
  }
  return { grants, hasRoles };
}

/** MySQL's GRANT database pattern: % and _ are wildcards unless escaped with a backslash. */
function databaseMatches(pattern: string, database: string): boolean {
  if (pattern === '*') return true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(database);
}

function holds(set: GrantSet, privilege: string, database: string, table: string): boolean {
  return set.grants.some((g) => {
    if (!g.privileges.has(privilege) && !g.privileges.has('ALL PRIVILEGES') && !g.privileges.has('ALL')) return false;
    if (g.database === '*') return true;
    if (!databaseMatches(g.database, database)) return false;
    return g.table === '*' || (table !== '*' && g.table === table);
  });
}

/** `{ database, table }` per selected object; table '*' for a whole database. */
export interface SelectedObject {
  readonly database: string;
  readonly table: string;
}

export function grantItems(set: GrantSet, objects: readonly SelectedObject[], isMariaDb: boolean, account: string): Finding[] {
  const roleNote = ' (privileges granted through roles are not listed by SHOW GRANTS: check them by hand)';
  const missing = (id: string, message: Listing, fix: string): Finding => (set.hasRoles ? warn(id, { ...message, text: (list) => message.text(list) + roleNote }, fix) : fail(id, message, fix));
  const items: Finding[] = [];
  const replication = ['REPLICATION SLAVE', 'REPLICATION CLIENT'].filter((p) => {
    if (p === 'REPLICATION CLIENT' && isMariaDb && holds(set, 'BINLOG MONITOR', '*', '*')) return false;
    return !set.grants.some((g) => g.database === '*' && (g.privileges.has(p) || g.privileges.has('ALL PRIVILEGES')));
  });
  items.push(
    replication.length === 0
      ? pass('source.privileges.replication', 'the user holds REPLICATION SLAVE and REPLICATION CLIENT')
      : missing(
          'source.privileges.replication',
          listing(replication, (list) => `the user lacks ${list} on *.*, needed to read the binlog`, 'and'),
          `GRANT ${replication.join(', ')} ON *.* TO ${account}`,
        ),
  );
  const noSelect = objects.filter((o) => !holds(set, 'SELECT', o.database, o.table));
  items.push(
    noSelect.length === 0
      ? pass('source.privileges.select', 'the user holds SELECT on every selected object')
      : missing(
          'source.privileges.select',
          listing(noSelect.map(objectName), (list) => `the user lacks SELECT on ${list}`, 'all'),
          noSelect.map((o) => `GRANT SELECT ON ${objectName(o)} TO ${account}`).join('; '),
        ),
  );
  return items;
}

/**
 * The heartbeat's writes (source/heartbeat/table.ts): before the table exists, CREATE, SELECT,
 * INSERT and UPDATE on its database (it creates the database and table, then upserts); once it
 * exists, SELECT, INSERT and UPDATE on the table (a database or global grant covers it too). A
 * warning, not a failure: without the heartbeat the task runs, only its latency grows on an idle source.
 */
export function heartbeatGrantItem(set: GrantSet, heartbeat: { database: string; table: string }, tableExists: boolean, account: string): Finding {
  const id = 'source.privileges.heartbeat';
  const needed = tableExists ? ['SELECT', 'INSERT', 'UPDATE'] : ['CREATE', 'SELECT', 'INSERT', 'UPDATE'];
  const on = { database: heartbeat.database, table: tableExists ? heartbeat.table : '*' };
  const lacking = needed.filter((p) => !holds(set, p, on.database, on.table));
  const name = `${heartbeat.database}.${heartbeat.table}`;
  if (lacking.length === 0) return pass(id, `the user may ${tableExists ? 'write' : 'create and write'} the heartbeat table ${name}`);
  const roleNote = set.hasRoles ? ' (privileges granted through roles are not listed by SHOW GRANTS: check them by hand)' : '';
  return warn(
    id,
    listing(
      lacking,
      (list) =>
        `the user lacks ${list} on ${objectName(on)}, needed to ${tableExists ? 'write' : 'create and write'} the heartbeat table ${name}: without heartbeats the latency grows while the source is idle${roleNote}`,
      'all',
    ),
    `GRANT ${lacking.join(', ')} ON ${objectName(on)} TO ${account} (or set advanced.heartbeat.table to a table the user may write, or advanced.heartbeat: false)`,
  );
}

const quote = (id: string): string => `\`${id.replace(/`/g, '``')}\``;
function objectName(o: SelectedObject): string {
  return `${quote(o.database)}.${o.table === '*' ? '*' : quote(o.table)}`;
}
