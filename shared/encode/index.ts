/**
 * encode: records to wire formats, pure functions with per-table templates and no I/O. One folder
 * per format: Canal JSON (canal-json/) and DTS Avro (dts-avro/) for Kafka, the records Function
 * Compute receives (fc-records/), and MaxCompute's tables and tunnel record stream (maxcompute/).
 * Sinks choose the format; nothing here knows a connection.
 */
export { encodeCanalJson, type CanalJsonOptions } from './canal-json/index.ts';
export { encodeDtsAvro, type DtsAvroOptions } from './dts-avro/index.ts';
export { encodeFcRecord, type FcRecordOptions } from './fc-records/index.ts';
export { createMaxComputeLayout, type MaxComputeLayout } from './maxcompute/index.ts';
