/**
 * One column value written straight from the queue payload (queue/codec/tagged-value.ts), with the
 * bytes write-value.ts writes for the decoded value: text is already UTF-8 there, so it is copied
 * (escaped where JSON needs it) instead of being decoded into a JS string and encoded again.
 * Numbers are read and written as numbers; what is rare in a row (UTF-16 text, a tag no column
 * value has) is decoded and handed to writeValue, so the two paths cannot drift apart there.
 * The payload was checked when its batch was decoded (skipValue): the reads cannot run past it.
 */
import { bitToDecimal, type Value } from '../../record/index.ts';
import type { ByteReader } from '../../queue/codec/byte-reader.ts';
import { readValue, Tag } from '../../queue/codec/tagged-value.ts';
import type { JsonWriter } from './json-writer.ts';
import { ValueKind } from './table-plan.ts';
import { NULL, writeNumber, writeValue } from './write-value.ts';

const WHAT = 'a row value';

export function writeStoredValue(w: JsonWriter, kind: ValueKind, r: ByteReader): void {
  const tag = r.buf[r.pos]!;
  switch (tag) {
    case Tag.NULL:
      r.pos++;
      w.bytes(NULL);
      return;
    case Tag.INT: {
      r.pos++;
      const z = r.uint(WHAT);
      writeNumber(w, kind, (z >>> 1) ^ -(z & 1));
      return;
    }
    case Tag.F64:
      r.pos++;
      writeNumber(w, kind, r.f64(WHAT));
      return;
    case Tag.ASCII:
    case Tag.UTF8: {
      r.pos++;
      const n = r.uint(WHAT);
      // ASCII text is read back as one char per byte (latin1), UTF8 as UTF-8: the same here.
      w.textBytes(r.buf, r.take(n, WHAT), n, tag === Tag.ASCII);
      return;
    }
    case Tag.BYTES: {
      r.pos++;
      const n = r.uint(WHAT);
      const at = r.take(n, WHAT);
      if (kind === ValueKind.BIT) w.quotedAscii(bitToDecimal(r.buf.subarray(at, at + n)));
      else w.textBytes(r.buf, at, n, true);
      return;
    }
    default:
      writeValue(w, kind, readValue(r, WHAT) as Value);
  }
}
