/**
 * Text ↔ bytes in a column's MySQL charset, for `Character.value` (formats.md §1.3: "raw column
 * bytes in the column charset"). Values are strings decoded by the source stage; this gives the
 * bytes MySQL stores back, with the same tables the source decodes with, so decoding and encoding
 * round-trip:
 * - `utf8mb4`, `utf8mb3`, `utf8` → UTF-8;
 * - every single-byte charset (`latin1`, `cp1250`, `dec8`, … but `binary`) → the server's own
 *   table (source/charset/single-byte.ts). iconv-lite's tables differ from MySQL's in 14 of them:
 *   MySQL's `latin1` is cp1252 with 0x81 0x8D 0x8F 0x90 0x9D kept as the C1 controls of the same
 *   number, `hebrew` 0xAF is U+203E, and so on;
 * - `ucs2`, `utf16`, `utf32` → big-endian (MySQL's storage order), `utf16le`; `ujis`/`eucjpms` →
 *   EUC-JP; every other multi-byte name as iconv-lite spells it (the binlog decoder, zongji
 *   `decodeTextColumn`, uses the same names).
 * Characters a charset cannot hold become `?`, as MySQL converts them. A charset iconv-lite has
 * no codec for gets UTF-8 bytes and the label `utf8mb4`, so the label always names the encoding
 * of the bytes.
 */
import iconv from 'iconv-lite';
import { decodeSingleByte, encodeSingleByte, isSingleByteCharset } from '../../../../../shared/source/charset/single-byte.ts';

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
  }
  if (isSingleByteCharset(charset)) {
    return { charset, encode: (text) => encodeSingleByte(charset, text), decode: (bytes) => decodeSingleByte(charset, bytes) };
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
