/**
 * JSON updates that MySQL logs as partial diffs with binlog_row_value_options=PARTIAL_JSON (JSON_SET,
 * JSON_REPLACE, JSON_REMOVE of a column into itself), and some it logs whole, on a table with two
 * JSON columns among others. Used by the partial-JSON tests with and without compression.
 */
import type mysql from 'mysql2/promise';

export const JSON_TABLE = `id INT PRIMARY KEY, n INT, vc VARCHAR(30), j JSON, j2 JSON, d DECIMAL(10,2), dt DATETIME(3)`;

const BIG = 'x'.repeat(70_000);

/** Inserts the starting rows (4), then the updates; returns the number of records they give. */
export async function jsonUpdates(conn: mysql.Connection, table: string): Promise<number> {
  await conn.query(`INSERT INTO ${table} VALUES
    (1, 1, 'one', '{"a": 1, "s": "text", "arr": [1, 2, 3], "obj": {"k": "v", "deep": {"x": true}}}', '[1, {"b": 2}]', 1.50, '2026-01-01 00:00:00.123'),
    (2, 2, 'two', '{"ü-key": "ünïcode ✓", "num": 1.5, "big": 18446744073709551615, "neg": -42}', NULL, 2.00, NULL),
    (3, 3, 'three', '{"big": "${BIG}", "n": 1}', '{}', NULL, '2026-01-03 00:00:00.000'),
    (4, 4, NULL, NULL, '"scalar"', 4.00, '2026-01-04 00:00:00.000')`);
  const updates = [
    // one row each: replace, insert, remove, nested, array element, several paths at once
    `UPDATE ${table} SET j = JSON_SET(j, '$.a', 2) WHERE id = 1`,
    `UPDATE ${table} SET j = JSON_SET(j, '$.added', 'new', '$.obj.deep.y', JSON_ARRAY(1, 'two')) WHERE id = 1`,
    `UPDATE ${table} SET j = JSON_REPLACE(j, '$.arr[1]', 20, '$.s', 'longer text than before') WHERE id = 1`,
    `UPDATE ${table} SET j = JSON_REMOVE(j, '$.obj.k', '$.arr[0]') WHERE id = 1`,
    // JSON and other columns in one statement, and the second JSON column alone
    `UPDATE ${table} SET n = n + 10, vc = 'changed', j = JSON_SET(j, '$.a', 3.25) WHERE id = 1`,
    `UPDATE ${table} SET j2 = JSON_SET(j2, '$[1].b', 'two', '$[2]', false) WHERE id = 1`,
    // opaque scalars (DECIMAL, DATE, DATETIME, TIME), doubles, unicode, 64-bit integers
    `UPDATE ${table} SET j = JSON_SET(j, '$.dec', CAST(12.345 AS DECIMAL(10,3)), '$.day', CAST('2024-02-29' AS DATE), '$.at', CAST('2024-02-29 12:34:56.789' AS DATETIME(3)), '$.tm', CAST('-12:00:01' AS TIME)) WHERE id = 2`,
    `UPDATE ${table} SET j = JSON_SET(j, '$."ü-key"', 'ändern', '$.num', 1e300, '$.neg', -9223372036854775808) WHERE id = 2`,
    // a document over 64 KiB (a large object), changed in place
    `UPDATE ${table} SET j = JSON_SET(j, '$.n', 2) WHERE id = 3`,
    // NULL documents: JSON_SET of NULL is NULL; a whole new document; back to NULL
    `UPDATE ${table} SET j = JSON_SET(j, '$.a', 1) WHERE id = 4`,
    `UPDATE ${table} SET j = '{"fresh": [true, null]}' WHERE id = 4`,
    `UPDATE ${table} SET j2 = NULL, j = JSON_REMOVE(j, '$.fresh[1]') WHERE id = 4`,
    // no JSON change at all, and several rows in one event
    `UPDATE ${table} SET n = n * 2 WHERE id IN (2, 3)`,
    `UPDATE ${table} SET j = JSON_SET(j, '$.all', id) WHERE id IN (1, 2, 3)`,
  ];
  for (const sql of updates) await conn.query(sql);
  return 4 + 11 + 2 + 3; // JSON_SET of a NULL document changes nothing: no row is logged
}

/** The after documents a full-image UPDATE gives, in Canal JSON (the reader's JSON text), for the checks that name values. */
export const EXPECTED_AFTER = {
  /** id 1 after the four single-path updates. */
  first: [
    '{"a": 2, "s": "text", "arr": [1, 2, 3], "obj": {"k": "v", "deep": {"x": true}}}',
    '{"a": 2, "s": "text", "arr": [1, 2, 3], "obj": {"k": "v", "deep": {"x": true, "y": [1, "two"]}}, "added": "new"}',
    '{"a": 2, "s": "longer text than before", "arr": [1, 20, 3], "obj": {"k": "v", "deep": {"x": true, "y": [1, "two"]}}, "added": "new"}',
    '{"a": 2, "s": "longer text than before", "arr": [20, 3], "obj": {"deep": {"x": true, "y": [1, "two"]}}, "added": "new"}',
  ],
};
