/**
 * The Canal JSON encoder writes the same bytes as its pre-issue-12 form (reference/, a frozen
 * copy): thousands of generated records over every column type the type tests use, with edge
 * values of every kind (escapes, lone surrogates, long values past the writer's slab, float and
 * double bit patterns, values of an unexpected JS type), every op, UPDATEs with equal and changed
 * columns, and DDL. All live messages are encoded before any is compared, so a message handed
 * out earlier must survive the later ones written into the same slab.
 */
import { describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import type { ChangeRecord, Column, DdlKind, Row, RowRecord, TableSchema, Value } from '../../../../shared/record/index.ts';
import { charsetEdgeRow, edgeRow, otherRow, valueRows } from '../../../helpers/type-rows.ts';
import { column, table } from './build.ts';
import { javaDoubleToString, javaFloatToString } from '../../../../shared/encode/canal-json/java-number.ts';
import { referenceEncodeCanalJson, referenceJavaDoubleToString, referenceJavaFloatToString } from './reference/index.ts';

/** Mulberry32: the same sequence on every run, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(0x5eed12);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;

/**
 * Column types of typesTable, valuesTable and charsetColumns (test/helpers/type-rows.ts) and of
 * every-type.test.ts, as SHOW CREATE TABLE prints them.
 */
const TYPES = [
  'int(11)', 'tinyint(4)', 'tinyint(3) unsigned', 'smallint(6)', 'smallint(5) unsigned', 'mediumint(9)', 'mediumint(8) unsigned',
  'int(10) unsigned', 'bigint(20)', 'bigint(20) unsigned', 'decimal(65,30)', 'decimal(10,2)', 'decimal(65,0)', 'decimal(30,30)', 'decimal(5,2)',
  'float', 'double', 'datetime', 'datetime(1)', 'datetime(3)', 'datetime(6)', 'timestamp(3)', 'timestamp(6)', 'time', 'time(1)', 'time(3)', 'time(6)',
  'year(4)', 'year', 'date', 'bit(64)', 'bit(1)', 'bit(3)', 'bit(17)', "enum('a','b','ç')", "enum('','a')", "set('x','y','z')", "set('a','b','c')",
  'json', 'varchar(20)', 'char(10)', 'varchar(10)', 'binary(4)', 'varbinary(10)', 'blob', 'text', 'tinytext', 'mediumtext', 'longtext',
  'tinyblob', 'mediumblob', 'longblob', 'tinyint(1)', 'smallint(3)', 'geometry', 'point', 'varchar(256)',
] as const;

/** Strings the type tests expect consumers to read (JSON text, latin1 binary, CJK, emoji …). */
const TYPE_TEST_STRINGS: string[] = [
  ...[edgeRow, otherRow, charsetEdgeRow, ...valueRows].flatMap((r) => Object.values(r).flatMap(([sql, v]) => [sql, ...(v === null ? [] : typeof v === 'string' ? [v] : [v.mariadb, v.mysql8])])),
];

const CHAR_POOLS = [
  'abcdefghijklmnopqrstuvwxyz0123456789 -_:.,;!?()[]{}<>/', // plain ASCII
  '"\\\u0000\u0001\b\t\n\u000b\f\r\u001b\u001f\u007f', // JSON escapes and controls
  '\u0080\u0081\u009d\u00a0éçÿ\u00ff\u0100ſ\u07ff', // two-byte UTF-8
  '\u0800中文漢字\u2028\u2029\ufeff\uffef\uffff€', // three-byte UTF-8
  '😀🎉\u{10000}\u{10ffff}', // surrogate pairs
  '\ud800\udbff\udc00\udfff', // lone surrogates (taken one unit at a time)
];

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
  if (r < 0.6) return 1 + int(32); // the writer's short strings
  if (r < 0.9) return 33 + int(200);
  if (r < 0.98) return 4000 + int(300); // around the medium-string bound
  return 70_000 + int(50_000); // past a whole slab
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
const SPECIAL_NUMBERS = [0, -0, NaN, Infinity, -Infinity, 0.5, 0.1, 1e7, 1e-3, 9999999, 1e23, 2e23, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e21, 1.5e-7, 123456789012, 0.001, 0.0012, 3.4028235e38, 1.17549435e-38, 1.4e-45, 16777216, 16777217];

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
  const r = rnd();
  if (r < 0.5) return Math.fround(randomDouble());
  view.setUint32(0, int(2 ** 32));
  return view.getFloat32(0);
}

function randomInteger(c: Column): Value {
  const r = rnd();
  if (r < 0.1) return pick([0, -1, 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 53 - 1, -(2 ** 53 - 1)]);
  if (r < 0.2 && c.typeCode === 8) return pick(['-9223372036854775808', '9223372036854775807', '18446744073709551615', '9007199254740993']);
  const magnitude = 10 ** int(16);
  return Math.floor((rnd() - (c.unsigned ? 0 : 0.5)) * magnitude);
}

/** A value of the column's kind, now and then one of another JS type or an edge number. */
function randomValue(c: Column): Value {
  const r = rnd();
  if (r < 0.12 && c.nullable) return null;
  if (r < 0.16) return pick([randomString(), randomBytes(), randomDouble(), pick(SPECIAL_NUMBERS)]);
  const type = c.type;
  if (/int\(/.test(type)) return randomInteger(c);
  if (type === 'float') return randomFloat();
  if (type === 'double') return randomDouble();
  if (type.startsWith('year')) return rnd() < 0.1 ? 0 : 1901 + int(255);
  if (type.startsWith('bit')) {
    const bytes = new Uint8Array(Math.ceil(Number(/\((\d+)\)/.exec(type)![1]) / 8));
    for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
    return bytes;
  }
  if (/binary|blob|geometry|point/.test(type)) return randomBytes();
  if (type.startsWith('decimal')) return `${rnd() < 0.5 ? '-' : ''}${int(1e9)}.${String(int(100)).padStart(2, '0')}`;
  if (/date|time/.test(type)) return pick(['0000-00-00 00:00:00', '2026-01-02 03:04:05.123456', '-838:59:59.000000', '9999-12-31', '2038-01-19 03:14:07.999']);
  return randomString();
}

/** Tables of random column subsets; names and identifiers with characters JSON escapes. */
function randomSchema(n: number): TableSchema {
  const names = ['id', 'we"ird\\name', '列😀', 'tab\there', 'ctl\u0001', 'a'.repeat(40), 'é'];
  const columns = Array.from({ length: 1 + int(24) }, (_, i) => {
    const type = i === 0 ? 'int(11)' : pick(TYPES);
    const charset = /char|text|enum|set|json/.test(type) ? pick(['utf8mb4', 'latin1', 'binary']) : null;
    return column(`${i < names.length && rnd() < 0.5 ? names[i] : 'c'}${i}`, type, { charset, key: i === 0 || rnd() < 0.05, nullable: i !== 0 });
  });
  return table(columns, {
    database: pick(['db', 'd"b', '数据库', 'x\\y']),
    table: `${pick(['t', 'tab"le', '表', 'n\n'])}${n}`,
    pkNames: rnd() < 0.2 ? [] : columns.filter((c) => c.key).map((c) => c.name),
  });
}

function randomRow(schema: TableSchema): Value[] {
  return schema.columns.map(randomValue);
}

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

const DDL_KINDS: DdlKind[] = ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_TABLE', 'RENAME_TABLE', 'TRUNCATE_TABLE', 'CREATE_INDEX', 'DROP_INDEX', 'CREATE_VIEW', 'CREATE_DATABASE', 'OTHER'];

function randomRecord(schemas: readonly TableSchema[], id: number): ChangeRecord {
  const source = { serverId: 1, file: 'mysql-bin.000001', position: 4, gtid: null, timestampMs: pick([0, 1_700_000_000_000 + int(1e9), 2 ** 53 - 1]), txId: '1' };
  const op = pick(['INSERT', 'INIT', 'UPDATE', 'UPDATE', 'DELETE', 'DDL'] as const);
  if (op === 'DDL') {
    return { op, kind: pick(DDL_KINDS), id, seq: 0, source, database: pick(['db', 'd"b', '库']), table: pick(['', 't', 'ta\u0000ble']), sql: randomText(int(300)) };
  }
  const schema = pick(schemas);
  const image = randomRow(schema);
  const record: RowRecord = op === 'UPDATE'
    ? { op, id, seq: 0, source, schema, before: image, after: changedRow(schema, image) }
    : op === 'DELETE'
      ? { op, id, seq: 0, source, schema, before: image, after: null }
      : { op, id, seq: 0, source, schema, before: null, after: image };
  return record;
}

describe('Canal JSON bytes, live encoder against the reference copy', () => {
  const schemas = Array.from({ length: 40 }, (_, i) => randomSchema(i));
  const RECORDS = 6000;
  const records = Array.from({ length: RECORDS }, (_, i) => randomRecord(schemas, pick([i + 1, 2 ** 53 - 1 - i])));
  const nowOf = (i: number) => (i % 7 === 0 ? 0 : 1_767_225_600_000 + i);

  it(`writes identical bytes for ${RECORDS} generated records of every op and column type`, () => {
    // Every live message first: the earlier ones must be intact after the later ones.
    const live = records.map((r, i) => encodeCanalJson(r, { nowMs: nowOf(i) }));
    let compared = 0;
    for (let i = 0; i < records.length; i++) {
      const expected = referenceEncodeCanalJson(records[i]!, { nowMs: nowOf(i) });
      if (!live[i]!.equals(expected)) {
        // Text first: the difference reads better than a byte dump.
        expect(live[i]!.toString('utf8'), `record ${i} (${records[i]!.op})`).toBe(expected.toString('utf8'));
        expect(live[i]!.equals(expected), `record ${i} (${records[i]!.op})`).toBe(true);
      }
      compared++;
    }
    expect(compared).toBe(RECORDS);
    // The generator reached what it is meant to: every op, big messages, changed and unchanged UPDATEs.
    const ops = new Set(records.map((r) => r.op));
    expect([...ops].sort()).toEqual(['DDL', 'DELETE', 'INIT', 'INSERT', 'UPDATE']);
    expect(live.some((b) => b.length > 64 * 1024)).toBe(true);
    const olds = live.map((b) => /"old":(\[\{.*?\}\]|null),"pkNames"/s.exec(b.toString('utf8'))?.[1]);
    expect(olds.filter((o) => o === '[{}]').length).toBeGreaterThan(0);
    expect(olds.filter((o) => o !== undefined && o !== 'null' && o !== '[{}]').length).toBeGreaterThan(100);
  });

  it('writes identical bytes for the every-type row of the type tests, each value alone and all together', () => {
    const schema = table(TYPES.map((type, i) => column(`c${i}`, type)));
    let checked = 0;
    for (const text of TYPE_TEST_STRINGS) {
      const row = schema.columns.map(() => text);
      const record: RowRecord = { op: 'INSERT', id: 1, seq: 0, source: { serverId: 1, file: 'f', position: 4, gtid: null, timestampMs: 1, txId: null }, schema, before: null, after: row };
      expect(encodeCanalJson(record, { nowMs: 2 }).toString('utf8')).toBe(referenceEncodeCanalJson(record, { nowMs: 2 }).toString('utf8'));
      checked++;
    }
    expect(checked).toBe(TYPE_TEST_STRINGS.length);
  });

  it('writes FLOAT and DOUBLE value strings as the reference does, fast paths included', () => {
    const N = 100_000;
    let fast = 0;
    for (let i = 0; i < N; i++) {
      // Half in the plain range, where the fast paths apply; integers, short and long fractions.
      const d = i % 2 === 0 ? randomDouble() : (int(2e7) - 1e7) / pick([1, 2, 4, 10, 3, 1e3, 1e5, 1e9]);
      const f = i % 3 === 0 ? randomFloat() : Math.fround(d);
      const [liveD, refD] = [javaDoubleToString(d), referenceJavaDoubleToString(d)];
      if (liveD !== refD) expect(`${liveD} for double ${d}`).toBe(`${refD} for double ${d}`);
      const [liveF, refF] = [javaFloatToString(f), referenceJavaFloatToString(f)];
      if (liveF !== refF) expect(`${liveF} for float ${f}`).toBe(`${refF} for float ${f}`);
      if (Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7) fast++;
    }
    expect(fast).toBeGreaterThan(N / 2);
  });

  it('raises the same invariant error for a row image that does not fit the table', () => {
    const schema = schemas[0]!;
    const bad: RowRecord = { op: 'UPDATE', id: 3, seq: 0, source: { serverId: 1, file: 'f', position: 4, gtid: null, timestampMs: 1, txId: null }, schema, before: [1], after: randomRow(schema) };
    const message = (encode: typeof encodeCanalJson) => {
      try {
        encode(bad, { nowMs: 1 });
        return 'no error';
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    };
    expect(message(encodeCanalJson)).toMatch(/^InvariantError: UPDATE record 3 has a 1-value row image/);
    expect(message(encodeCanalJson)).toBe(message(referenceEncodeCanalJson));
  });
});
