/**
 * The text of a temporal value, assembled as bytes and made a string once. A template literal of a
 * dozen parts (`${y}-${m}-${d} ${h}:…`) builds a dozen intermediate strings per value, and in the
 * catch-up's heap profile the three temporal columns of the bench table were a third of the reader
 * thread's garbage; DECIMAL text goes the same way. One builder serves every reader: values are
 * read one at a time.
 */

import { slicesOf } from '../../../buffer-slices.ts';

/** Room for the longest text: a DECIMAL(65, 30) with its sign and point is 67 characters. */
const buf = Buffer.allocUnsafe(128);
const slices = slicesOf(buf);
let length = 0;

/** The last `width` digits of a non-negative integer, zero-padded: zongji's zeroPad of an integer. */
export function digits(value: number, width: number): void {
  let v = value;
  for (let i = length + width - 1; i >= length; i--) {
    const q = Math.floor(v / 10);
    buf[i] = 48 + v - q * 10;
    v = q;
  }
  length += width;
}

/** A non-negative integer's digits, unpadded. */
export function unpadded(value: number): void {
  let width = 1;
  for (let t = value; t >= 10; t = Math.floor(t / 10)) width++;
  digits(value, width);
}

/** One ASCII character, by its code. */
export function char(code: number): void {
  buf[length++] = code;
}

/** ASCII text as it is (a rare value's own formatting). */
export function ascii(text: string): void {
  length += buf.write(text, length, 'latin1');
}

/** The text assembled since the last call, as a string; the builder starts over. */
export function take(): string {
  const text = slices.latin1Slice(0, length);
  length = 0;
  return text;
}
