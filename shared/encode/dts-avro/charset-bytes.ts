/**
 * Text ↔ bytes in a column's MySQL charset, for `Character.value` (formats.md §1.3: "raw column
 * bytes in the column charset"). Values are strings decoded by the source stage; this gives the
 * bytes MySQL stores back, with the same name mapping the binlog decoder uses (zongji
 * `decodeTextColumn`), so decoding and encoding round-trip:
 * - `utf8mb4`, `utf8mb3`, `utf8` → UTF-8;
 * - `latin1` → MySQL's latin1, which is cp1252 with the five bytes cp1252 leaves undefined
 *   (0x81 0x8D 0x8F 0x90 0x9D) mapped to the C1 controls of the same number, as MySQL maps them;
 * - `ucs2`, `utf16`, `utf32` → big-endian (MySQL's storage order), `utf16le`; `ujis`/`eucjpms` →
 *   EUC-JP; `macce` → Mac Central European; every other name as iconv-lite spells it.
 * Characters a charset cannot hold become `?`, as MySQL converts them. A charset iconv-lite has
 * no codec for (dec8, hp8, keybcs2, swe7, geostd8) gets UTF-8 bytes and the label `utf8mb4`, so
 * the label always names the encoding of the bytes.
 */
import iconv from 'iconv-lite';

export interface CharsetEncoding {
  /** The charset name written next to the bytes. */
  readonly charset: string;
  readonly encode: (text: string) => Buffer;
  readonly decode: (bytes: Uint8Array) => string;
}

const iconvNames: Readonly<Record<string, string>> = {
  ucs2: 'utf16-be',
  utf16: 'utf16-be',
  utf16le: 'utf16-le',
  utf32: 'utf32-be',
  ujis: 'eucjp',
  eucjpms: 'eucjp',
  macce: 'maccenteuro',
};

const utf8: CharsetEncoding = {
  charset: 'utf8mb4',
  encode: (text) => Buffer.from(text, 'utf8'),
  decode: (bytes) => toBuffer(bytes).toString('utf8'),
};

const cache = new Map<string, CharsetEncoding>();

export function charsetEncodingOf(charset: string): CharsetEncoding {
  let encoding = cache.get(charset);
  if (encoding === undefined) {
    encoding = buildEncoding(charset);
    cache.set(charset, encoding);
  }
  return encoding;
}

function buildEncoding(charset: string): CharsetEncoding {
  switch (charset) {
    case 'utf8mb4':
    case 'utf8mb3':
    case 'utf8':
      return { ...utf8, charset };
    case 'latin1':
      return { charset, encode: encodeMysqlLatin1, decode: decodeMysqlLatin1 };
  }
  const name = iconvNames[charset] ?? charset;
  if (!iconv.encodingExists(name)) return utf8;
  return {
    charset,
    encode: (text) => iconv.encode(text, name),
    // A leading U+FEFF is data, not a byte-order mark: the charset's byte order is fixed.
    decode: (bytes) => iconv.decode(toBuffer(bytes), name, { stripBOM: false }),
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** MySQL latin1 byte → code point: cp1252, undefined bytes kept as the C1 control of that number. */
const latin1ToUnicode: readonly number[] = (() => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const text = iconv.decode(all, 'cp1252');
  return Array.from({ length: 256 }, (_, i) => (text.charCodeAt(i) === 0xfffd ? i : text.charCodeAt(i)));
})();

const unicodeToLatin1: ReadonlyMap<number, number> = new Map(latin1ToUnicode.map((codePoint, byte) => [codePoint, byte]));

const QUESTION_MARK = 0x3f;

function encodeMysqlLatin1(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    out[n++] = codePoint < 0x80 ? codePoint : unicodeToLatin1.get(codePoint) ?? QUESTION_MARK;
  }
  return out.subarray(0, n);
}

function decodeMysqlLatin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(latin1ToUnicode[byte]!);
  return text;
}
