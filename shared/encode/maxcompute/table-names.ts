/**
 * Destination table names (DTS: "the source table customer becomes customer_base", and
 * `customer_log`), and the names MaxCompute accepts. MaxCompute names are case-insensitive and
 * stored in lower case, so the destination names are lower case: the sink's cursors, sessions and
 * comparisons all see one spelling. The database is not part of the name (as in DTS), so two
 * selected tables of the same name in different databases collide (precheck.ts reports it).
 */

/** Table names: letters, digits and `_`, at most 128 characters (MaxCompute CREATE TABLE). */
const TABLE_NAME = /^[A-Za-z0-9_]{1,128}$/;

/** Column names: letters, digits, `_` and Chinese characters, at most 128 bytes (MaxCompute CREATE TABLE). */
const COLUMN_NAME = /^[A-Za-z0-9_\p{Script=Han}]+$/u;

export function baseTableName(sourceTable: string): string {
  return `${sourceTable.toLowerCase()}_base`;
}

export function logTableName(sourceTable: string): string {
  return `${sourceTable.toLowerCase()}_log`;
}

export function isValidTableName(name: string): boolean {
  return TABLE_NAME.test(name);
}

export function isValidColumnName(name: string): boolean {
  return COLUMN_NAME.test(name) && Buffer.byteLength(name, 'utf8') <= 128;
}
