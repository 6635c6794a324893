/**
 * `Record.objectName` (formats.md §1.2 #9): `db.table` for rows, `db` for DDL. Readers split on
 * `.`, so a dot inside a name is written as the six characters `\u002E`, exactly as the official
 * SDK's `ObjectNameUtils.escapeName` does (and `unescapeName` undoes); nothing else is escaped.
 */

export function objectNameOf(...names: readonly string[]): string {
  return names.map(escapeName).join('.');
}

function escapeName(name: string): string {
  return name.includes('.') ? name.replaceAll('.', '\\u002E') : name;
}
