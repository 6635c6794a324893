/**
 * Text in MySQL's single-byte charsets, both ways, by the server's own tables
 * (single-byte-tables.ts). The binlog carries a text column's stored bytes; decoding them with
 * these tables gives the same string a query returns (the full sync), and encoding that string
 * gives the stored bytes back (DTS Avro `Character.value`) for every byte the server maps to a
 * character of its own. Where two bytes read as the same character (armscii8 only), encoding
 * gives the lower byte; a character the charset cannot hold encodes as `?`, as MySQL converts it.
 */
import { singleByteTables } from './single-byte-tables.ts';

const QUESTION_MARK = 0x3f;

interface SingleByteCharset {
  /** Byte → its character. */
  readonly chars: readonly string[];
  /** Character (UTF-16 unit; every entry is in the BMP) → byte. */
  readonly bytes: ReadonlyMap<number, number>;
}

const charsets = new Map<string, SingleByteCharset>();

function charsetOf(charset: string): SingleByteCharset | undefined {
  let found = charsets.get(charset);
  if (found === undefined) {
    const table = singleByteTables[charset];
    if (table === undefined) return undefined;
    const chars = Array.from(table);
    const bytes = new Map<number, number>();
    chars.forEach((char, byte) => {
      const unit = char.charCodeAt(0);
      if (!bytes.has(unit)) bytes.set(unit, byte);
    });
    found = { chars, bytes };
    charsets.set(charset, found);
  }
  return found;
}

/** True for a charset name these tables cover (every MySQL charset of one byte per character but `binary`). */
export function isSingleByteCharset(charset: string | null | undefined): charset is string {
  return typeof charset === 'string' && Object.hasOwn(singleByteTables, charset);
}

function tableOf(charset: string): SingleByteCharset {
  const found = charsetOf(charset);
  if (!found) throw new TypeError(`${charset} is not a single-byte MySQL charset; check isSingleByteCharset first`);
  return found;
}

/** Stored bytes → text, as the server converts them for a query. */
export function decodeSingleByte(charset: string, bytes: Uint8Array): string {
  const { chars } = tableOf(charset);
  let text = '';
  for (const byte of bytes) text += chars[byte];
  return text;
}

/**
 * The same, from a string that holds one byte per UTF-16 unit (Node's `latin1`/`binary` view,
 * which is how the binlog reader hands the bytes over without a copy into a Buffer).
 */
export function decodeSingleByteView(charset: string, view: string): string {
  const { chars } = tableOf(charset);
  let text = '';
  for (let i = 0; i < view.length; i++) text += chars[view.charCodeAt(i) & 0xff];
  return text;
}

/** Text → the bytes the server stores for it; characters the charset lacks become `?`. */
export function encodeSingleByte(charset: string, text: string): Buffer {
  const { bytes } = tableOf(charset);
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const char of text) out[n++] = bytes.get(char.charCodeAt(0)) ?? QUESTION_MARK;
  return out.subarray(0, n);
}
