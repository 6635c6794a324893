/**
 * The DTS Avro schema (formats.md §1.2) as an avsc `Type`, full name
 * `com.alibaba.dts.formats.avro.Record`.
 *
 * `record.avsc.json` is a verbatim copy of `shared/specs/dts-avro/Record.avsc` (formats.md source
 * S1: LioRoger/subscribe_example @ bd8dbee93dce1381741a2c3cb56d403fc63b1ef2, `avro/Record.avsc`,
 * the schema the DTS docs link, 15 fields with `bornTimestamp`). It is a JSON array of named
 * schemas; parsing it with one registry defines every name, and the record is picked from there.
 * Kept inside the project so nothing reads the spec folder at run time.
 *
 * Unions are wrapped (`{ "com.alibaba.dts.formats.avro.Integer": {…} }`, `{ string: "db.t" }`):
 * the image union has twelve record branches, which only a wrapped value tells apart.
 */
import avsc from 'avsc';
import { InvariantError } from '../../errors.ts';
import recordSchema from './record.avsc.json' with { type: 'json' };

export const DTS_AVRO_NAMESPACE = 'com.alibaba.dts.formats.avro';
export const DTS_AVRO_RECORD_NAME = `${DTS_AVRO_NAMESPACE}.Record`;

type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];

/** Every named type of the schema by full name (`com.alibaba.dts.formats.avro.DateTime` …). */
export const dtsAvroTypes: Readonly<Record<string, avsc.Type>> = loadTypes();

/** The `Record` type: `toBuffer(value)` writes the plain binary encoding that goes into Kafka. */
export const dtsAvroRecordType: avsc.Type = dtsAvroTypes[DTS_AVRO_RECORD_NAME]!;

function loadTypes(): Record<string, avsc.Type> {
  const registry: Record<string, avsc.Type> = {};
  avsc.Type.forSchema(recordSchema as unknown as AvscSchema, { registry, wrapUnions: true });
  if (!registry[DTS_AVRO_RECORD_NAME]) throw new InvariantError(`record.avsc.json defines no ${DTS_AVRO_RECORD_NAME}`);
  return registry;
}
