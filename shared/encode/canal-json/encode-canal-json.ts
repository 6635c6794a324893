/**
 * DTS "Canal Json" (formats.md §2, flavour §2.7): one FlatMessage per record, UTF-8 JSON bytes.
 * Fields in the published alphabetical order:
 *   data, database, es, id, isDdl, mysqlType, old, pkNames, sql, sqlType, table, ts, type
 * (DTS's sample has no `gtid`, so neither do we); null-valued fields are written.
 * - DTS writes one row per message: `data` holds exactly one row (the after image, or the before
 *   image for DELETE); `old` (UPDATE only) holds the before values of the changed columns.
 * - `es` = source event time (ms), `id` = record id, `ts` = `options.nowMs` (no clock here).
 * - DDL: `isDdl:true`, `type` per ddl-type.ts, `sql` = statement; the row fields are null.
 * A row message is written as bytes, straight from the table plan's byte templates (table-plan.ts) and
 * the values (write-value.ts), or, for a record read from the queue, from the values' stored bytes
 * (write-stored-value.ts): no object, string or JSON.stringify per row. The returned Buffer
 * is a view into a shared slab (json-writer.ts), like the small Buffers of Node's own pool.
 */
import type { ChangeRecord, DdlRecord, Row, RowRecord, Value } from '../../record/index.ts';
import { checkedImage, dataImageOf } from '../row-images.ts';
import { canalDdlType } from './ddl-type.ts';
import { JsonWriter } from './json-writer.ts';
import { tablePlanOf, type TablePlan } from './table-plan.ts';
import { writeValue } from './write-value.ts';
import { writeStoredValue } from './write-stored-value.ts';
import { ByteReader } from '../../queue/codec/byte-reader.ts';
import { skipValue, Tag } from '../../queue/codec/tagged-value.ts';
import { StoredRowRecord } from '../../queue/codec/stored-row-record.ts';

export interface CanalJsonOptions {
  /** Milliseconds since the epoch at encoding, written as `ts`. */
  readonly nowMs: number;
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const HEAD = bytes('{"data":[{');
const ID_KEY = bytes(',"id":');
const NULL = bytes('null');
const OLD_OPEN = bytes('[{');
const OLD_CLOSE = bytes('}]');
/**
 * INIT rows (full data sync) are written as `INSERT`, as DTS does for Canal Json: canal has no
 * event type for them and consumers treat them as inserts.
 */
const TYPE_TAIL = {
  INSERT: bytes(',"type":"INSERT"}'),
  INIT: bytes(',"type":"INSERT"}'),
  UPDATE: bytes(',"type":"UPDATE"}'),
  DELETE: bytes(',"type":"DELETE"}'),
} as const;

const writer = new JsonWriter();

export function encodeCanalJson(record: ChangeRecord, options: CanalJsonOptions): Buffer {
  return record.op === 'DDL' ? Buffer.from(ddlMessage(record, options.nowMs), 'utf8') : rowMessage(record, options.nowMs);
}

function rowMessage(record: RowRecord, nowMs: number): Buffer {
  const plan = tablePlanOf(record.schema);
  const stored = StoredRowRecord.bytesOf(record);
  if (stored !== null) {
    const message = storedRowMessage(record as StoredRowRecord, stored, plan, nowMs);
    if (message !== null) return message;
  }
  const image = dataImageOf(record);
  const before = record.op === 'UPDATE' ? checkedImage(record, record.before) : null;
  const { dataKeys, kinds, spans } = plan;
  const w = writer;
  w.begin(plan.fixedBytes);
  w.bytes(HEAD);
  if (before === null) {
    for (let i = 0; i < kinds.length; i++) {
      w.bytes(dataKeys[i]!);
      writeValue(w, kinds[i]!, image[i] as Value);
    }
  } else {
    // Where each after value lies, for the comparison with the before values in `old`.
    for (let i = 0; i < kinds.length; i++) {
      w.bytes(dataKeys[i]!);
      spans[2 * i] = w.offset;
      writeValue(w, kinds[i]!, image[i] as Value);
      spans[2 * i + 1] = w.offset;
    }
  }
  writeMiddle(w, plan, record);
  if (before === null) w.bytes(NULL);
  else writeOld(w, plan, before, image);
  return writeTail(w, plan, record, nowMs);
}

/** From the end of `data` to `old`'s value. */
function writeMiddle(w: JsonWriter, plan: TablePlan, record: RowRecord): void {
  w.bytes(plan.afterData);
  w.number(record.source.timestampMs);
  w.bytes(ID_KEY);
  w.number(record.id);
  w.bytes(plan.beforeOld);
}

function writeTail(w: JsonWriter, plan: TablePlan, record: RowRecord, nowMs: number): Buffer {
  w.bytes(plan.afterOld);
  w.number(nowMs);
  w.bytes(TYPE_TAIL[record.op]);
  return w.finish();
}

/**
 * The same message written from the record's stored images (queue/codec/stored-row-record.ts),
 * values copied from the payload bytes, no row decoded. Null when an image the message needs is
 * not a row of the table's width: the decoded path then says what is wrong (checkedImage).
 */
function storedRowMessage(record: StoredRowRecord, stored: Buffer, plan: TablePlan, nowMs: number): Buffer | null {
  const { dataKeys, kinds, spans, valueStarts } = plan;
  const columns = kinds.length;
  const update = record.op === 'UPDATE';
  const beforeAt = StoredRowRecord.beforeAtOf(record);
  const data = imageReader(0, stored, record.op === 'DELETE' ? beforeAt : StoredRowRecord.afterAtOf(record), columns);
  const old = update ? imageReader(1, stored, beforeAt, columns) : null;
  if (data === null || (update && old === null)) return null;
  const w = writer;
  w.begin(plan.fixedBytes);
  w.bytes(HEAD);
  for (let i = 0; i < columns; i++) {
    w.bytes(dataKeys[i]!);
    spans[2 * i] = w.offset;
    valueStarts[i] = data.pos;
    writeStoredValue(w, kinds[i]!, data);
    spans[2 * i + 1] = w.offset;
  }
  valueStarts[columns] = data.pos;
  writeMiddle(w, plan, record);
  if (old === null) w.bytes(NULL);
  else writeStoredOld(w, plan, old);
  return writeTail(w, plan, record, nowMs);
}

/**
 * The records of a batch share its payload: one reader over it for `data` (slot 0) and one for
 * `old` (slot 1) serve them all, instead of two objects per record. They keep the last payload
 * alive until the next one comes (one batch at most).
 */
const readers: [ByteReader | null, ByteReader | null] = [null, null];

/** A reader at the first value of the image at `at`, or null when it is not a row of `columns` values. */
function imageReader(slot: 0 | 1, bytes: Buffer, at: number, columns: number): ByteReader | null {
  if (bytes[at] !== Tag.ARRAY) return null;
  let r = readers[slot];
  if (r === null || r.buf !== bytes) readers[slot] = r = new ByteReader(bytes, at);
  r.pos = at + 1;
  return r.uint('a row image') === columns ? r : null;
}

/**
 * writeOld from the stored before image: a before value whose stored bytes equal the after
 * value's is the same value and is left out without being written (as `===` does there).
 */
function writeStoredOld(w: JsonWriter, plan: TablePlan, before: ByteReader): void {
  const { kinds, valueStarts } = plan;
  const bytes = before.buf;
  w.bytes(OLD_OPEN);
  let first = true;
  for (let i = 0; i < kinds.length; i++) {
    const start = before.pos;
    skipValue(before, 'a row value');
    const afterStart = valueStarts[i]!;
    const length = before.pos - start;
    if (length === valueStarts[i + 1]! - afterStart && bytes.compare(bytes, afterStart, afterStart + length, start, before.pos) === 0) continue;
    before.pos = start;
    if (oldMember(w, plan, i, first, before)) first = false;
  }
  w.bytes(OLD_CLOSE);
}

/**
 * `[{…}]` with the before values of the columns whose value string changed (canal's
 * `Column.updated`: NULL ↔ value counts as a change); `[{}]` when none did, as canal writes.
 * A before value is written in place and taken back when its bytes equal the after value's.
 */
function writeOld(w: JsonWriter, plan: TablePlan, before: Row, after: Row): void {
  const { kinds } = plan;
  w.bytes(OLD_OPEN);
  let first = true;
  for (let i = 0; i < kinds.length; i++) {
    const value = before[i] as Value;
    if (value === after[i]) continue;
    if (oldMember(w, plan, i, first, value)) first = false;
  }
  w.bytes(OLD_CLOSE);
}

/**
 * Member i of `old`: its key and the before value (decoded, or at a stored image's reader), taken
 * back when the value's bytes equal the after value's. True when it stays.
 */
function oldMember(w: JsonWriter, plan: TablePlan, i: number, first: boolean, value: Value | ByteReader): boolean {
  const { spans } = plan;
  const mark = w.offset;
  w.bytes(first ? plan.keys[i]! : plan.commaKeys[i]!);
  const from = w.offset;
  if (value instanceof ByteReader) writeStoredValue(w, plan.kinds[i]!, value);
  else writeValue(w, plan.kinds[i]!, value);
  const length = w.offset - from;
  const afterFrom = spans[2 * i]!;
  if (length === spans[2 * i + 1]! - afterFrom && w.equalSpans(from, afterFrom, length)) {
    w.rewind(mark);
    return false;
  }
  return true;
}

function ddlMessage(record: DdlRecord, nowMs: number): string {
  return `{"data":null,"database":${JSON.stringify(record.database)},"es":${record.source.timestampMs},"id":${record.id},"isDdl":true,"mysqlType":null,"old":null,"pkNames":null,"sql":${JSON.stringify(record.sql)},"sqlType":null,"table":${JSON.stringify(record.table)},"ts":${nowMs},"type":"${canalDdlType(record.kind)}"}`;
}
