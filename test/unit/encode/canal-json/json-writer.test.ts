/**
 * The JSON byte writer against `Buffer.from(JSON.stringify(…))`: every UTF-16 code unit alone and
 * in pairs, every byte as ISO-8859-1, integers at their edges; and its slabs: consecutive messages
 * share one, a message that outgrows it leaves as an exact copy and no larger slab stays in use.
 */
import { describe, expect, it } from 'vitest';
import { JsonWriter } from '../../../../shared/encode/canal-json/json-writer.ts';

function written(write: (w: JsonWriter) => void): Buffer {
  const w = new JsonWriter();
  w.begin(0);
  write(w);
  return w.finish();
}

const json = (text: string) => Buffer.from(JSON.stringify(text), 'utf8');

describe('JsonWriter strings', () => {
  it('escapes every UTF-16 code unit as JSON.stringify does, alone and after ASCII', () => {
    let mismatches = 0;
    for (let c = 0; c <= 0xffff; c++) {
      const one = String.fromCharCode(c);
      if (!written((w) => w.string(one)).equals(json(one))) mismatches++;
      // Past the short-string bound, where the native paths take over.
      const long = 'x'.repeat(40) + one;
      if (!written((w) => w.string(long)).equals(json(long))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('joins surrogate pairs and escapes lone surrogates, in every position', () => {
    const cases = ['\ud83d\ude00', '\ud800', '\udc00', '\udc00\ud800', 'a\ud800', '\ud800a', '\udbff\udfff\udbff', '😀'.repeat(3000) + '\ud800', 'é'.repeat(5000) + '\n'];
    for (const text of cases) expect(written((w) => w.string(text)).toString('hex'), JSON.stringify(text).slice(0, 40)).toBe(json(text).toString('hex'));
  });

  it('writes every byte as its ISO-8859-1 character, JSON-escaped', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(written((w) => w.latin1String(bytes)).equals(json(Buffer.from(bytes).toString('latin1')))).toBe(true);
    for (let b = 0; b < 256; b++) {
      expect(written((w) => w.latin1String(Uint8Array.of(b))).equals(json(String.fromCharCode(b)))).toBe(true);
    }
    const big = Buffer.alloc(10_000, 0x9d);
    expect(written((w) => w.latin1String(big)).equals(json(big.toString('latin1')))).toBe(true);
  });
});

describe('JsonWriter numbers', () => {
  it.each([0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 1.5, -0.25, NaN, Infinity, -Infinity])(
    '%s as String() writes it',
    (n) => {
      expect(written((w) => w.number(n)).toString('latin1')).toBe(String(n));
      expect(written((w) => w.quotedNumber(n)).toString('latin1')).toBe(`"${String(n)}"`);
    },
  );
});

describe('JsonWriter slabs', () => {
  it('hands out consecutive messages as views of one slab, each intact after the next', () => {
    const w = new JsonWriter();
    const messages: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      w.begin(0);
      w.string(`message ${i}`);
      messages.push(w.finish());
    }
    expect(messages.map((m) => m.toString())).toEqual(messages.map((_, i) => `"message ${i}"`));
    expect(new Set(messages.map((m) => m.buffer)).size).toBe(1);
    expect(messages[0]!.buffer.byteLength).toBe(64 * 1024);
  });

  it('moves a message that outgrows the slab, keeps what it had written, and returns to small slabs', () => {
    const w = new JsonWriter();
    w.begin(0);
    w.string('small');
    const small = w.finish();
    w.begin(0);
    w.bytes(Buffer.from('{"a":'));
    const huge = 'y'.repeat(200_000);
    w.string(huge);
    w.bytes(Buffer.from('}'));
    const big = w.finish();
    expect(big.toString()).toBe(`{"a":${JSON.stringify(huge)}}`);
    // An exact copy: the grown slab is not kept alive by the message, nor by the writer.
    expect(big.buffer.byteLength).toBe(big.length);
    w.begin(0);
    w.string('after');
    const after = w.finish();
    expect(after.toString()).toBe('"after"');
    expect(after.buffer.byteLength).toBe(64 * 1024);
    expect(small.toString()).toBe('"small"');
  });

  it('compares and takes back spans of the message being written', () => {
    const w = new JsonWriter();
    w.begin(0);
    w.string('ab');
    const mark = w.offset;
    w.string('ab');
    expect(w.equalSpans(0, mark, mark)).toBe(true);
    w.string('ac');
    expect(w.equalSpans(0, 2 * mark, mark)).toBe(false);
    w.rewind(mark);
    expect(w.finish().toString()).toBe('"ab"');
  });
});
