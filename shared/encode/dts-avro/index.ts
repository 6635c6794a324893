/** DTS Avro encoder (formats.md §1): one record → the Avro binary `com.alibaba.dts.formats.avro.Record`. */
export { encodeDtsAvro, dtsAvroRecordOf, type DtsAvroOptions } from './encode-dts-avro.ts';
export { writeDtsAvroRecord, OPERATION_INDEX, IMAGE_BRANCH_INDEX } from './avro-writer.ts';
export { dtsAvroRecordType, dtsAvroTypes, DTS_AVRO_NAMESPACE, DTS_AVRO_RECORD_NAME } from './schema.ts';
export { dataTypeNumberOf } from './data-type-number.ts';
export { imageOf, type ImageOf } from './value-image.ts';
export { bigDecimalPrecisionScale, type PrecisionScale } from './big-decimal.ts';
export { charsetEncodingOf, type CharsetEncoding } from './charset-bytes.ts';
export { objectNameOf } from './object-name.ts';
export type * from './model.ts';
