/**
 * The tunnel record stream writer and reader: the spec's vectors (specs/maxcompute.md §3.8), a
 * vector written by the official Java SDK, and every scalar type against a slow reference encoder
 * that follows the spec's rules literally (BigInt and the native CRC-32C over the whole record).
 */
import { crc32c } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../../shared/errors.ts';
import { createRecordStreamWriter, decimalIntDigits, OdpsValueError } from '../../../../shared/encode/maxcompute/record-stream.ts';
import { readRecordStream, RecordStreamFormatError } from '../../../../shared/encode/maxcompute/record-stream-reader.ts';
import type { OdpsColumn, OdpsValue } from '../../../../shared/encode/maxcompute/types.ts';

const cols = (...types: string[]): OdpsColumn[] => types.map((type, i) => ({ name: `c${i}`, type }));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const write = (columns: OdpsColumn[], rows: OdpsValue[][], options?: Parameters<typeof createRecordStreamWriter>[1]) => {
  const w = createRecordStreamWriter(columns, options);
  for (const r of rows) w.append(r);
  return w.finish();
};
const days = (y: number, m: number, d: number) => new Date(0).setUTCFullYear(y, m - 1, d) / 86_400_000; // Date.UTC maps years 0-99 to 19xx

describe('spec vectors (maxcompute.md §3.8)', () => {
  it('V1: bigint, string, double, boolean, datetime, decimal; a row of nulls', () => {
    const columns = cols('bigint', 'string', 'double', 'boolean', 'datetime', 'decimal(10,2)');
    const rows: OdpsValue[][] = [
      [1n, 'abc', 1.5, true, Date.UTC(2024, 0, 2, 3, 4, 5, 678), '12.34'],
      [-2, null, null, false, null, null],
    ];
    const bytes = write(columns, rows);
    expect(hex(bytes)).toBe('0802120361626319000000000000f83f200128dcec86829963320531322e333480c0ff7fd1a78be9020803200080c0ff7fa4e8809105f0ffff7f04f8ffff7ff194b6850f');
    const back = readRecordStream(columns, bytes);
    expect(back.checksum).toBe(0xf0ad8a71);
    expect(back.rows).toEqual([
      [1n, 'abc', 1.5, true, Date.UTC(2024, 0, 2, 3, 4, 5, 678), '12.34'],
      [-2n, null, null, false, null, null],
    ]);
  });

  it('V2: an empty block is count 0 and checksum 0', () => {
    const w = createRecordStreamWriter(cols('bigint'));
    expect(w.byteLength).toBe(0);
    expect(hex(w.finish())).toBe('f0ffff7f00f8ffff7f00');
    expect(readRecordStream(cols('bigint'), Buffer.from('f0ffff7f00f8ffff7f00', 'hex')).rows).toEqual([]);
  });

  const v3Columns = cols('string', 'bigint', 'int', 'float', 'date');
  const v3Rows: OdpsValue[][] = [
    ['中文', 2n ** 63n - 1n, -(2 ** 31), 0.5, days(2024, 1, 2)],
    ['', -(2n ** 63n), 0, null, days(1969, 12, 31)],
  ];
  const v3 = '0a06e4b8ade6968710feffffffffffffffff0118ffffffff0f250000003f2898b40280c0ff7faa9fd0e0010a0010ffffffffffffffffff011800280180c0ff7f97f091af04f0ffff7f04f8ffff7ff4ceca8d03';

  it('V3: UTF-8, int64 extremes, int min, float, dates (written without range checks, as PY does)', () => {
    const bytes = write(v3Columns, v3Rows, { checkRanges: false });
    expect(hex(bytes)).toBe(v3);
    expect(readRecordStream(v3Columns, bytes).rows).toEqual([
      ['中文', 2n ** 63n - 1n, -(2n ** 31n), 0.5, 19724],
      ['', -(2n ** 63n), 0n, null, -1],
    ]);
  });

  it('V3 with range checks: BIGINT -2^63 is refused as MaxCompute reserves it, and the stream keeps only the good row', () => {
    const w = createRecordStreamWriter(v3Columns);
    w.append(v3Rows[0]!);
    const before = w.byteLength;
    const err = catchError(() => w.append(v3Rows[1]!));
    expect(err).toBeInstanceOf(OdpsValueError);
    expect(err).toMatchObject({ code: 'DTS_MAXCOMPUTE_VALUE', retriable: false, column: 1, context: { column: 1, columnName: 'c1', type: 'BIGINT', record: 1 } });
    expect((err as Error).message).toContain('column 1 (c1, BIGINT)');
    expect(w.byteLength).toBe(before);
    expect(w.recordCount).toBe(1);
    const bytes = w.finish();
    expect(hex(bytes)).toBe(hex(write(v3Columns, [v3Rows[0]!])));
    expect(readRecordStream(v3Columns, bytes).rows).toHaveLength(1);
  });

  it('TIMESTAMP as the GO SDK vector writes it: tag with wire type 2, zigzag seconds, zigzag nanos, no length', () => {
    // GO protoc_writer_test.go: field 14 is TIMESTAMP 1666170000 s, 0 ns → 72 a0 f2 fd b4 0c 00.
    const columns = [...cols(...Array<string>(13).fill('string')), { name: 'ts', type: 'TIMESTAMP' }];
    const row: OdpsValue[] = [...Array<null>(13).fill(null), { seconds: 1666170000n, nanos: 0 }];
    const bytes = write(columns, [row]);
    expect(hex(bytes.subarray(0, 7))).toBe('72a0f2fdb40c00');
    // The record CRC by the spec's rule: field number (4 LE), seconds (8 LE), nanos (4 LE).
    const fed = Buffer.alloc(16);
    fed.writeInt32LE(14, 0);
    fed.writeBigInt64LE(1666170000n, 4);
    fed.writeInt32LE(0, 12);
    const crc = crc32c(fed);
    expect(hex(bytes.subarray(7, 11))).toBe('80c0ff7f');
    expect(readVarint(bytes, 11)).toBe(crc);
  });
});

describe('a vector written by the official Java SDK', () => {
  // odps-sdk-core 0.52.3-public: ProtobufRecordStreamWriter(schema, out, CompressOption(ODPS_RAW, 0, 0))
  // over ArrayRecord rows set from Long/Integer/Short/Byte/Boolean/Double/Float/String/Varchar/Char/
  // SimpleJsonValue/Binary/BigDecimal/java.util.Date/LocalDate/Instant/LocalDateTime, as below.
  const columns = cols(
    'BIGINT',
    'INT',
    'SMALLINT',
    'TINYINT',
    'BOOLEAN',
    'DOUBLE',
    'FLOAT',
    'STRING',
    'VARCHAR(10)',
    'CHAR(5)',
    'JSON',
    'BINARY',
    'DECIMAL(38,18)',
    'DATETIME',
    'DATE',
    'TIMESTAMP',
    'TIMESTAMP_NTZ',
  );
  const rows: OdpsValue[][] = [
    [
      1234567890123n,
      -7,
      300,
      -5,
      true,
      3.25,
      -1.5,
      'héllo',
      'vc',
      'ch',
      '{"a":1}',
      new Uint8Array([0, 1, 255]),
      '-12345.678900',
      1704164645678,
      days(2024, 1, 2),
      { seconds: 1704164645n, nanos: 123456789 },
      { seconds: 1704164645n, nanos: 6000 },
    ],
    [
      -(2n ** 63n) + 1n,
      2147483647,
      -32768,
      127,
      false,
      -0,
      Number.NaN,
      '',
      '😀',
      null,
      null,
      new Uint8Array(0),
      '0.000000000000000001',
      -1,
      days(1, 1, 1),
      { seconds: -1n, nanos: 999999999 },
      { seconds: -1n, nanos: 500000000 },
    ],
    [],
    [2n ** 63n - 1n, -2147483648, null, null, null, -Infinity, 3.4028234663852886e38, '𝄞a\u0000b', null, null, null, null, '99999999999999999999.999999999999999999'],
  ];
  const java =
    '089693d89fee47100d18d80420092801310000000000000a403d0000c0bf420668c3a96c6c6f4a027663520263685a077b2261223a317d62030001ff6a0d2d31323334352e36373839303070dcec868299637898b4028201caf49bd90caab4de758a01caf49bd90ce05d80c0ff7fd58798e20a' +
    '08fdffffffffffffffff0110feffffff0f18ffff0320fe0128003100000000000000803d0000c07f42004a04f09f988062006a14302e303030303030303030303030303030303031700178f3e457820101fea7d6b9078a01018094ebdc0380c0ff7feedcb3de0a' +
    '80c0ff7f00' +
    '08feffffffffffffffff0110ffffffff0f31000000000000f0ff3dffff7f7f4207f09d849e6100626a2739393939393939393939393939393939393939392e39393939393939393939393939393939393980c0ff7fe3c7e96e' +
    'f0ffff7f08f8ffff7fe2faeffa03';

  it('writes the same bytes (every scalar type, extremes, -0.0, NaN, 4-byte UTF-8, negative timestamps with nanos, an all-null row)', () => {
    expect(hex(write(columns, rows))).toBe(java);
  });

  it('reads the Java bytes back to the values, in the canonical shapes', () => {
    const back = readRecordStream(columns, Buffer.from(java, 'hex')).rows;
    expect(back).toHaveLength(4);
    const [r1, r2, r3, r4] = back as [OdpsValue[], OdpsValue[], OdpsValue[], OdpsValue[]];
    expect(r1).toEqual([
      1234567890123n,
      -7n,
      300n,
      -5n,
      true,
      3.25,
      -1.5,
      'héllo',
      'vc',
      'ch',
      '{"a":1}',
      new Uint8Array([0, 1, 255]),
      '-12345.678900',
      1704164645678,
      19724,
      { seconds: 1704164645n, nanos: 123456789 },
      { seconds: 1704164645n, nanos: 6000 },
    ]);
    expect(Object.is(r2[5], -0)).toBe(true);
    expect(Number.isNaN(r2[6])).toBe(true);
    expect(r2.slice(7, 17)).toEqual(['', '😀', null, null, new Uint8Array(0), '0.000000000000000001', -1, -719162, { seconds: -1n, nanos: 999999999 }, { seconds: -1n, nanos: 500000000 }]);
    expect(r3).toEqual(Array(17).fill(null));
    expect(r4.slice(0, 8)).toEqual([2n ** 63n - 1n, -2147483648n, null, null, null, -Infinity, 3.4028234663852886e38, '𝄞a\u0000b']);
  });
});

describe('every scalar type against the reference encoder', () => {
  const columns = cols(
    'BIGINT',
    'INT',
    'SMALLINT',
    'TINYINT',
    'BOOLEAN',
    'DOUBLE',
    'FLOAT',
    'STRING',
    'VARCHAR(300)',
    'CHAR(20)',
    'JSON',
    'BINARY',
    'DECIMAL(65,30)',
    'DATETIME',
    'DATE',
    'TIMESTAMP',
    'TIMESTAMP_NTZ',
  );
  const rng = mulberry32(20240102);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const text = (max: number) => {
    const alphabet = ['a', 'Z', '0', ' ', 'é', '中', '😀', '\u0000', '"', '\n'];
    return Array.from({ length: Math.floor(rng() * max) }, () => pick(alphabet)).join('');
  };
  const int = (bits: number) => {
    const span = 2 ** bits;
    return Math.floor(rng() * span) - span / 2;
  };
  const value = (i: number): OdpsValue => {
    if (rng() < 0.15) return null;
    switch (i) {
      case 0:
        return pick([0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n) + 1n, 2n ** 53n, -(2n ** 53n) - 1n, BigInt(int(53)), BigInt(int(40))]);
      case 1:
        return rng() < 0.5 ? int(32) : BigInt(int(32));
      case 2:
        return int(16);
      case 3:
        return int(8);
      case 4:
        return rng() < 0.5;
      case 5:
        return pick([0, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, (rng() - 0.5) * 1e12]);
      case 6:
        return pick([0, -0, Number.NaN, 1.1, (rng() - 0.5) * 1e6]);
      case 7:
        return text(rng() < 0.2 ? 400 : 30); // long ones cross the native-CRC threshold and the 2-byte length
      case 8:
        return text(300);
      case 9:
        return text(20);
      case 10:
        return JSON.stringify({ k: text(10) });
      case 11:
        return Uint8Array.from({ length: Math.floor(rng() * (rng() < 0.1 ? 5000 : 40)) }, () => Math.floor(rng() * 256));
      case 12:
        return `${rng() < 0.5 ? '-' : ''}${Math.floor(rng() * 1e15)}.${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`;
      case 13:
        return Math.floor(-62167305600000 + rng() * (253402387200000 + 62167305600000));
      case 14:
        return Math.floor((rng() - 0.5) * 2 * 2932896);
      default:
        return { seconds: BigInt(Math.floor((rng() - 0.5) * 2 * 253402300799)), nanos: Math.floor(rng() * 1e9) };
    }
  };
  const rows = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(rng() * 17) }, (_, i) => value(i)));

  it('writes what the spec rules give, for 400 random rows with short arrays and nulls', () => {
    const bytes = write(columns, rows, { initialCapacity: 64 });
    expect(hex(bytes)).toBe(hex(referenceEncode(columns, rows)));
  });

  it('reads its own stream back', () => {
    const back = readRecordStream(columns, write(columns, rows)).rows;
    expect(back).toHaveLength(rows.length);
    back.forEach((got, r) => {
      const sent = rows[r]!;
      got.forEach((v, i) => {
        const s = i < sent.length ? sent[i]! : null;
        if (i === 6 && typeof s === 'number') expect(v).toBe(Math.fround(s));
        else if ([0, 1, 2, 3].includes(i) && s !== null) expect(v).toBe(BigInt(s as number | bigint));
        else expect(v).toEqual(s);
      });
    });
  });
});

describe('values the writer refuses', () => {
  const refusal = (type: string, v: OdpsValue) => catchError(() => createRecordStreamWriter(cols('string', type)).append(['x', v]));

  it.each<[string, OdpsValue, string]>([
    ['BIGINT', 'row-secret-7', 'takes a bigint or a safe-integer number, got a value of type string'],
    ['BIGINT', 1.5, 'got a non-integer number'],
    ['BIGINT', 2 ** 60, 'got a number beyond the safe-integer range'],
    ['INT', true, 'got a value of type boolean'],
    ['DOUBLE', 1n, 'takes a number, got a value of type bigint'],
    ['STRING', new Uint8Array(1), 'takes a string, got a Uint8Array'],
    ['BINARY', 'row-secret-7', 'takes a Uint8Array'],
    ['DECIMAL(10,2)', 12.5, 'takes a plain decimal string'],
    ['DECIMAL(10,2)', '1e5', 'got a string in another form'],
    ['DECIMAL(10,2)', ' 1.5', 'got a string in another form'],
    ['DATETIME', 1n, 'takes a safe-integer number of milliseconds'],
    ['DATE', 1.5, 'takes a safe-integer number of days'],
    ['TIMESTAMP', 5, 'takes an OdpsTimestamp'],
    ['TIMESTAMP', { seconds: 1n, nanos: 1_000_000_000 }, 'takes an OdpsTimestamp'],
    ['TIMESTAMP', { seconds: 1n, nanos: -1 }, 'takes an OdpsTimestamp'],
    ['TIMESTAMP_NTZ', new Uint8Array(8), 'takes an OdpsTimestamp'],
    ['BOOLEAN', 1, 'takes a boolean, got a number'],
  ])('a wrong JS type for %s is a bug: InvariantError naming column and type, not the value', (type, v, text) => {
    const err = refusal(type, v);
    expect(err).toBeInstanceOf(InvariantError);
    expect((err as Error).message).toContain(`column 1 (c1, ${type.toUpperCase()})`);
    expect((err as Error).message).toContain(text);
    expect((err as Error).message).not.toContain('row-secret');
    expect(err).toMatchObject({ code: 'DTS_INVARIANT', context: { column: 1, type: type.toUpperCase(), record: 0 } });
  });

  it('undefined (a hole in the row) is a bug too', () => {
    expect(refusal('BIGINT', undefined as unknown as OdpsValue)).toBeInstanceOf(InvariantError);
  });

  it.each<[string, OdpsValue, string]>([
    ['TINYINT', 128, "outside TINYINT's range -128..127"],
    ['TINYINT', -129n, "outside TINYINT's range"],
    ['SMALLINT', 32768, "outside SMALLINT's range"],
    ['INT', 2 ** 31, "outside INT's range"],
    ['INT', 2n ** 62n, "outside INT's range"],
    ['BIGINT', -(2n ** 63n), 'is -2^63'],
    ['BIGINT', 2n ** 63n, 'outside the 64-bit range'],
    ['VARCHAR(2)', 'abc', 'longer than 2 characters'],
    ['CHAR(1)', '😀😀', 'longer than 1 characters'],
    ['DECIMAL(4,2)', '99.995', 'more than the 2 integer digits DECIMAL(4,2) holds'],
    ['DECIMAL(4,2)', '-100', 'more than the 2 integer digits'],
    ['DATETIME', 253402387200001, 'outside the DATETIME range'],
    ['DATETIME', -62167305600001, 'outside the DATETIME range'],
  ])('%s refuses a value it cannot store: OdpsValueError, final', (type, v, text) => {
    const err = refusal(type, v);
    expect(err).toBeInstanceOf(OdpsValueError);
    expect((err as Error).message).toContain(text);
    expect(err).toMatchObject({ retriable: false, column: 1 });
  });

  it.each<[string, OdpsValue]>([
    ['VARCHAR(2)', '😀😀'], // 2 characters, 4 UTF-16 units
    ['DECIMAL(4,2)', '99.994'],
    ['DECIMAL(4,2)', '-0.5'],
    ['DECIMAL', '123456789012345678901234567890.5'],
    ['TINYINT', -128n],
    ['DATETIME', 253402387200000],
  ])('%s takes %s', (type, v) => {
    const bytes = write(cols('string', type), [['x', v]]);
    expect(readRecordStream(cols('string', type), bytes).rows[0]![1]).toEqual(type === 'TINYINT' ? BigInt(v as bigint) : v);
  });

  it('counts integer digits as BigDecimal does after rounding to the scale', () => {
    expect(
      [
        ['0.5', 0],
        ['9.995', 2],
        ['0.995', 2],
        ['0.001', 2],
        ['-00012.3', 1],
        ['99', 0],
        ['99.5', 0],
        ['0', 2],
      ].map(([t, s]) => decimalIntDigits(t as string, s as number)),
    ).toEqual([1, 2, 1, 0, 2, 2, 3, 0]);
  });

  it('a row wider than the columns, an append after finish, a second finish and complex types are bugs', () => {
    const w = createRecordStreamWriter(cols('bigint'));
    expect(catchError(() => w.append([1, 2]))).toBeInstanceOf(InvariantError);
    w.finish();
    expect(catchError(() => w.append([1]))).toBeInstanceOf(InvariantError);
    expect(catchError(() => w.finish())).toBeInstanceOf(InvariantError);
    expect(catchError(() => createRecordStreamWriter(cols('bigint', 'array<bigint>')))).toBeInstanceOf(InvariantError);
    expect((catchError(() => createRecordStreamWriter(cols('bigint', 'map<string,bigint>'))) as Error).message).toContain('column 1 (c1) of type map<string,bigint>');
  });

  it('keeps the stream as it was before a refused record, whatever field failed', () => {
    const columns = cols('string', 'bigint', 'string');
    const w = createRecordStreamWriter(columns, { initialCapacity: 64 });
    w.append(['first', 1n, 'a'.repeat(100)]);
    expect(catchError(() => w.append(['x'.repeat(1000), 2n, 3 as unknown as string]))).toBeInstanceOf(InvariantError);
    w.append(['third', 3n, null]);
    expect(w.recordCount).toBe(2);
    expect(hex(w.finish())).toBe(
      hex(
        write(columns, [
          ['first', 1n, 'a'.repeat(100)],
          ['third', 3n, null],
        ]),
      ),
    );
  });
});

describe('size accounting', () => {
  it('byteLength counts every record byte; finish adds only the trailer', () => {
    const w = createRecordStreamWriter(cols('bigint', 'string'));
    w.append([1n, 'abc']);
    const one = w.byteLength;
    w.append([null, 'x'.repeat(200)]);
    const two = w.byteLength;
    const bytes = w.finish();
    expect(hex(bytes.subarray(0, 11))).toBe('080212036162638' + '0c0ff7f'); // then the record CRC's varint
    expect(hex(bytes.subarray(one, one + 4))).toBe('12c80178'); // field 2, length 200, 'x'
    expect(hex(bytes.subarray(one + 203, one + 207))).toBe('80c0ff7f');
    expect(hex(bytes.subarray(two, two + 5))).toBe('f0ffff7f04');
    expect(bytes.length - two).toBeLessThanOrEqual(24);
    expect(readRecordStream(cols('bigint', 'string'), bytes).rows).toHaveLength(2);
  });
});

describe('the reader refuses what a server refuses', () => {
  const columns = cols('bigint', 'string');
  const good = write(columns, [
    [1n, 'abc'],
    [2n, 'de'],
  ]);
  const refuse = (bytes: Uint8Array, cs = columns) => catchError(() => readRecordStream(cs, bytes));
  const trailer = good.lastIndexOf(Buffer.from('f0ffff7f', 'hex'));

  it('a flipped byte in a value: record CRC mismatch', () => {
    const bad = Buffer.from(good);
    bad[4] = 0x60; // 'a' → '`'
    const err = refuse(bad);
    expect(err).toBeInstanceOf(RecordStreamFormatError);
    expect((err as Error).message).toMatch(/record 0 at byte \d+: record CRC 0x[0-9a-f]+ != computed/);
  });

  it('a wrong trailer count or checksum', () => {
    const count = Buffer.from(good);
    count[trailer + 4] = 0x06; // count 3 instead of 2
    expect((refuse(count) as Error).message).toContain('the trailer counts 3 records, the stream holds 2');
    const sum = Buffer.from(good);
    sum[sum.length - 1] = sum.at(-1)! ^ 0x01;
    expect((refuse(sum) as Error).message).toContain('block checksum');
  });

  it('truncation, bytes after the trailer, a field beyond the schema, a wrong wire type, fields out of order', () => {
    expect((refuse(good.subarray(0, trailer)) as Error).message).toContain('without its count and checksum trailer');
    expect((refuse(good.subarray(0, 4)) as Error).message).toContain('runs past the end');
    expect((refuse(Buffer.concat([good, Buffer.from([0])])) as Error).message).toContain('1 bytes after the trailer');
    expect(refuse(good, cols('bigint')) as Error).toBeInstanceOf(RecordStreamFormatError);
    expect((refuse(good, cols('bigint')) as Error).message).toContain("field 2 is beyond the schema's 1 columns");
    expect((refuse(good, cols('double', 'string')) as Error).message).toContain('field 1 (c0, DOUBLE) has wire type 0, expected 1');
    const swapped = Buffer.from(['120161', '0802', '80c0ff7f00', 'f0ffff7f02f8ffff7f00'].join(''), 'hex'); // field 2 then field 1
    expect((refuse(swapped) as Error).message).toContain('field 1 after field 2');
  });
});

// ---- helpers ------------------------------------------------------------------------------

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

function readVarint(b: Uint8Array, at: number): number {
  let v = 0;
  let mul = 1;
  for (let i = at; ; i++) {
    v += (b[i]! & 0x7f) * mul;
    mul *= 128;
    if (!(b[i]! & 0x80)) return v;
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The spec's rules (§3.7), literally: BigInt varints, whole-record buffers, the native CRC-32C. */
function referenceEncode(columns: OdpsColumn[], rows: OdpsValue[][]): Buffer {
  const out: number[] = [];
  const varint = (v: bigint) => {
    do {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v ? b | 0x80 : b);
    } while (v);
  };
  const zigzag = (v: bigint) => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const le = (v: bigint, n: number) => Array.from({ length: n }, (_, i) => Number((BigInt.asUintN(n * 8, v) >> BigInt(8 * i)) & 0xffn));
  const crcs: number[] = [];
  for (const row of rows) {
    const fed: number[] = [];
    row.forEach((v, i) => {
      if (v === null) return;
      const type = columns[i]!.type.replace(/\(.*/, '');
      fed.push(...le(BigInt(i + 1), 4));
      const wire = ['DOUBLE'].includes(type) ? 1 : type === 'FLOAT' ? 5 : ['STRING', 'VARCHAR', 'CHAR', 'JSON', 'BINARY', 'DECIMAL', 'TIMESTAMP', 'TIMESTAMP_NTZ'].includes(type) ? 2 : 0;
      varint(BigInt((i + 1) * 8 + wire));
      if (type === 'BOOLEAN') {
        out.push(v ? 1 : 0);
        fed.push(v ? 1 : 0);
      } else if (type === 'DOUBLE' || type === 'FLOAT') {
        const b = Buffer.alloc(type === 'DOUBLE' ? 8 : 4);
        if (type === 'DOUBLE') b.writeDoubleLE(v as number);
        else b.writeFloatLE(v as number);
        out.push(...b);
        fed.push(...b);
      } else if (typeof v === 'string' || v instanceof Uint8Array) {
        const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
        varint(BigInt(b.length));
        out.push(...b);
        fed.push(...b);
      } else if (typeof v === 'object') {
        const ts = v as { seconds: bigint; nanos: number };
        varint(zigzag(ts.seconds));
        varint(zigzag(BigInt(ts.nanos)));
        fed.push(...le(ts.seconds, 8), ...le(BigInt(ts.nanos), 4));
      } else {
        const n = BigInt(v);
        varint(zigzag(n));
        fed.push(...le(n, 8));
      }
    });
    const crc = crc32c(Buffer.from(fed));
    crcs.push(crc);
    varint(33553408n * 8n);
    varint(BigInt(crc));
  }
  varint(33554430n * 8n);
  varint(zigzag(BigInt(rows.length)));
  varint(33554431n * 8n);
  varint(BigInt(crc32c(Buffer.from(crcs.flatMap((c) => le(BigInt(c), 4))))));
  return Buffer.from(out);
}
