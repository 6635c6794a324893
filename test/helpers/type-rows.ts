/**
 * A table with every supported column type and two rows of edge values: SQL literal and the
 * Canal JSON string a consumer reads back (the lossless rules of specs/formats.md §2.4).
 * `charsetColumns` adds the value defects of issue 10 (ENUM's error value, single-byte charsets);
 * their rows are inserted over `sourceConnection()` (sql_mode ''), so a bad ENUM value stores ''.
 * Text columns after a GEOMETRY (whose charsets zongji 0.9.0 misread on MariaDB, repaired by
 * source/binlog/geometry-charsets.ts) are in `valuesTable`.
 */

/** Every MySQL charset of one byte per character but `binary`: a column each, holding all 256 bytes. */
export const singleByteCharsets = [
  'armscii8',
  'ascii',
  'cp1250',
  'cp1251',
  'cp1256',
  'cp1257',
  'cp850',
  'cp852',
  'cp866',
  'dec8',
  'geostd8',
  'greek',
  'hebrew',
  'hp8',
  'keybcs2',
  'koi8r',
  'koi8u',
  'latin1',
  'latin2',
  'latin5',
  'latin7',
  'macce',
  'macroman',
  'swe7',
  'tis620',
] as const;

const ALL_BYTES = `x'${Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0')).join('')}'`;

/** Column definitions for `typesTable(db, charsetColumns)`. */
export const charsetColumns: readonly string[] = [
  "e0 ENUM('a','b')",
  "el ENUM('a','\u0081\u009d€') CHARACTER SET latin1",
  "sl SET('x','\u008f') CHARACTER SET latin1",
  'l1 VARCHAR(10) CHARACTER SET latin1',
  'lt TEXT CHARACTER SET latin1',
  ...singleByteCharsets.map((c) => `sb_${c} VARCHAR(256) CHARACTER SET ${c}`),
];

/** The charset columns' edge values; `sb_*` expect '' here and are filled from what the server returns (SELECT over utf8mb4). */
export const charsetEdgeRow: Record<string, [string, string]> = {
  // A value not in the list: stored as the error value, index 0, which reads back as ''.
  e0: ["'nope'", ''],
  // latin1 is cp1252 but for 0x81 0x8D 0x8F 0x90 0x9D, which stay the C1 controls of that number.
  el: ["'\u0081\u009d€'", '\u0081\u009d€'],
  sl: ["'x,\u008f'", 'x,\u008f'],
  l1: ["x'818D8F909D80'", '\u0081\u008d\u008f\u0090\u009d€'],
  lt: ["x'9D8120'", '\u009d\u0081 '],
  ...Object.fromEntries(singleByteCharsets.map((c) => [`sb_${c}`, [ALL_BYTES, '']])),
};

export const charsetOtherRow: Record<string, [string, string]> = Object.fromEntries(Object.keys(charsetEdgeRow).map((c) => [c, ['NULL', null as unknown as string]]));

export const typesTable = (db: string, extraColumns: readonly string[] = []): string => `CREATE TABLE ${db}.t (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d DECIMAL(65,30), f FLOAT, db DOUBLE,
  dt DATETIME, dt6 DATETIME(6), ts3 TIMESTAMP(3) NULL DEFAULT NULL, tm6 TIME(6), tm TIME, y YEAR, dd DATE,
  bt BIT(64), b1 BIT(1), e ENUM('a','b','ç'), s SET('x','y','z'), j JSON,
  vc VARCHAR(20), ch CHAR(10), lat VARCHAR(10) CHARACTER SET latin1, bn BINARY(4), vb VARBINARY(10), bl BLOB, tx TEXT,
  ${extraColumns.map((c) => `${c},\n  `).join('')}g GEOMETRY
) CHARACTER SET utf8mb4`;

// Column → [SQL literal, expected Canal JSON string]: the lossless rules of specs/formats.md §2.4.
export const edgeRow: Record<string, [string, string]> = {
  id: ['1', '1'],
  ti: ['-128', '-128'],
  tiu: ['255', '255'],
  si: ['-32768', '-32768'],
  siu: ['65535', '65535'],
  mi: ['-8388608', '-8388608'],
  miu: ['16777215', '16777215'],
  i: ['-2147483648', '-2147483648'],
  iu: ['4294967295', '4294967295'],
  bi: ['-9223372036854775808', '-9223372036854775808'],
  biu: ['18446744073709551615', '18446744073709551615'],
  d: ['-12345678901234567890123456789012345.123456789012345678901234567890', '-12345678901234567890123456789012345.123456789012345678901234567890'],
  f: ['3.4028235e38', '3.4028235E38'],
  db: ['-1.7976931348623157e308', '-1.7976931348623157E308'],
  dt: ["'0000-00-00 00:00:00'", '0000-00-00 00:00:00'],
  dt6: ["'9999-12-31 23:59:59.999999'", '9999-12-31 23:59:59.999999'],
  ts3: ["'2038-01-19 03:14:07.999'", '2038-01-19 03:14:07.999'],
  tm6: ["'-838:59:59.000000'", '-838:59:59.000000'],
  tm: ["'838:59:59'", '838:59:59'],
  y: ['0', '0000'],
  dd: ["'0000-00-00'", '0000-00-00'],
  bt: ["b'1111111111111111111111111111111111111111111111111111111111111111'", '18446744073709551615'],
  b1: ["b'1'", '1'],
  e: ["'ç'", 'ç'],
  s: ["'x,z'", 'x,z'],
  j: [`'{"k": [1, 2.5, "x", null]}'`, '{"k": [1, 2.5, "x", null]}'],
  vc: ["'😀中文é'", '😀中文é'],
  ch: ["'ab'", 'ab'],
  lat: ["'é'", 'é'],
  bn: ["x'00FF0001'", '\u0000\u00ff\u0000\u0001'],
  vb: ["x'00FF'", '\u0000\u00ff'],
  bl: ["x'00FF00'", '\u0000\u00ff\u0000'],
  tx: ["'多字节 text'", '多字节 text'],
  g: ["ST_GeomFromText('POINT(1 2)', 4326)", ''], // filled from the server's own bytes below
};

export const otherRow: Record<string, [string, string]> = {
  ...Object.fromEntries(Object.keys(edgeRow).map((c) => [c, ['NULL', null as unknown as string]])),
  id: ['2', '2'],
  ti: ['127', '127'],
  bi: ['9223372036854775807', '9223372036854775807'],
  d: ['0.000000000000000000000000000001', '0.000000000000000000000000000001'],
  f: ['0.1', '0.1'],
  db: ['0.1', '0.1'],
  dt6: ["'2026-01-02 03:04:05.000001'", '2026-01-02 03:04:05.000001'],
  tm6: ["'-00:00:00.000001'", '-00:00:00.000001'],
  y: ['2155', '2155'],
  b1: ["b'0'", '0'],
  vb: ["''", ''],
  vc: ["''", ''],
};

/**
 * A value a source stores differently: MariaDB's JSON is LONGTEXT (the text as written), MySQL 8
 * stores binary JSON and prints it its own way (keys by length then bytes, `, ` and `: `, doubles
 * with a decimal point or exponent); extra fractional digits are rounded by MySQL, cut by MariaDB.
 */
export interface BySource {
  readonly mariadb: string;
  readonly mysql8: string;
}

export type ValueCase = Record<string, [string, string | BySource | null]>;

/** The expected Canal JSON string of each column of a value case, on the given source. */
export function expectedOn(source: keyof BySource, row: ValueCase): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([c, [, v]]) => [c, v !== null && typeof v === 'object' ? v[source] : v]));
}

/** JSON as written, kept by MariaDB, and as MySQL 8 prints it back. */
const json = (text: string, mysql8: string = text): [string, BySource] => [`'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`, { mariadb: text, mysql8 }];

/**
 * More edge values per type than `edgeRow` holds, one row per case in table `v`: JSON's printing
 * cases, fractional seconds of every temporal type, DECIMAL at its limits, YEAR, BIT widths, ENUM
 * with '' both as a member and as the error value, SET's empty value, text columns after a GEOMETRY.
 */
export const valuesTable = (db: string): string => `CREATE TABLE ${db}.v (
  id INT PRIMARY KEY, j JSON,
  dt1 DATETIME(1), dt3 DATETIME(3), ts6 TIMESTAMP(6) NULL DEFAULT NULL, tm1 TIME(1), tm3 TIME(3),
  d0 DECIMAL(65,0), d30 DECIMAL(30,30), d2 DECIMAL(5,2),
  y YEAR, b3 BIT(3), b17 BIT(17), e ENUM('','a'), s SET('a','b','c'), bo BOOL, w3 SMALLINT(3),
  g GEOMETRY, ga VARCHAR(10) CHARACTER SET latin1, gu VARCHAR(10), gk VARCHAR(10) CHARACTER SET koi8r, gb BINARY(3), gc CHAR(3) CHARACTER SET latin1
) CHARACTER SET utf8mb4`;

/** POINT(1 2) with SRID 0 as MySQL stores it: SRID (4 bytes LE), then WKB (little-endian point). */
const POINT_1_2 = Buffer.from('000000000101000000000000000000f03f0000000000000040', 'hex').toString('latin1');

const NINES_65 = '9'.repeat(65);
const NINES_30 = '9'.repeat(30);

export const valueRows: readonly ValueCase[] = [
  {
    id: ['1', '1'],
    j: json(
      '{"k": [1, 2.5, "x", null], "a": 1e2, "bb": -0.0, "c": 1.0E+30, "d": 12345678901234567890, "e": "\\u00e9\\n", "f": true}',
      '{"a": 100.0, "c": 9.999999999999999e29, "d": 12345678901234567890, "e": "é\\n", "f": true, "k": [1, 2.5, "x", null], "bb": -0.0}',
    ),
    // More digits than the column keeps: MySQL rounds them (unless sql_mode TIME_TRUNCATE_FRACTIONAL), MariaDB truncates.
    dt1: ["'2026-01-01 00:00:00.96'", { mariadb: '2026-01-01 00:00:00.9', mysql8: '2026-01-01 00:00:01.0' }],
    dt3: ["'1000-01-01 00:00:00'", '1000-01-01 00:00:00.000'],
    ts6: ["'1970-01-01 00:00:01.000000'", '1970-01-01 00:00:01.000000'],
    tm1: ["'-838:59:59'", '-838:59:59.0'],
    tm3: ["'00:00:00.001'", '00:00:00.001'],
    d0: [NINES_65, NINES_65],
    d30: [`0.${NINES_30}`, `0.${NINES_30}`],
    d2: ['-999.99', '-999.99'],
    y: ['1901', '1901'],
    b3: ["b'101'", '5'],
    b17: ["b'11111111111111111'", '131071'],
    e: ["''", ''], // the member '' (index 1)
    s: ["''", ''], // no member
    bo: ['TRUE', '1'],
    w3: ['12345', '12345'], // a display width limits nothing
    // Text after a GEOMETRY column: each in its own charset (FULL row metadata counts GEOMETRY among the character columns).
    g: ["ST_GeomFromText('POINT(1 2)')", POINT_1_2],
    ga: ["x'E981'", 'é\u0081'],
    gu: ["'😀é'", '😀é'],
    gk: ["x'F6D6'", 'Жж'],
    gb: ["x'01'", '\u0001\u0000\u0000'], // BINARY keeps its zero padding
    gc: ["'é '", 'é'], // CHAR loses its trailing spaces
  },
  {
    id: ['2', '2'],
    j: json('{"b":1,"a":2,"aa":3,"B":4,"":5}', '{"": 5, "B": 4, "a": 2, "b": 1, "aa": 3}'),
    dt1: ["'9999-12-31 23:59:59.9'", '9999-12-31 23:59:59.9'],
    dt3: ["'2026-02-03 04:05:06.5'", '2026-02-03 04:05:06.500'],
    ts6: ["'2038-01-19 03:14:07.999999'", '2038-01-19 03:14:07.999999'],
    tm1: ["'838:59:59'", '838:59:59.0'],
    tm3: ["'-00:00:00.999'", '-00:00:00.999'],
    d0: [`-${NINES_65}`, `-${NINES_65}`],
    d30: [`-0.${NINES_30}`, `-0.${NINES_30}`],
    d2: ['0', '0.00'],
    y: ['2155', '2155'],
    b3: ["b'0'", '0'],
    b17: ["b'10000000000000000'", '65536'],
    e: ["'nope'", ''], // not a member: the error value, index 0, reads back as '' too
    s: ["'c,a'", 'a,c'],
  },
  {
    id: ['3', '3'],
    j: json(
      '[1.5e300, -1e-300, 3.0, 0.30000000000000004, 1e15, 1e16, 123456789012345678, -9223372036854775808, 18446744073709551615, 18446744073709551616, 1e-7]',
      '[1.5e300, -1e-300, 3.0, 0.30000000000000004, 1e15, 1e16, 123456789012345678, -9223372036854775808, 18446744073709551615, 1.8446744073709552e19, 0.0000001]',
    ),
    dt1: ['NULL', null],
    dt3: ['NULL', null],
    ts6: ['NULL', null],
    tm1: ['NULL', null],
    tm3: ['NULL', null],
    d0: ['0', '0'],
    d30: ['0', `0.${'0'.repeat(30)}`],
    d2: ['1.005', '1.01'], // rounded half up to the scale
    y: ['0', '0000'],
    b3: ['NULL', null],
    b17: ['NULL', null],
    e: ["'a'", 'a'],
    s: ["'a,b,c'", 'a,b,c'],
  },
  {
    id: ['4', '4'],
    j: json('{"a\\"b": "\\u0000\\t\\u001f/", "😀": "中文", "nested": {"z": [], "y": {}}}', '{"a\\"b": "\\u0000\\t\\u001f/", "😀": "中文", "nested": {"y": {}, "z": []}}'),
  },
  // Escapes MySQL keeps (\" \\ \b \f \r) and those it prints as the character (\u007f, \u2028, \/).
  { id: ['5', '5'], j: json('"a\\"b\\\\c\\b\\f\\r\\u007f\\u2028é\\/"', '"a\\"b\\\\c\\b\\f\\r\u007f\u2028é/"'), y: ["'0'", '2000'] }, // the text '0' is 2000, the number 0 the zero year
  { id: ['6', '6'], j: json('null'), y: ['70', '1970'] }, // JSON null, not SQL NULL; two-digit years 70-99 are 19xx
  { id: ['7', '7'], j: json('true'), y: ["'69'", '2069'] }, // and 00-69 are 20xx
  { id: ['8', '8'], j: json('-0.5e-5', '-0.000005') },
  { id: ['9', '9'], j: json('[]') },
];

/** The bench table's shape (scripts/bench/bench-table.ts), for the decoder equivalence tests. */
export const benchTable = (db: string): string => `CREATE TABLE ${db}.bench (
  id BIGINT UNSIGNED PRIMARY KEY, a INT, b BIGINT, c SMALLINT UNSIGNED, d DECIMAL(12,2), e DOUBLE, f FLOAT,
  g VARCHAR(64), h CHAR(8), i TEXT, j DATETIME(6), k TIMESTAMP(3) NULL, l DATE, m TINYINT, n VARBINARY(16), o ENUM('x','y','z')
) CHARACTER SET utf8mb4`;

/** INSERT of one row given as column → [SQL literal, ...]. */
export function insertRowSql(db: string, table: string, row: Record<string, [string, unknown]>): string {
  const cols = Object.keys(row);
  return `INSERT INTO ${db}.${table} (${cols.join(',')}) VALUES (${cols.map((c) => row[c]![0]).join(',')})`;
}

/** A value with its kind, bytes in hex and -0 marked: equal text means the same value of the same type. */
export const showValue = (v: unknown): string => (v instanceof Uint8Array ? `bytes ${Buffer.from(v).toString('hex')}` : `${typeof v} ${JSON.stringify(v)}${Object.is(v, -0) ? ' (-0)' : ''}`);
