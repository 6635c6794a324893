/**
 * Each lean column reader against zongji 0.9.0's own `readMysqlValue` on the same bytes: for every
 * column type the lean decoder reads, with its metadata variants (widths, signedness by the binlog
 * or by the column type, fsp 0-6, DECIMAL precisions and scales, charsets, MariaDB's text types on
 * binary columns), thousands of seeded random values, and where each read stops. The live
 * equivalence test (test/integration/lean-rows-equivalence.test.ts) covers real servers' values;
 * this covers the value space, TIMESTAMP's own UTC arithmetic included.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error no declaration file for zongji's internal modules
import { readMysqlValue } from '../../../../../node_modules/@vlasky/zongji/lib/common.js';
// @ts-expect-error no declaration file for zongji's internal modules
import { Parser } from '../../../../../node_modules/@vlasky/zongji/lib/reader.js';
import { columnReader, type MapColumn, type MapColumnSchema } from '../../../../../shared/source/binlog/rows/column-readers.ts';
import { ColumnType } from '../../../../../shared/source/binlog/events/table-map.ts';

const OPTIONS = { dateStrings: true, timezone: 'Z', decimalNumbers: false };

/** A small seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
}

interface Case {
  readonly name: string;
  readonly column: MapColumn;
  readonly schema: MapColumnSchema;
  /** The bytes of one value (a little padding after it must be left unread). */
  value(next: () => number): Buffer;
}

const col = (type: number, metadata: Record<string, number> = {}, charset: string | null = null): MapColumn => ({ name: 'c', type, charset, metadata });
const fixed = (n: number) => (next: () => number) => randomBytes(next, n);
const prefixed = (prefix: number, max: number) => (next: () => number) => {
  const n = Math.floor(next() * (max + 1));
  const head = Buffer.alloc(prefix);
  head.writeUIntLE(n, 0, prefix);
  return Buffer.concat([head, randomBytes(next, n)]);
};
/** A valid fraction of `fsp` digits, stored big-endian in ceil(fsp / 2) bytes (odd fsp keeps a last 0 digit). */
const fraction = (fsp: number, next: () => number): Buffer => {
  const size = Math.ceil(fsp / 2);
  if (size === 0) return Buffer.alloc(0);
  const value = Math.floor(next() * 10 ** fsp) * (fsp % 2 ? 10 : 1);
  const out = Buffer.alloc(size);
  out.writeUIntBE(value, 0, size);
  return out;
};
const DECIMAL_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
const decimalSize = (p: number, s: number) => Math.floor((p - s) / 9) * 4 + DECIMAL_BYTES[(p - s) % 9]! + Math.floor(s / 9) * 4 + DECIMAL_BYTES[s % 9]!;
const members = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

const cases: Case[] = [];
const ints: [string, number, number][] = [
  ['tinyint', ColumnType.TINY, 1],
  ['smallint', ColumnType.SHORT, 2],
  ['mediumint', ColumnType.INT24, 3],
  ['int', ColumnType.LONG, 4],
  ['bigint', ColumnType.LONGLONG, 8],
];
for (const [name, type, size] of ints) {
  cases.push({ name: `${name} signed`, column: col(type), schema: { COLUMN_TYPE: name }, value: fixed(size) });
  cases.push({ name: `${name} unsigned by type`, column: col(type), schema: { COLUMN_TYPE: `${name} unsigned` }, value: fixed(size) });
  cases.push({ name: `${name} unsigned by binlog`, column: col(type), schema: { COLUMN_TYPE: name, UNSIGNED: true }, value: fixed(size) });
  cases.push({ name: `${name} signed by binlog`, column: col(type), schema: { COLUMN_TYPE: `${name} unsigned`, UNSIGNED: false }, value: fixed(size) });
}
// Small bigints too: random 8 bytes are almost always beyond 2^53.
cases.push({
  name: 'bigint near zero',
  column: col(ColumnType.LONGLONG),
  schema: { COLUMN_TYPE: 'bigint' },
  value: (next) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(Math.floor((next() - 0.5) * 2 ** 56)));
    return b;
  },
});
cases.push({ name: 'float', column: col(ColumnType.FLOAT, { size: 4 }), schema: { COLUMN_TYPE: 'float' }, value: fixed(4) });
cases.push({ name: 'double', column: col(ColumnType.DOUBLE, { size: 8 }), schema: { COLUMN_TYPE: 'double' }, value: fixed(8) });
for (const [p, s] of [
  [1, 0],
  [5, 2],
  [10, 0],
  [12, 2],
  [18, 9],
  [30, 30],
  [38, 10],
  [65, 0],
  [65, 30],
  [9, 9],
  [17, 8],
] as const) {
  cases.push({ name: `decimal(${p},${s})`, column: col(ColumnType.NEWDECIMAL, { precision: p, decimals: s }), schema: { COLUMN_TYPE: `decimal(${p},${s})` }, value: fixed(decimalSize(p, s)) });
}
cases.push({ name: 'year', column: col(ColumnType.YEAR), schema: { COLUMN_TYPE: 'year' }, value: fixed(1) });
cases.push({ name: 'date', column: col(ColumnType.DATE), schema: { COLUMN_TYPE: 'date' }, value: fixed(3) });
for (let fsp = 0; fsp <= 6; fsp++) {
  cases.push({
    name: `datetime(${fsp})`,
    column: col(ColumnType.DATETIME2, { decimals: fsp }),
    schema: { COLUMN_TYPE: 'datetime' },
    value: (next) => Buffer.concat([randomBytes(next, 5), fraction(fsp, next)]),
  });
  cases.push({ name: `time(${fsp})`, column: col(ColumnType.TIME2, { decimals: fsp }), schema: { COLUMN_TYPE: 'time' }, value: fixed(3 + Math.ceil(fsp / 2)) });
  cases.push({
    name: `timestamp(${fsp})`,
    column: col(ColumnType.TIMESTAMP2, { decimals: fsp }),
    schema: { COLUMN_TYPE: 'timestamp' },
    value: (next) => Buffer.concat([randomBytes(next, 4), fraction(fsp, next)]),
  });
  cases.push({
    name: `timestamp(${fsp}) from the epoch to 2038`,
    column: col(ColumnType.TIMESTAMP2, { decimals: fsp }),
    schema: { COLUMN_TYPE: 'timestamp' },
    value: (next) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(next() < 0.05 ? 0 : Math.floor(next() * 2 ** 31));
      return Buffer.concat([b, next() < 0.3 ? Buffer.alloc(Math.ceil(fsp / 2)) : fraction(fsp, next)]);
    },
  });
}
for (const bits of [1, 3, 8, 17, 64]) cases.push({ name: `bit(${bits})`, column: col(ColumnType.BIT, { bits }), schema: { COLUMN_TYPE: `bit(${bits})` }, value: fixed(Math.floor((bits + 7) / 8)) });
cases.push({ name: 'enum, members from the binlog', column: col(ColumnType.ENUM, { size: 1 }), schema: { COLUMN_TYPE: "enum('a','b')", ENUM_VALUES: members(200) }, value: fixed(1) });
cases.push({
  name: 'enum, members from the type',
  column: col(ColumnType.ENUM, { size: 2 }),
  schema: { COLUMN_TYPE: "enum('a','b''c',\"d\")" },
  value: (next) => Buffer.from([Math.floor(next() * 5), 0]),
});
for (const size of [1, 2, 3, 4, 8]) {
  cases.push({ name: `set of ${size} bytes`, column: col(ColumnType.SET, { size }), schema: { COLUMN_TYPE: "set('x','y')", SET_VALUES: members(Math.min(64, size * 8 - 2)) }, value: fixed(size) });
}
cases.push({ name: 'set, members from the type', column: col(ColumnType.SET, { size: 1 }), schema: { COLUMN_TYPE: "set('x','y','z')" }, value: fixed(1) });
for (const [charset, def] of [
  ['utf8mb4', 'varchar(20)'],
  ['utf8mb3', 'char(5)'],
  ['latin1', 'varchar(20)'],
  ['binary', 'varchar(20)'],
  ['gbk', 'varchar(20)'],
  ['utf16', 'varchar(20)'],
  [null, 'varbinary(20)'],
  [null, 'binary(4)'],
  [null, 'binary(16)'],
  [null, 'uuid'],
  [null, 'inet4'],
  [null, 'inet6'],
] as const) {
  for (const maxLength of [20, 300]) {
    const type = def.startsWith('char') || def.startsWith('binary') || def === 'uuid' || def.startsWith('inet') ? ColumnType.STRING : ColumnType.VARCHAR;
    const max = def === 'inet4' ? 4 : def === 'uuid' || def === 'inet6' ? 16 : def === 'binary(4)' ? 4 : 40;
    cases.push({
      name: `${def} ${charset} (max ${maxLength} bytes)`,
      column: col(type, { max_length: maxLength }, charset),
      schema: { COLUMN_TYPE: def },
      value: prefixed(maxLength > 255 ? 2 : 1, max),
    });
  }
}
for (const lengthSize of [1, 2, 3, 4]) {
  cases.push({ name: `blob, length in ${lengthSize} bytes`, column: col(ColumnType.BLOB, { length_size: lengthSize }), schema: { COLUMN_TYPE: 'blob' }, value: prefixed(lengthSize, 60) });
  cases.push({
    name: `text utf8mb4, length in ${lengthSize} bytes`,
    column: col(ColumnType.BLOB, { length_size: lengthSize }, 'utf8mb4'),
    schema: { COLUMN_TYPE: 'text' },
    value: prefixed(lengthSize, 60),
  });
  cases.push({
    name: `text cp1251, length in ${lengthSize} bytes`,
    column: col(ColumnType.BLOB, { length_size: lengthSize }, 'cp1251'),
    schema: { COLUMN_TYPE: 'text' },
    value: prefixed(lengthSize, 60),
  });
}

const zongji = {
  connection: { config: OPTIONS },
  emit: (name: string, err: Error) => {
    throw err;
  },
};

function zongjiRead(c: Case, bytes: Buffer): { value: unknown; pos: number } {
  const parser = new Parser();
  parser.append(bytes);
  const value = readMysqlValue(parser, c.column, c.schema, { tableName: 't', parentSchema: 'db' }, zongji) as unknown;
  return { value, pos: parser._offset as number };
}

describe('lean column readers', () => {
  for (const c of cases) {
    it(`${c.name}: the value and length zongji reads`, () => {
      const reader = columnReader(c.column, c.schema, OPTIONS);
      if (typeof reader === 'string') throw new Error(reader);
      const next = random(c.name.length * 7919 + c.name.charCodeAt(0));
      const mismatches: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const value = c.value(next);
        // Offset and padding: the readers must use the cursor's position and stop at the value's end.
        const bytes = Buffer.concat([Buffer.from([0xee, 0xee, 0xee]), value, Buffer.from([0xff, 0xff])]);
        const expected = zongjiRead(c, bytes.subarray(3));
        const cursor = { buf: bytes, pos: 3 };
        const actual = reader(cursor);
        const same = Buffer.isBuffer(expected.value) ? Buffer.isBuffer(actual) && actual.equals(expected.value) : Object.is(actual, expected.value);
        if (!same || cursor.pos - 3 !== expected.pos || cursor.pos - 3 !== value.length) {
          mismatches.push(`${value.toString('hex')}: lean ${String(actual)} at ${cursor.pos - 3}, zongji ${String(expected.value)} at ${expected.pos}`);
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
    });
  }

  it('leaves the types it does not read to zongji, saying which', () => {
    expect(columnReader(col(ColumnType.GEOMETRY, { length_size: 4 }), { COLUMN_TYPE: 'geometry' }, OPTIONS)).toBe('binlog column type 255');
    expect(columnReader(col(ColumnType.VECTOR, { length_size: 4 }), { COLUMN_TYPE: 'vector(3)' }, OPTIONS)).toBe('binlog column type 242');
    expect(columnReader(col(ColumnType.JSON, { length_size: 4 }), { COLUMN_TYPE: 'json' }, OPTIONS)).toBe('binlog column type 245');
    expect(columnReader(col(ColumnType.DATETIME), { COLUMN_TYPE: 'datetime' }, OPTIONS)).toBe('binlog column type 12');
    expect(columnReader(col(ColumnType.TIMESTAMP), { COLUMN_TYPE: 'timestamp' }, OPTIONS)).toBe('binlog column type 7');
    expect(columnReader(col(ColumnType.TIME), { COLUMN_TYPE: 'time' }, OPTIONS)).toBe('binlog column type 11');
    expect(columnReader(col(141, { max_length: 20 }), { COLUMN_TYPE: 'varchar(10) /*M!100301 COMPRESSED*/' }, OPTIONS)).toBe('binlog column type 141');
    expect(columnReader(col(ColumnType.DATETIME2), { COLUMN_TYPE: 'datetime' }, { ...OPTIONS, timezone: 'local' })).toMatch(/timezone local/);
    expect(columnReader(col(ColumnType.NEWDECIMAL, { precision: 5, decimals: 2 }), { COLUMN_TYPE: 'decimal(5,2)' }, { ...OPTIONS, decimalNumbers: true })).toMatch(/decimalNumbers/);
  });
});
