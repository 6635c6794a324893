/** Text → bytes in MySQL charsets, and back (formats.md §1.3 Character). */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetEncodingOf } from '../../../../shared/encode/dts-avro/charset-bytes.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('charsetEncodingOf', () => {
  it.each([
    ['utf8mb4', '€😀', 'e282acf09f9880'],
    ['utf8mb3', 'é', 'c3a9'],
    ['utf8', 'é', 'c3a9'],
    ['latin1', 'aé€ŸÿŽ', '61e9809fff8e'],
    ['latin1', '\u0081\u008d\u008f\u0090\u009d', '818d8f909d'],
    ['latin1', '\u0080 \u0100 😀 \ufffd', '3f203f203f203f'],
    ['ascii', 'aé', '613f'],
    ['gbk', '中文', 'd6d0cec4'],
    ['gb18030', '😀', '9439fc36'],
    ['big5', '中文', 'a4a4a4e5'],
    ['sjis', 'ア', '8341'],
    ['ujis', 'ア', 'a5a2'],
    ['euckr', '한', 'c7d1'],
    ['ucs2', '\ufeffa', 'feff0061'],
    ['utf16', '😀', 'd83dde00'],
    ['utf16le', 'a', '6100'],
    ['utf32', 'a', '00000061'],
    ['cp1251', 'Я', 'df'],
    ['latin2', 'ł', 'b3'],
    ['macce', 'Ą', '84'],
  ])('%s: %j → %s', (charset, text, bytes) => {
    const encoding = charsetEncodingOf(charset);
    expect(encoding.charset).toBe(charset);
    expect(hex(encoding.encode(text))).toBe(bytes);
  });

  it('labels UTF-8 bytes utf8mb4 for a charset without a codec', () => {
    const encoding = charsetEncodingOf('no-such-charset');
    expect(encoding.charset).toBe('utf8mb4');
    expect(hex(encoding.encode('é'))).toBe('c3a9');
  });

  it('encodes the single-byte charsets iconv-lite lacks or maps differently by the server tables', () => {
    const samples: [string, string, string][] = [
      ['dec8', 'é', 'e9'],
      ['swe7', 'É', '40'],
      ['keybcs2', 'Č', '80'],
      ['geostd8', '€', '80'],
      ['hp8', 'À', 'a1'],
      ['hebrew', '\u203e', 'af'],
      ['koi8u', '\u2022', '95'],
      ['macroman', '\u03a9\u20ac', 'bddb'],
      ['cp866', '\u207f\u00b2', 'fcfd'],
    ];
    for (const [charset, text, bytes] of samples) {
      const encoding = charsetEncodingOf(charset);
      expect(encoding.charset, charset).toBe(charset);
      expect(hex(encoding.encode(text)), charset).toBe(bytes);
      expect(encoding.decode(Buffer.from(bytes, 'hex')), charset).toBe(text);
    }
  });

  it('round-trips every MySQL latin1 byte, the undefined cp1252 bytes included', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const latin1 = charsetEncodingOf('latin1');
    const text = latin1.decode(all);
    expect(text.charCodeAt(0x80)).toBe(0x20ac);
    expect(text.charCodeAt(0x81)).toBe(0x81);
    expect(latin1.encode(text).equals(all)).toBe(true);
  });

  it('encodes what the binlog decoder (zongji: iconv-lite) decodes back to the same bytes', () => {
    const samples: [string, string, string][] = [
      ['gbk', 'gbk', 'd6d0cec441'],
      ['ucs2', 'utf16-be', 'feff0061'],
      ['utf32', 'utf32-be', '0001f600'],
      ['latin1', 'cp1252', '80e9ff'], // iconv-lite's cp1252 agrees with MySQL's latin1 outside 0x81 0x8D 0x8F 0x90 0x9D
    ];
    for (const [charset, iconvName, bytes] of samples) {
      const text = iconv.decode(Buffer.from(bytes, 'hex'), iconvName, { stripBOM: false });
      expect(hex(charsetEncodingOf(charset).encode(text)), charset).toBe(bytes);
      expect(charsetEncodingOf(charset).decode(Buffer.from(bytes, 'hex')), charset).toBe(text);
    }
  });
});
