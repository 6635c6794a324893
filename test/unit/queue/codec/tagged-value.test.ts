import { describe, expect, it } from 'vitest';
import { ByteReader, PayloadCorruption } from '../../../../shared/queue/codec/byte-reader.ts';
import { ByteWriter } from '../../../../shared/queue/codec/byte-writer.ts';
import { ABSENT, readValue, Tag, UnstorableValueError, writeValue } from '../../../../shared/queue/codec/tagged-value.ts';

function roundTrip(v: unknown, initialBytes = 16): { back: unknown; bytes: Buffer } {
  const w = new ByteWriter(initialBytes);
  writeValue(w, v);
  const bytes = Buffer.from(w.finish());
  const r = new ByteReader(bytes, 0);
  const back = readValue(r, 'the value');
  expect(r.pos).toBe(bytes.length);
  return { back, bytes };
}

/** Strings at the edges of the writer's paths: JS-copied ASCII (≤ 48), Buffer#write, 1/2/3-byte length prefixes, exact length past 64 Ki chars. */
const strings = [
  '',
  'a',
  'x'.repeat(42),
  'x'.repeat(43),
  'x'.repeat(48),
  'x'.repeat(49),
  'x'.repeat(127),
  'x'.repeat(128),
  'x'.repeat(20_000),
  'x'.repeat(70_000),
  'ü',
  'é'.repeat(42),
  'é'.repeat(43),
  '€'.repeat(5461),
  '€'.repeat(5462),
  '😀',
  `${'a'.repeat(47)}ü`,
  `ü${'a'.repeat(47)}`,
  '€'.repeat(70_000),
  '\u0000\u007f\u0080\u00ff',
  'customer-ü-名前',
  '\ud800',
  `a\udc00b`,
  '😀'.slice(0, 1),
  `${'x'.repeat(60)}\udfff`,
];

describe('tagged values', () => {
  it('round-trips numbers exactly: int32 edges, -0, NaN, infinities, beyond 2^53, fractions', () => {
    const numbers = [
      0,
      -0,
      1,
      -1,
      63,
      64,
      -64,
      -65,
      127,
      128,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      2 ** 53,
      -(2 ** 53),
      2 ** 53 + 2,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      0.1,
      -1.5,
      1 / 3,
      Math.fround(0.1),
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const n of numbers) expect(Object.is(roundTrip(n).back, n), `${n}`).toBe(true);
    expect(roundTrip(-0).bytes[0]).toBe(Tag.F64);
    expect(roundTrip(2 ** 31 - 1).bytes[0]).toBe(Tag.INT);
    expect(roundTrip(-(2 ** 31)).bytes).toHaveLength(1 + 5);
    expect(roundTrip(2 ** 31).bytes[0]).toBe(Tag.F64);
    expect(roundTrip(5).bytes).toEqual(Buffer.from([Tag.INT, 10]));
    expect(roundTrip(-3).bytes).toEqual(Buffer.from([Tag.INT, 5]));
  });

  it('round-trips strings exactly, lone surrogates included, and tags ASCII apart', () => {
    for (const s of strings) {
      for (const initial of [1, 1 << 20]) {
        const { back, bytes } = roundTrip(s, initial);
        expect(back === s, `${JSON.stringify(s.slice(0, 20))} (${s.length} chars)`).toBe(true);
        const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
        expect(bytes[0]).toBe([...s].every((c) => c.charCodeAt(0) < 0x80) ? Tag.ASCII : wellFormed ? Tag.UTF8 : Tag.UTF16);
      }
    }
    expect(roundTrip('abc').bytes).toEqual(Buffer.from([Tag.ASCII, 3, 97, 98, 99]));
    expect(roundTrip('é').bytes).toEqual(Buffer.from([Tag.UTF8, 2, 0xc3, 0xa9]));
  });

  it('round-trips bytes as Buffers of their own, from Buffers and plain Uint8Arrays', () => {
    for (const n of [0, 1, 2, 32, 33, 1000, 100_000]) {
      const src = Buffer.alloc(n, 0).map((_, i) => (i * 37) & 0xff);
      for (const input of [Buffer.from(src), new Uint8Array(src), Buffer.from(src).subarray(0)]) {
        const { back, bytes } = roundTrip(input);
        expect(Buffer.isBuffer(back)).toBe(true);
        expect(Buffer.compare(back as Buffer, src)).toBe(0);
        bytes.fill(0xee);
        expect(Buffer.compare(back as Buffer, src)).toBe(0);
      }
    }
  });

  it('round-trips the other kinds: undefined, booleans, bigints, nested arrays and objects in key order', () => {
    const bigints = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n + 12345n, -(10n ** 30n)];
    for (const b of bigints) expect(roundTrip(b).back).toBe(b);
    expect(roundTrip(2n ** 63n - 1n).bytes[0]).toBe(Tag.BIGINT64);
    expect(roundTrip(2n ** 63n).bytes[0]).toBe(Tag.BIGINT_TEXT);
    const nested = { z: 1, a: [null, undefined, true, false, 'x', [Buffer.from([1])], { k: -0 }], m: undefined, n: null };
    // JSON.parse makes '__proto__' an own key (what an object literal would not): it must stay a key, never a prototype.
    const withProto = Object.defineProperty(nested, '__proto__', { value: { polluted: 1 }, enumerable: true, writable: true, configurable: true });
    const { back } = roundTrip(withProto);
    expect(Object.keys(back as object)).toEqual(['z', 'a', 'm', 'n', '__proto__']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 1 });
    expect((back as { a: unknown[] }).a).toStrictEqual(nested.a);
    expect(Object.is(((back as { a: unknown[] }).a[6] as { k: number }).k, -0)).toBe(true);
    expect('m' in (back as object)).toBe(true);
    const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
    expect(roundTrip(nullProto).back).toEqual({ a: 1 });
  });

  it('refuses values it has no tag for, naming their kind', () => {
    for (const [v, kind] of [
      [new Date(0), 'Date'],
      [new Map(), 'Map'],
      [() => 1, 'function'],
      [Symbol('s'), 'symbol'],
      [[1, new Set()], 'Set'],
    ] as const) {
      expect(() => writeValue(new ByteWriter(8), v)).toThrow(UnstorableValueError);
      expect(() => writeValue(new ByteWriter(8), v)).toThrow(`kind ${kind}`);
    }
  });

  it('reads ABSENT as the ABSENT marker', () => {
    expect(readValue(new ByteReader(Buffer.from([Tag.ABSENT]), 0), 'x')).toBe(ABSENT);
  });

  it('reports bytes that cannot be a value with the offset where reading failed', () => {
    const cases: [number[], RegExp, number][] = [
      [[99], /unknown value tag 99/, 0],
      [[Tag.ASCII, 5, 97], /needs 5 bytes but the payload ends 1 bytes later/, 2],
      [[Tag.INT, 0x80, 0x80], /ends inside/, 1],
      [[Tag.INT, 0xff, 0xff, 0xff, 0xff, 0x7f], /INT beyond 32 bits/, 6],
      [[Tag.F64, 0, 0, 0], /needs 8 bytes/, 1],
      [[Tag.UTF16, 3, 0, 0, 0], /odd UTF-16 byte length 3/, 2],
      [[Tag.ARRAY, 0xff, 0xff, 0x03], /claims 65535 items/, 4],
      [[Tag.ARRAY, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /varint longer than 8 bytes/, 1],
      [[Tag.OBJECT, 1, Tag.INT, 2, Tag.NULL], /should be a string but has value tag 4/, 2],
      [[Tag.BIGINT_TEXT, 2, 0x31, 0x78], /not an integer: "1x"/, 4],
      [[], /ends before the value/, 0],
    ];
    for (const [bytes, message, offset] of cases) {
      let err: unknown;
      try {
        readValue(new ByteReader(Buffer.from(bytes), 0), 'the value');
      } catch (e) {
        err = e;
      }
      expect(err, `${bytes}`).toBeInstanceOf(PayloadCorruption);
      expect((err as Error).message).toMatch(message);
      expect((err as PayloadCorruption).offset, `${bytes}`).toBe(offset);
    }
  });
});
