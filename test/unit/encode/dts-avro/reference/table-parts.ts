/**
 * The parts of a DTS Avro row record that depend only on the table (formats.md §1.2 #9, #11,
 * #12; §1.4): computed once per `TableSchema` object (records of one table share it) and kept in
 * a WeakMap, so a row costs only its values.
 */
import { perSchema, type TableSchema } from '../../../../../shared/record/index.ts';
import { dataTypeNumberOf } from '../../../../../shared/encode/dts-avro/data-type-number.ts';
import type { DtsField } from '../../../../../shared/encode/dts-avro/model.ts';
import { objectNameOf } from '../../../../../shared/encode/dts-avro/object-name.ts';
import { pkUkInfoOf } from '../../../../../shared/encode/dts-avro/tags.ts';
import { imageOf, type ImageOf } from './value-image.ts';

export interface TableParts {
  /** `db.table`, dots inside names escaped. */
  readonly objectName: string;
  /** `{name, dataTypeNumber}` per column, in column order. */
  readonly fields: readonly DtsField[];
  /** The image builder per column, aligned with `fields`. */
  readonly images: readonly ImageOf[];
  /** The `pk_uk_info` tag. */
  readonly pkUkInfo: string;
}

export const tablePartsOf: (schema: TableSchema) => TableParts = perSchema(buildParts);

function buildParts(schema: TableSchema): TableParts {
  return {
    objectName: objectNameOf(schema.database, schema.table),
    fields: schema.columns.map((column) => ({ name: column.name, dataTypeNumber: dataTypeNumberOf(column) })),
    images: schema.columns.map(imageOf),
    pkUkInfo: pkUkInfoOf(schema),
  };
}
