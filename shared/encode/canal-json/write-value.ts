/**
 * One column value as JSON (formats.md §2.4) written straight into the message: `null`, or the
 * value string of value-string.ts as a JSON string. Numbers render as digits, signs, `.`, `E`,
 * `NaN` or `Infinity`, which need no escaping; binary values are their bytes read as ISO-8859-1.
 */
import { bitToDecimal, type Value } from '../../record/index.ts';
import { javaDoubleToString, javaFloatToString } from './java-number.ts';
import type { JsonWriter } from './json-writer.ts';
import { ValueKind } from './table-plan.ts';

export const NULL = Buffer.from('null');

export function writeValue(w: JsonWriter, kind: ValueKind, value: Value): void {
  if (value === null) {
    w.bytes(NULL);
  } else if (typeof value === 'string') {
    w.string(value);
  } else if (typeof value === 'number') {
    writeNumber(w, kind, value);
  } else if (kind === ValueKind.BIT) {
    w.quotedAscii(bitToDecimal(value));
  } else {
    w.latin1String(value);
  }
}

export function writeNumber(w: JsonWriter, kind: ValueKind, value: number): void {
  switch (kind) {
    case ValueKind.FLOAT:
      w.quotedAscii(javaFloatToString(value));
      break;
    case ValueKind.DOUBLE:
      w.quotedAscii(javaDoubleToString(value));
      break;
    case ValueKind.YEAR:
      w.quotedAscii(String(value).padStart(4, '0'));
      break;
    default:
      w.quotedNumber(value);
  }
}
