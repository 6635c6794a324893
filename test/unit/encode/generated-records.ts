/**
 * Generated records for the byte-for-byte tests of the encoders against their frozen references
 * (canal-json/ and dts-avro/ reference-bytes.test.ts): tables of random column subsets over every
 * column type the type tests use, values with the edges of every kind (escapes, lone surrogates,
 * long values past a writer's slab, float and double bit patterns, now and then a value of an
 * unexpected JS type), every op, UPDATEs with equal and changed columns, and DDL. Seeded, so a
 * failure reproduces.
 */
import type { ChangeRecord, Column, DdlKind, Row, RowRecord, TableSchema, Value } from '../../../shared/record/index.ts';
import { column, table } from '../../helpers/columns.ts';
import { charsetEdgeRow, edgeRow, otherRow, valueRows } from '../../helpers/type-rows.ts';

/**
 * Column types of typesTable, valuesTable and charsetColumns (test/helpers/type-rows.ts) and of
 * canal-json/every-type.test.ts, as SHOW CREATE TABLE prints them.
 */
export const TYPES = [
  'int(11)',
  'tinyint(4)',
  'tinyint(3) unsigned',
  'smallint(6)',
  'smallint(5) unsigned',
  'mediumint(9)',
  'mediumint(8) unsigned',
  'int(10) unsigned',
  'bigint(20)',
  'bigint(20) unsigned',
  'decimal(65,30)',
  'decimal(10,2)',
  'decimal(65,0)',
  'decimal(30,30)',
  'decimal(5,2)',
  'float',
  'double',
  'float(7,3)',
  'double(10,4)',
  'datetime',
  'datetime(1)',
  'datetime(3)',
  'datetime(6)',
  'timestamp',
  'timestamp(3)',
  'timestamp(6)',
  'time',
  'time(1)',
  'time(3)',
  'time(6)',
  'year(4)',
  'year',
  'date',
  'bit(64)',
  'bit(1)',
  'bit(3)',
  'bit(17)',
  "enum('a','b','ç')",
  "enum('','a')",
  "set('x','y','z')",
  "set('a','b','c')",
  'json',
  'varchar(20)',
  'char(10)',
  'varchar(10)',
  'binary(4)',
  'varbinary(10)',
  'blob',
  'text',
  'tinytext',
  'mediumtext',
  'longtext',
  'tinyblob',
  'mediumblob',
  'longblob',
  'tinyint(1)',
  'smallint(3)',
  'geometry',
  'point',
  'varchar(256)',
] as const;

/** Strings the type tests expect consumers to read (JSON text, latin1 binary, CJK, emoji …) and their SQL literals. */
export const TYPE_TEST_STRINGS: readonly string[] = [edgeRow, otherRow, charsetEdgeRow, ...valueRows].flatMap((r) =>
  Object.values(r).flatMap(([sql, v]) => [sql, ...(v === null ? [] : typeof v === 'string' ? [v] : [v.mariadb, v.mysql8])]),
);

/** Charsets of text columns: UTF-8 ones, single-byte tables, iconv multi-byte ones, one unknown, binary. */
const CHARSETS = ['utf8mb4', 'utf8mb4', 'utf8mb3', 'latin1', 'cp1251', 'koi8r', 'gbk', 'utf16', 'ucs2', 'ujis', 'nosuchcharset', 'binary'];

const CHAR_POOLS = [
  'abcdefghijklmnopqrstuvwxyz0123456789 -_:.,;!?()[]{}<>/', // plain ASCII
  '"\\\u0000\u0001\b\t\n\u000b\f\r\u001b\u001f\u007f', // JSON escapes and controls
  '\u0080\u0081\u009d\u00a0éçÿ\u00ff\u0100ſ\u07ff', // two-byte UTF-8
  '\u0800中文漢字\u2028\u2029\ufeff\uffef\uffff€', // three-byte UTF-8
  '😀🎉\u{10000}\u{10ffff}', // surrogate pairs
  '\ud800\udbff\udc00\udfff', // lone surrogates (taken one unit at a time)
];

const SPECIAL_NUMBERS = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  0.5,
  0.1,
  1e7,
  1e-3,
  9999999,
  1e23,
  2e23,
  5e-324,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  2 ** 53,
  2 ** 53 - 1,
  -(2 ** 53),
  1e21,
  1.5e-7,
  123456789012,
  0.001,
  0.0012,
  3.4028235e38,
  1.17549435e-38,
  1.4e-45,
  16777216,
  16777217,
];

const DDL_KINDS: DdlKind[] = ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_TABLE', 'RENAME_TABLE', 'TRUNCATE_TABLE', 'CREATE_INDEX', 'DROP_INDEX', 'CREATE_VIEW', 'CREATE_DATABASE', 'OTHER'];

export interface GeneratorOptions {
  readonly seed: number;
  /** Share of values of a JS type the column does not hold (a number in a text column …). */
  readonly oddValueRate: number;
}

export type RecordGenerator = ReturnType<typeof createRecordGenerator>;

export function createRecordGenerator({ seed, oddValueRate }: GeneratorOptions) {
  // Mulberry32.
  let a = seed;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;

  function randomText(length: number): string {
    const pools = CHAR_POOLS.filter(() => rnd() < 0.5);
    if (pools.length === 0) pools.push(CHAR_POOLS[0]!);
    let text = '';
    while (text.length < length) {
      const pool = pick(pools);
      // Whole code points from the pair pool; single units elsewhere (lone surrogates stay lone).
      text += pool === CHAR_POOLS[4] ? pick([...pool]) : pool[int(pool.length)]!;
    }
    return text;
  }

  function randomLength(): number {
    const r = rnd();
    if (r < 0.1) return 0;
    if (r < 0.6) return 1 + int(32); // the Canal writer's short strings
    if (r < 0.9) return 33 + int(250); // around the Avro writer's 256
    if (r < 0.98) return 4000 + int(300); // around the Canal writer's medium bound
    return 70_000 + int(50_000); // past a whole scratch or slab
  }

  function randomString(): string {
    const r = rnd();
    if (r < 0.25) return pick(TYPE_TEST_STRINGS);
    if (r < 0.35) return String(int(1e9) - 5e8); // digits, as BIGINT and DECIMAL strings are
    return randomText(randomLength());
  }

  function randomBytes(): Uint8Array {
    const length = rnd() < 0.05 ? 5000 + int(80_000) : int(40);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = rnd() < 0.3 ? int(0x20) : int(256);
    // Sometimes a view into a larger buffer, as a decoded row's values are.
    if (rnd() < 0.3) {
      const host = Buffer.alloc(length + 7, 0xab);
      host.set(bytes, 3);
      return host.subarray(3, 3 + length);
    }
    return bytes;
  }

  const view = new DataView(new ArrayBuffer(8));

  function randomDouble(): number {
    const r = rnd();
    if (r < 0.15) return pick(SPECIAL_NUMBERS);
    if (r < 0.35) return (int(2e7) - 1e7) * (rnd() < 0.5 ? 1 : 0.5);
    if (r < 0.55) return (int(2e9) - 1e9) / pick([3, 7, 10, 100, 1000, 1e6]);
    view.setUint32(0, int(2 ** 32));
    view.setUint32(4, int(2 ** 32));
    return view.getFloat64(0);
  }

  function randomFloat(): number {
    if (rnd() < 0.5) return Math.fround(randomDouble());
    view.setUint32(0, int(2 ** 32));
    return view.getFloat32(0);
  }

  function randomInteger(c: Column): Value {
    const r = rnd();
    if (r < 0.1) return pick([0, -1, 1, -(2 ** 31), 2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1, -(2 ** 53 - 1)]);
    if (r < 0.2 && c.typeCode === 8) return pick(['-9223372036854775808', '9223372036854775807', '18446744073709551615', '9007199254740993']);
    const magnitude = 10 ** int(16);
    return Math.floor((rnd() - (c.unsigned ? 0 : 0.5)) * magnitude);
  }

  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = () => pick(['', '.5', '.123', '.000001', '.999999', '.12']);
  const randomDate = () => (rnd() < 0.1 ? '0000-00-00' : `${String(1000 + int(9000)).padStart(4, '0')}-${two(1 + int(12))}-${two(1 + int(28))}`);
  const randomClock = () => `${two(int(24))}:${two(int(60))}:${two(int(60))}`;

  function randomTemporal(type: string): string {
    if (type === 'date') return randomDate();
    if (type.startsWith('time') && !type.startsWith('timestamp')) {
      return `${rnd() < 0.3 ? '-' : ''}${pick(['00', '01', '23', '99', '838'])}:${two(int(60))}:${two(int(60))}${fraction()}`;
    }
    // TIMESTAMP holds 1970–2038 (and the zero value); DATETIME any year.
    if (rnd() < 0.1) return `0000-00-00 00:00:00${fraction()}`;
    const date = type.startsWith('timestamp') ? `${1970 + int(68)}-${two(1 + int(12))}-${two(1 + int(28))}` : randomDate();
    return `${date} ${randomClock()}${fraction()}`;
  }

  /** A value of the column's kind, now and then one of another JS type or an edge number. */
  function randomValue(c: Column): Value {
    const r = rnd();
    if (r < 0.12 && c.nullable) return null;
    if (rnd() < oddValueRate) return pick([randomString(), randomBytes(), randomDouble(), pick(SPECIAL_NUMBERS)]);
    const type = c.type;
    if (/int\(/.test(type)) return randomInteger(c);
    if (type.startsWith('float')) return randomFloat();
    if (type.startsWith('double')) return randomDouble();
    if (type.startsWith('year')) return rnd() < 0.1 ? 0 : 1901 + int(255);
    if (type.startsWith('bit')) {
      const bytes = new Uint8Array(Math.ceil(Number(/\((\d+)\)/.exec(type)![1]) / 8));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
      return bytes;
    }
    if (/binary|blob|geometry|point/.test(type) || c.charset === 'binary') return randomBytes();
    if (type.startsWith('decimal')) return `${rnd() < 0.5 ? '-' : ''}${int(1e9)}.${String(int(100)).padStart(2, '0')}`;
    if (/date|time/.test(type)) return randomTemporal(type);
    // Text in a charset the source could not decode arrives as its bytes.
    if (rnd() < 0.05) return randomBytes();
    return randomString();
  }

  /** Tables of random column subsets; names and identifiers with characters JSON escapes and dots. */
  function randomSchema(n: number): TableSchema {
    const names = ['id', 'we"ird\\name', '列😀', 'tab\there', 'ctl\u0001', 'a'.repeat(40), 'é', 'dot.ted'];
    const columns = Array.from({ length: 1 + int(24) }, (_, i) => {
      const type = i === 0 ? 'int(11)' : pick(TYPES);
      const charset = /char|text|enum|set|json/.test(type) ? pick(CHARSETS) : null;
      return column(`${i < names.length && rnd() < 0.5 ? names[i] : 'c'}${i}`, type, { charset, key: i === 0 || rnd() < 0.05, nullable: i !== 0 });
    });
    return table(columns, {
      database: pick(['db', 'd"b', '数据库', 'x\\y', 'sh.op']),
      table: `${pick(['t', 'tab"le', '表', 'n\n', 'or.ders'])}${n}`,
      pkNames: rnd() < 0.2 ? [] : columns.filter((c) => c.key).map((c) => c.name),
    });
  }

  const randomRow = (schema: TableSchema): Value[] => schema.columns.map(randomValue);

  /** An after image sharing some before values: identical, equal by content, or changed. */
  function changedRow(schema: TableSchema, before: Row): Value[] {
    return before.map((v, i) => {
      const r = rnd();
      if (r < 0.4) return v;
      if (r < 0.6 && v instanceof Uint8Array) return new Uint8Array(v); // same bytes, another object
      if (r < 0.65 && typeof v === 'number') return Object.is(v, -0) ? 0 : v === 0 ? -0 : NaN;
      if (r < 0.7) return null;
      return randomValue(schema.columns[i]!);
    });
  }

  /** Records of one transaction share their source, as the reader hands them out. */
  let source = newSource();
  function newSource() {
    return {
      serverId: pick([1, 2, 4294967295]),
      file: pick(['mysql-bin.000001', 'binlog.000123', 'odd-name']),
      position: pick([4, 1234, 2 ** 32 + 5]),
      gtid: pick([null, '0-1-42', '3e11fa47-71ca-11e1-9e33-c80aa9429562:23']),
      timestampMs: pick([0, 1_700_000_000_000 + int(1e9), 2 ** 53 - 1]),
      txId: pick([null, '1', String(int(1e9))]),
    };
  }

  function randomRecord(schemas: readonly TableSchema[], id: number): ChangeRecord {
    if (rnd() < 0.3) source = newSource();
    const op = pick(['INSERT', 'INIT', 'UPDATE', 'UPDATE', 'DELETE', 'DDL'] as const);
    if (op === 'DDL') {
      return { op, kind: pick(DDL_KINDS), id, seq: 0, source, database: pick(['db', 'd"b', '库', '', 'a.b']), table: pick(['', 't', 'ta\u0000ble']), sql: randomText(int(300)) };
    }
    const schema = pick(schemas);
    const image = randomRow(schema);
    const record: RowRecord =
      op === 'UPDATE'
        ? { op, id, seq: 0, source, schema, before: image, after: changedRow(schema, image) }
        : op === 'DELETE'
          ? { op, id, seq: 0, source, schema, before: image, after: null }
          : { op, id, seq: 0, source, schema, before: null, after: image };
    return record;
  }

  return { int, pick, randomDouble, randomFloat, randomSchema, randomRow, randomRecord };
}
