/**
 * Writes one JSON message at a time as UTF-8 bytes into a shared slab, without building strings:
 * precompiled byte templates are copied, integers written digit by digit, strings and binary
 * values escaped exactly as `JSON.stringify` escapes them (`\"`, `\\`, `\b \t \n \f \r`, other
 * controls and lone surrogates as lowercase `\uXXXX`, everything else as raw UTF-8).
 *
 * Messages are consecutive views into 64 KiB slabs, as Node's own pool hands out small Buffers:
 * a finished message is never written again, and a slab is freed once its messages are. A
 * message that outgrows the slab's rest moves to a fresh, larger one, and leaves as an exact copy
 * so that no larger slab outlives it (one huge row is not kept). Encoding is synchronous, so one
 * writer per module serves every call.
 */

const SLAB_BYTES = 64 * 1024;
/** A message starts on a fresh slab when less than this is left. */
const MIN_FREE_BYTES = 2 * 1024;
/** Strings up to this length are escaped here; longer ones go through native code. */
const SHORT_STRING = 32;
/** Stored text longer than this is copied with Buffer#copy, shorter text byte by byte. */
const LONG_COPY = 256;
/** Up to this length a string's worst case (6 bytes per UTF-16 unit) is reserved up front. */
const MEDIUM_STRING = 4096;
/** Any character JSON.stringify escapes, and surrogates (a lone one is escaped, a pair is not). */
// eslint-disable-next-line no-control-regex -- the controls are what it looks for
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const HEX = '0123456789abcdef';
/** Bytes JSON.stringify writes for each control character: \b \t \n \f \r take 2, the others 6. */
const ESCAPED_BYTES = Uint8Array.from({ length: 0x20 }, (_, c) => ([0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(c) ? 2 : 6));

export class JsonWriter {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private start = 0;
  private pos = 0;

  /** Starts a message: everything written until `finish` belongs to it. */
  begin(reserve: number): void {
    if (this.slab.length - this.pos < Math.max(MIN_FREE_BYTES, reserve)) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, reserve));
      this.pos = 0;
    }
    this.start = this.pos;
  }

  /** The message written since `begin`: a view into the slab, or a copy of one that outgrew it. */
  finish(): Buffer {
    if (this.slab.length > SLAB_BYTES) {
      const message = Buffer.from(this.slab.subarray(this.start, this.pos));
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.start = this.pos = 0;
      return message;
    }
    const message = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    return message;
  }

  /** Bytes written since `begin`: stable positions within the message, whichever slab holds it. */
  get offset(): number {
    return this.pos - this.start;
  }

  /** Drops what was written after `offset`. */
  rewind(offset: number): void {
    this.pos = this.start + offset;
  }

  /** Whether the message bytes [a, a + length) equal those at [b, b + length). */
  equalSpans(a: number, b: number, length: number): boolean {
    const s = this.slab;
    const from = this.start;
    for (let i = 0; i < length; i++) if (s[from + a + i] !== s[from + b + i]) return false;
    return true;
  }

  /** Makes room for `bytes` more, moving the message to a larger slab when this one is full. */
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.slab.length) return;
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (used + bytes)));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = used;
  }

  /** Copies a template. */
  bytes(template: Uint8Array): void {
    const n = template.length;
    this.ensure(n);
    if (n > 24) {
      this.slab.set(template, this.pos);
      this.pos += n;
      return;
    }
    const s = this.slab;
    let p = this.pos;
    for (let i = 0; i < n; i++) s[p++] = template[i]!;
    this.pos = p;
  }

  /** A string of ASCII characters that need no escaping (number text); reserves its own room. */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    const s = this.slab;
    let p = this.pos;
    for (let i = 0; i < n; i++) s[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** `"text"` for ASCII text that needs no escaping (Java number text). */
  quotedAscii(text: string): void {
    this.ensure(text.length + 2);
    this.slab[this.pos++] = 0x22;
    this.ascii(text);
    this.slab[this.pos++] = 0x22;
  }

  /** `"digits"`: `String(value)` quoted. */
  quotedNumber(value: number): void {
    this.ensure(1);
    this.slab[this.pos++] = 0x22;
    this.number(value);
    this.ensure(1);
    this.slab[this.pos++] = 0x22;
  }

  /** A number as `String(value)` writes it; integers digit by digit. Reserves its own room. */
  number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.ascii(String(value));
      return;
    }
    this.ensure(17);
    const s = this.slab;
    let p = this.pos;
    let v = value;
    if (v < 0) {
      s[p++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    p += digits;
    this.pos = p;
    do {
      const q = Math.floor(v / 10);
      s[--p] = 48 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /** `JSON.stringify(text)` as UTF-8. */
  string(text: string): void {
    const n = text.length;
    if (n <= SHORT_STRING) {
      this.ensure(6 * n + 2);
      this.escapeString(text);
    } else if (!NEEDS_CARE.test(text)) {
      this.ensure((n <= MEDIUM_STRING ? 3 * n : Buffer.byteLength(text)) + 2);
      this.slab[this.pos++] = 0x22;
      this.pos += this.slab.write(text, this.pos, 'utf8');
      this.slab[this.pos++] = 0x22;
    } else if (n <= MEDIUM_STRING) {
      this.ensure(6 * n + 2);
      this.escapeString(text);
    } else {
      const json = JSON.stringify(text);
      this.ensure(Buffer.byteLength(json));
      this.pos += this.slab.write(json, this.pos, 'utf8');
    }
  }

  /** `JSON.stringify` of the bytes read as ISO-8859-1 (one char per byte), as UTF-8. */
  latin1String(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n > MEDIUM_STRING) {
      this.string(Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1'));
      return;
    }
    this.ensure(6 * n + 2);
    const s = this.slab;
    let p = this.pos;
    s[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) {
        s[p++] = 0xc0 | (c >> 6);
        s[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        s[p++] = c;
      } else {
        p = escape(s, p, c);
      }
    }
    s[p++] = 0x22;
    this.pos = p;
  }

  /**
   * `JSON.stringify` of text stored as bytes, as UTF-8: `buf[start, start + n)` holds the UTF-8
   * of a well-formed string (`latin1` false), or one char per byte (`latin1` true: ASCII text,
   * binary values). Bytes that need no escaping are copied as they are.
   */
  textBytes(buf: Buffer, start: number, n: number, latin1: boolean): void {
    const end = start + n;
    let out = n + 2;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) {
        if (latin1) out++;
      } else if (c < 0x20) out += ESCAPED_BYTES[c]! - 1;
      else if (c === 0x22 || c === 0x5c) out++;
    }
    this.ensure(out);
    const s = this.slab;
    let p = this.pos;
    s[p++] = 0x22;
    if (out === n + 2) {
      // Buffer#copy from an offset makes a view object per call: short texts go byte by byte.
      if (n > LONG_COPY) buf.copy(s, p, start, end);
      else for (let i = start; i < end; i++) s[p + i - start] = buf[i]!;
      p += n;
    } else {
      for (let i = start; i < end; i++) {
        const c = buf[i]!;
        if (c >= 0x80) {
          if (latin1) {
            s[p++] = 0xc0 | (c >> 6);
            s[p++] = 0x80 | (c & 0x3f);
          } else s[p++] = c;
        } else if (c >= 0x20 && c !== 0x22 && c !== 0x5c) s[p++] = c;
        else p = escape(s, p, c);
      }
    }
    s[p++] = 0x22;
    this.pos = p;
  }

  /** The quoted, escaped text; the caller reserved 6 bytes per UTF-16 unit plus 2. */
  private escapeString(text: string): void {
    const s = this.slab;
    let p = this.pos;
    const n = text.length;
    s[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) s[p++] = c;
        else p = escape(s, p, c);
      } else if (c < 0x800) {
        s[p++] = 0xc0 | (c >> 6);
        s[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        s[p++] = 0xe0 | (c >> 12);
        s[p++] = 0x80 | ((c >> 6) & 0x3f);
        s[p++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const code = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          s[p++] = 0xf0 | (code >> 18);
          s[p++] = 0x80 | ((code >> 12) & 0x3f);
          s[p++] = 0x80 | ((code >> 6) & 0x3f);
          s[p++] = 0x80 | (code & 0x3f);
          i++;
        } else {
          p = escapeUnicode(s, p, c);
        }
      }
    }
    s[p++] = 0x22;
    this.pos = p;
  }
}

/** An ASCII character JSON.stringify escapes: `"`, `\`, or a control below 0x20. */
function escape(s: Buffer, p: number, c: number): number {
  s[p++] = 0x5c;
  switch (c) {
    case 0x22:
      s[p++] = 0x22;
      return p;
    case 0x5c:
      s[p++] = 0x5c;
      return p;
    case 0x08:
      s[p++] = 0x62;
      return p; // \b
    case 0x09:
      s[p++] = 0x74;
      return p; // \t
    case 0x0a:
      s[p++] = 0x6e;
      return p; // \n
    case 0x0c:
      s[p++] = 0x66;
      return p; // \f
    case 0x0d:
      s[p++] = 0x72;
      return p; // \r
    default:
      return escapeUnicode(s, p - 1, c);
  }
}

/** `\uXXXX`, lowercase hex. */
function escapeUnicode(s: Buffer, p: number, c: number): number {
  s[p++] = 0x5c;
  s[p++] = 0x75;
  s[p++] = HEX.charCodeAt(c >> 12);
  s[p++] = HEX.charCodeAt((c >> 8) & 0xf);
  s[p++] = HEX.charCodeAt((c >> 4) & 0xf);
  s[p++] = HEX.charCodeAt(c & 0xf);
  return p;
}
