/**
 * DTS Avro (formats.md §1): one `ChangeRecord` → one Kafka message value, the plain Avro binary
 * encoding of `com.alibaba.dts.formats.avro.Record` (§1.1: no container header, no schema-registry
 * framing). Fields in wire order (§1.2):
 *   version             0
 *   id                  record.id
 *   sourceTimestamp     ⌊source.timestampMs / 1000⌋ (seconds, as DTS writes it)
 *   sourcePosition      `<offset>@<binlog file number>` of source.position
 *   safeSourcePosition  the same. DTS's is ≤ sourcePosition, inferred to be the start of the
 *                       enclosing transaction, with the event itself in sourcePosition;
 *                       SourceInfo.position already is the transaction start and no per-row
 *                       offset is kept, so both are equal (as in DTS's DDL records)
 *   sourceTxid          source.txId, '0' when none (DTS writes '0' for MySQL)
 *   source              {MySQL, options.sourceVersion} (`SELECT VERSION()`, e.g. '8.0.28')
 *   operation           INSERT / UPDATE / DELETE / INIT (full load) / DDL
 *   objectName          `db.table`, or `db` for DDL (object-name.ts); null for a DDL outside a database
 *   processTimestamps   null
 *   tags                tags.ts (with `task_name` when options.taskName is set)
 *   fields              [{name, dataTypeNumber}] per column (data-type-number.ts); null for DDL
 *   beforeImages        UPDATE, DELETE: every column (value-image.ts); else null
 *   afterImages         INSERT, INIT, UPDATE: every column; DDL: the statement (string branch); else null
 *   bornTimestamp       = sourceTimestamp (documented as milliseconds, observed as the same seconds)
 * Shapes per operation as §1.5. `dtsAvroRecordOf` builds the record as data; the hand-written
 * writer (avro-writer.ts) writes it, and the tests check those bytes against avsc's
 * `Type.toBuffer` (test/unit/encode/dts-avro/avsc-value.ts). Row records take a direct path with the same bytes
 * (row-writer.ts: per-table templates and per-column image writers, no object per value).
 */
import { checkedImage, hasAfterImage, hasBeforeImage } from '../row-images.ts';
import { fileNumber, type ChangeRecord, type DdlRecord, type Row, type RowRecord, type SourceInfo, type Value } from '../../record/index.ts';
import { writeDtsAvroRecord } from './avro-writer.ts';
import { writeRowRecord } from './row-writer.ts';
import type { DtsAvroRecord, Image, ImageValue } from './model.ts';
import { objectNameOf } from './object-name.ts';
import { tablePartsOf, type TableParts } from './table-parts.ts';
import { ddlTags, rowTags } from './tags.ts';

export interface DtsAvroOptions {
  /** The source server's version string, written as `source.version`. */
  readonly sourceVersion: string;
  /** The task's name, written as the `task_name` tag so that records of two tasks on one topic differ (absent: no tag). */
  readonly taskName?: string;
}

export function encodeDtsAvro(record: ChangeRecord, options: DtsAvroOptions): Buffer {
  return record.op === 'DDL' ? writeDtsAvroRecord(ddlRecord(record, options)) : writeRowRecord(record, options);
}

/** The record as DTS Avro data, before it is written. */
export function dtsAvroRecordOf(record: ChangeRecord, options: DtsAvroOptions): DtsAvroRecord {
  return record.op === 'DDL' ? ddlRecord(record, options) : rowRecord(record, options);
}

function rowRecord(record: RowRecord, options: DtsAvroOptions): DtsAvroRecord {
  const parts = tablePartsOf(record.schema);
  return {
    ...headerOf(record, options),
    operation: record.op,
    objectName: parts.objectName,
    processTimestamps: null,
    tags: rowTags(record, parts.pkUkInfo, options.taskName),
    fields: parts.fields,
    beforeImages: hasBeforeImage(record) ? imageOf(checkedImage(record, record.before), parts) : null,
    afterImages: hasAfterImage(record) ? imageOf(checkedImage(record, record.after), parts) : null,
    bornTimestamp: secondsOf(record.source),
  };
}

/** The fields every record carries, in wire order (the writer follows the schema, not key order). */
function headerOf(record: ChangeRecord, options: DtsAvroOptions) {
  const position = positionOf(record.source);
  return {
    version: 0,
    id: record.id,
    sourceTimestamp: secondsOf(record.source),
    sourcePosition: position,
    safeSourcePosition: position,
    sourceTxid: record.source.txId ?? '0',
    source: { sourceType: 'MySQL' as const, version: options.sourceVersion },
  };
}

function ddlRecord(record: DdlRecord, options: DtsAvroOptions): DtsAvroRecord {
  return {
    ...headerOf(record, options),
    operation: 'DDL',
    objectName: record.database === '' ? null : objectNameOf(record.database),
    processTimestamps: null,
    tags: ddlTags(record, secondsOf(record.source), options.taskName),
    fields: null,
    beforeImages: null,
    afterImages: record.sql,
    bornTimestamp: secondsOf(record.source),
  };
}

function secondsOf(source: SourceInfo): number {
  return Math.floor(source.timestampMs / 1000);
}

function positionOf(source: SourceInfo): string {
  return `${source.position}@${fileNumber(source.file)}`;
}

function imageOf(row: Row, parts: TableParts): Image {
  const { images } = parts;
  const image = new Array<ImageValue | null>(images.length);
  for (let i = 0; i < images.length; i++) image[i] = images[i]!(row[i] as Value);
  return image;
}
