/**
 * Reads encoded messages back with avsc, as DTS consumers do (formats.md §1.1):
 * - with the current schema (`Record.avsc`, 15 fields: what the encoder writes), strictly: every
 *   byte must be consumed;
 * - with the 14-field schema embedded in the official Java SDK (`fixtures/Record.sdk-embedded.avsc`,
 *   a copy of shared/specs/dts-avro/Record.sdk-embedded.avsc) via `decode(buf, 0)`, which stops
 *   after `afterImages` and leaves the trailing `bornTimestamp` varint unread, as the SDK does.
 * Both readings must agree on the 14 shared fields.
 */
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { expect } from 'vitest';
import { dtsAvroRecordType } from '../../../../shared/encode/dts-avro/index.ts';

type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];

const sdkSchema = JSON.parse(readFileSync(new URL('./fixtures/Record.sdk-embedded.avsc', import.meta.url), 'utf8')) as AvscSchema;
export const sdkRecordType = avsc.Type.forSchema(sdkSchema, { wrapUnions: true });

/** A decoded record: wrapped unions, bytes as Buffers. */
export type Decoded = Record<string, unknown> & {
  fields: { array: { name: string; dataTypeNumber: number }[] } | null;
  beforeImages: { array: unknown[] } | { string: string } | null;
  afterImages: { array: unknown[] } | { string: string } | null;
};

/** Decodes with both schemas, checks they agree, and returns the 15-field reading. */
export function decodeBoth(bytes: Buffer): Decoded {
  const current = dtsAvroRecordType.fromBuffer(bytes) as Decoded;
  const sdk = sdkRecordType.decode(bytes, 0) as { value: Record<string, unknown>; offset: number };
  expect(sdk.offset, 'the SDK schema stops right before bornTimestamp').toBe(bytes.length - varintLength(current.bornTimestamp as number));
  const { bornTimestamp: _, ...shared } = current;
  expect(plain(sdk.value)).toEqual(plain(shared));
  return current;
}

/** The 14-field SDK reading alone. */
export function decodeSdk(bytes: Buffer): Record<string, unknown> {
  return sdkRecordType.decode(bytes, 0).value as Record<string, unknown>;
}

/** Drops avsc's record classes so objects compare as plain data. */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

function varintLength(n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let length = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    length++;
  }
  return length;
}

const NS = 'com.alibaba.dts.formats.avro';

/** Wrapped image members, as avsc decodes them. */
export const img = {
  integer: (precision: number, value: string) => ({ [`${NS}.Integer`]: { precision, value } }),
  character: (charset: string, value: Buffer) => ({ [`${NS}.Character`]: { charset, value } }),
  decimal: (value: string, precision: number, scale: number) => ({ [`${NS}.Decimal`]: { value, precision, scale } }),
  float: (value: number, precision: number, scale: number) => ({ [`${NS}.Float`]: { value, precision, scale } }),
  timestamp: (timestamp: number, millis: number) => ({ [`${NS}.Timestamp`]: { timestamp, millis } }),
  dateTime: (parts: { year?: number; month?: number; day?: number; hour?: number; minute?: number; second?: number; millis?: number }) => ({
    [`${NS}.DateTime`]: Object.fromEntries((['year', 'month', 'day', 'hour', 'minute', 'second', 'millis'] as const).map((k) => [k, parts[k] === undefined ? null : { int: parts[k] }])),
  }),
  binaryGeometry: (type: string, value: Buffer) => ({ [`${NS}.BinaryGeometry`]: { type, value } }),
  binaryObject: (type: string, value: Buffer) => ({ [`${NS}.BinaryObject`]: { type, value } }),
  textObject: (type: string, value: string) => ({ [`${NS}.TextObject`]: { type, value } }),
};
