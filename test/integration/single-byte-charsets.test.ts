/**
 * MySQL's single-byte charsets, byte by byte against the running server: every table entry is
 * what `CONVERT(_<charset> x'..' USING utf8mb4)` returns, and every byte the server gives a
 * character of its own comes back from the text.
 */
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSingleByte, decodeSingleByteView, encodeSingleByte, isSingleByteCharset } from '../../shared/source/charset/single-byte.ts';
import { singleByteTables } from '../../shared/source/charset/single-byte-tables.ts';
import { sourceConnection } from '../helpers/stack.ts';

const ALL = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** Bytes that do not come back from their text: no character on the server (`?`), or a character a lower byte has. */
const expectedLost: Record<string, number> = {
  armscii8: 6,
  ascii: 128,
  cp1250: 5,
  cp1251: 1,
  cp1256: 8,
  cp1257: 12,
  cp850: 0,
  cp852: 0,
  cp866: 0,
  dec8: 14,
  geostd8: 41,
  greek: 6,
  hebrew: 36,
  hp8: 1,
  keybcs2: 0,
  koi8r: 0,
  koi8u: 0,
  latin1: 0,
  latin2: 0,
  latin5: 0,
  latin7: 0,
  macce: 0,
  macroman: 0,
  swe7: 129,
  tis620: 8,
};

describe('single-byte charsets', () => {
  let conn: mysql.Connection;
  const server = new Map<string, string[]>();

  beforeAll(async () => {
    conn = await sourceConnection();
    const [charsets] = (await conn.query("SHOW CHARACTER SET WHERE Maxlen = 1 AND Charset <> 'binary'")) as unknown as [{ Charset: string }[]];
    for (const { Charset: charset } of charsets) {
      const columns = Array.from({ length: 256 }, (_, b) => `CONVERT(_${charset} x'${hex2(b)}' USING utf8mb4) AS c${b}`);
      const [[row]] = (await conn.query(`SELECT ${columns.join(', ')}`)) as unknown as [[Record<string, string>]];
      server.set(
        charset,
        Array.from({ length: 256 }, (_, b) => row[`c${b}`]!),
      );
    }
  });

  afterAll(async () => {
    await conn?.end();
  });

  it('covers exactly the server single-byte charsets', () => {
    expect(Object.keys(singleByteTables).sort()).toEqual([...server.keys()].sort());
    expect(Object.keys(expectedLost).sort()).toEqual([...server.keys()].sort());
    expect(server.size).toBe(25);
    expect(isSingleByteCharset('binary')).toBe(false);
    expect(isSingleByteCharset('utf8mb4')).toBe(false);
    expect(isSingleByteCharset(null)).toBe(false);
    expect(isSingleByteCharset('toString')).toBe(false);
  });

  it('decodes each of the 256 bytes of each charset as the server converts it', () => {
    for (const [charset, chars] of server) {
      // One byte at a time, so a failure names the byte.
      for (let b = 0; b < 256; b++) {
        expect([charset, hex2(b), decodeSingleByte(charset, Buffer.from([b]))]).toEqual([charset, hex2(b), chars[b]]);
      }
      expect(decodeSingleByte(charset, ALL)).toBe(chars.join(''));
      expect(decodeSingleByteView(charset, ALL.toString('latin1'))).toBe(chars.join(''));
    }
  });

  it('round-trips every byte the server maps to a character of its own, and only those', () => {
    for (const [charset, chars] of server) {
      const lost: number[] = [];
      for (let b = 0; b < 256; b++) {
        const back = encodeSingleByte(charset, decodeSingleByte(charset, Buffer.from([b])));
        expect(back.length, `${charset} ${hex2(b)}`).toBe(1);
        const ownCharacter = (chars[b] !== '?' || b === 0x3f) && chars.indexOf(chars[b]!) === b;
        expect([charset, hex2(b), back[0] === b]).toEqual([charset, hex2(b), ownCharacter]);
        if (back[0] !== b) lost.push(b);
      }
      expect([charset, lost.length]).toEqual([charset, expectedLost[charset]]);
    }
  });

  it('keeps latin1 0x81 0x8D 0x8F 0x90 0x9D as the C1 controls of the same number, both ways', () => {
    const bytes = Buffer.from('818d8f909d80', 'hex');
    const text = decodeSingleByte('latin1', bytes);
    expect(text).toBe('\u0081\u008d\u008f\u0090\u009d\u20ac');
    expect(encodeSingleByte('latin1', text).toString('hex')).toBe('818d8f909d80');
  });

  it('encodes a character the charset lacks as one ?, astral characters included', () => {
    expect(encodeSingleByte('latin1', 'a😀\u0100é').toString('hex')).toBe('613f3fe9');
    expect(encodeSingleByte('ascii', 'é').toString('hex')).toBe('3f');
    expect(encodeSingleByte('cp1251', 'Я').toString('hex')).toBe('df');
    expect(encodeSingleByte('hebrew', '\u203e').toString('hex')).toBe('af');
    expect(() => encodeSingleByte('utf8mb4', 'a')).toThrow(/utf8mb4 is not a single-byte MySQL charset/);
  });
});
