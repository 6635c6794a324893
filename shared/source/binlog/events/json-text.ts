/**
 * A JSON document as MySQL prints a full JSON value (SELECT, mysqlbinlog -vv, JSON_PRETTY aside):
 * `{"k": v, "k2": v2}` and `[1, 2]` with ", " and ": " separators, keys in the document's order,
 * doubles with a fraction or exponent (2.0, 1e21), strings escaped as MySQL does, and opaque SQL
 * values printed as their SQL text (DECIMAL, DATE, TIME, DATETIME, TIMESTAMP) or, for other field
 * types, as MySQL's "base64:type<N>:<bytes>" string.
 */
import type { JsonNode } from './json-binary.ts';
import { mysqlJsonDouble } from '../mysql-json-double.ts';

const FIELD_TIMESTAMP = 7;
const FIELD_DATE = 10;
const FIELD_TIME = 11;
const FIELD_DATETIME = 12;
const FIELD_NEWDECIMAL = 246;
const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** MySQL's binary DECIMAL(precision, scale): base-10^9 groups, sign in the first bit. */
export function binaryDecimalText(data: Buffer, precision: number, scale: number): string {
  const intg = precision - scale;
  const intg0 = Math.floor(intg / 9);
  const intg0x = intg % 9;
  const frac0 = Math.floor(scale / 9);
  const frac0x = scale % 9;
  const size = intg0 * 4 + DIG2BYTES[intg0x]! + frac0 * 4 + DIG2BYTES[frac0x]!;
  const b = Buffer.from(data.subarray(0, size));
  const negative = (b[0]! & 0x80) === 0;
  b[0]! ^= 0x80;
  if (negative) for (let i = 0; i < b.length; i++) b[i] = b[i]! ^ 0xff;
  let at = 0;
  const group = (bytes: number, digits: number): string => {
    const v = bytes === 0 ? 0 : b.readUIntBE(at, bytes);
    at += bytes;
    return String(v).padStart(digits, '0');
  };
  let int = group(DIG2BYTES[intg0x]!, intg0x);
  for (let i = 0; i < intg0; i++) int += group(4, 9);
  let frac = '';
  for (let i = 0; i < frac0; i++) frac += group(4, 9);
  frac += group(DIG2BYTES[frac0x]!, frac0x);
  int = int.replace(/^0+/, '') || '0';
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}

const pad = (n: number | bigint, w: number): string => String(n).padStart(w, '0');

/** MySQL's in-memory packed temporal value (an int64) as SQL text. */
function packedTemporalText(fieldType: number, data: Buffer): string {
  let v = data.readBigInt64LE(0);
  const negative = v < 0n;
  if (negative) v = -v;
  const micro = v % (1n << 24n);
  const whole = v >> 24n;
  if (fieldType === FIELD_TIME) {
    const hour = whole >> 12n;
    return `${negative ? '-' : ''}${pad(hour, 2)}:${pad((whole >> 6n) % 64n, 2)}:${pad(whole % 64n, 2)}.${pad(micro, 6)}`;
  }
  const ymd = whole >> 17n;
  const hms = whole % (1n << 17n);
  const ym = ymd >> 5n;
  const date = `${pad(ym / 13n, 4)}-${pad(ym % 13n, 2)}-${pad(ymd % 32n, 2)}`;
  if (fieldType === FIELD_DATE) return date;
  return `${date} ${pad(hms >> 12n, 2)}:${pad((hms >> 6n) % 64n, 2)}:${pad(hms % 64n, 2)}.${pad(micro, 6)}`;
}

function opaque(fieldType: number, data: Buffer): string {
  if (fieldType === FIELD_NEWDECIMAL && data.length >= 2) return binaryDecimalText(data.subarray(2), data[0]!, data[1]!);
  if ((fieldType === FIELD_DATE || fieldType === FIELD_TIME || fieldType === FIELD_DATETIME || fieldType === FIELD_TIMESTAMP) && data.length >= 8) {
    return quote(packedTemporalText(fieldType, data));
  }
  return quote(`base64:type${fieldType}:${data.toString('base64')}`);
}

export function jsonText(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([k, v]) => `${quote(k)}: ${jsonText(v)}`).join(', ')}}`;
    case 'array':
      return `[${node.items.map(jsonText).join(', ')}]`;
    case 'string':
      return quote(node.value);
    case 'int':
      return node.value.toString();
    case 'double':
      return mysqlJsonDouble(node.value);
    case 'literal':
      return node.value === null ? 'null' : String(node.value);
    case 'opaque':
      return opaque(node.fieldType, node.data);
  }
}
