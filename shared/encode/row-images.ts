/**
 * Which row images a record carries, the same in every format that writes rows: INSERT and INIT
 * the after image, DELETE the before image, UPDATE both. An image a record must carry is there
 * with one value per column of its table, or the record is a bug upstream (InvariantError).
 * MaxCompute's layout words that error its own way (maxcompute-layout.ts).
 */
import { InvariantError } from '../errors.ts';
import type { Row, RowRecord } from '../record/index.ts';

export function hasBeforeImage(record: RowRecord): boolean {
  return record.op === 'UPDATE' || record.op === 'DELETE';
}

export function hasAfterImage(record: RowRecord): boolean {
  return record.op !== 'DELETE';
}

/** The image a row message's `data` shows (Canal JSON, FC records): a DELETE's before image, else the after image. */
export function dataImageOf(record: RowRecord): Row {
  return checkedImage(record, record.op === 'DELETE' ? record.before : record.after);
}

export function checkedImage(record: RowRecord, image: Row | null): Row {
  const columns = record.schema.columns.length;
  if (image === null || image.length !== columns) {
    throw new InvariantError(`${record.op} record ${record.id} has ${image === null ? 'no' : `a ${image.length}-value`} row image for ${columns} columns`, {
      database: record.schema.database,
      table: record.schema.table,
    });
  }
  return image;
}
