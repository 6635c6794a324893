/**
 * The table plan of DTS Avro (every encoder names so what it builds once per table): the parts
 * of a row record that depend only on the table (formats.md §1.2 #9–#12),
 * precompiled into Avro bytes once per `TableSchema` object (records of one table share it; kept
 * in a WeakMap), with one image writer per column, so a row costs only its values. Between them
 * the row writer puts the record's own tags (`server_id`, and `task_name` when the task is named):
 *   head[n] = objectName (union value) · processTimestamps null · tags: count n, `pk_uk_info`
 *             and its value (n = 2 without `task_name`, 3 with it)
 *   tail = end of tags · fields (union array: name, dataTypeNumber per column)
 */
import { perSchema, type TableSchema } from '../../record/index.ts';
import { bytesWrittenBy as template, writeInt, writeLong, writeString } from './avro-binary.ts';
import { dataTypeNumberOf } from './data-type-number.ts';
import { imageWriterOf, type ImageWriter } from './image-writer.ts';
import { objectNameOf } from './object-name.ts';
import { pkUkInfoOf } from './tags.ts';

export interface TablePlan {
  /** By the number of tags the record carries: 2 (`pk_uk_info`, `server_id`) or 3 (and `task_name`). */
  readonly head: { readonly 2: Buffer; readonly 3: Buffer };
  readonly tail: Buffer;
  readonly images: readonly ImageWriter[];
}

export const tablePlanOf: (schema: TableSchema) => TablePlan = perSchema(buildPlan);

function buildPlan(schema: TableSchema): TablePlan {
  const headWith = (tags: number) =>
    template(() => {
      writeInt(1); // objectName: the union's string branch
      writeString(objectNameOf(schema.database, schema.table));
      writeInt(0); // processTimestamps: null
      writeLong(tags);
      writeString('pk_uk_info');
      writeString(pkUkInfoOf(schema));
    });
  const tail = template(() => {
    writeInt(0); // end of tags
    writeInt(2); // fields: the union's array branch
    if (schema.columns.length > 0) {
      writeLong(schema.columns.length);
      for (const column of schema.columns) {
        writeString(column.name);
        writeInt(dataTypeNumberOf(column));
      }
    }
    writeInt(0);
  });
  return { head: { 2: headWith(2), 3: headWith(3) }, tail, images: schema.columns.map(imageWriterOf) };
}
