/**
 * Queue payload version 2: a batch in one pass over its records, no object graph serializer.
 *
 *   u8     2 (the envelope version)
 *   u8     flags: 1 endsTransaction, 2 sourceTimeMs present
 *   value  lastRecordId, then sourceTimeMs when flagged
 *   value  resume (a plain object: the full-sync cursor in it goes through as it is)
 *   varint record count, then per record:
 *     u8     op: 0 INSERT, 1 UPDATE, 2 DELETE, 3 INIT, 4 DDL
 *     varint id, varint seq
 *     varint source ref: a ref equal to the number of sources seen so far introduces a new one,
 *            written right here (serverId, serverVersion or ABSENT, file, position, gtid,
 *            timestampMs, txId as values); smaller refs reuse one
 *     row:   varint schema ref (same scheme; the TableSchema as a plain-object value behind a
 *            4-byte padded varint length, so a reader can look it up by its bytes), then the
 *            before and after images as values (null or an ARRAY of column values)
 *     DDL:   kind, database, table, sql as strings
 *
 * Values are tagged-value.ts's. Sources and schemas are written once per batch and come back as one
 * object per ref, so the records of one transaction share their SourceInfo and the records of one
 * table their TableSchema, as the reader built them (per-schema caches depend on it); a schema is
 * also shared across batches while its bytes stay the same (schema-cache.ts). A row record comes
 * back as a StoredRowRecord: its images are checked but stay bytes until asked for
 * (stored-row-record.ts); DDL records and sources take the reader's key order, so they share
 * hidden classes with the ones it builds.
 */
import type { Batch, ChangeRecord, DdlRecord, Op, ResumePosition, RowRecord, SourceInfo, TableSchema } from '../../record/index.ts';
import { ByteReader, PayloadCorruption } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { InvariantError } from '../../errors.ts';
import { internSchema } from './schema-cache.ts';
import type { EncodedBatch } from '../types.ts';
import { ABSENT, readString, readValue, skipValue, Tag, UnstorableValueError, writeString, writeValue } from './tagged-value.ts';
import { StoredRowRecord } from './stored-row-record.ts';

export const V2 = 2;

const OPS: readonly Op[] = ['INSERT', 'UPDATE', 'DELETE', 'INIT', 'DDL'];
const OP_CODE: Readonly<Record<Op, number>> = { INSERT: 0, UPDATE: 1, DELETE: 2, INIT: 3, DDL: 4 };
const DDL = 4;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
/** Compile-time guard: a field added to the record model fails here until the layout above writes it. */
export type LayoutCoversRecordModel = [
  Check<Same<keyof SourceInfo, 'serverId' | 'serverVersion' | 'file' | 'position' | 'gtid' | 'timestampMs' | 'txId'>>,
  Check<Same<keyof RowRecord, 'id' | 'seq' | 'source' | 'op' | 'schema' | 'before' | 'after'>>,
  Check<Same<keyof DdlRecord, 'id' | 'seq' | 'source' | 'op' | 'kind' | 'database' | 'table' | 'sql'>>,
  Check<Same<keyof Batch, 'records' | 'resume' | 'endsTransaction' | 'lastRecordId' | 'sourceTimeMs'>>,
];

/** Bytes of the last batch's records: the next builder starts near its final size. */
let lastBodyBytes = 4096;
/** A builder never starts larger than this (one batch of huge rows must not size the next of small ones). */
const MAX_INITIAL_BYTES = 4 << 20;

/** What `finish` needs besides the records: the batch's own fields. */
export type BatchHead = Omit<Batch, 'records'>;

/** Room kept in front of the records for the header, so `finish` need not copy the records behind it. */
const HEAD_ROOM = 256;

/** What a reader's counters need of a batch (EncodedBatch's fields of the same names). */
interface Counts {
  recordCount: number;
  /** Records other than full-sync rows (INIT). */
  changeCount: number;
  lastSourceTimeMs: number | null;
}

const noCounts = (): Counts => ({ recordCount: 0, changeCount: 0, lastSourceTimeMs: null });

/** The open transaction: its records are written in place, its source's fields only at its commit. */
interface OpenPart {
  /** Where its records start (a rollback cuts the batch back to here). */
  readonly start: number;
  /** The transaction's source, when its first record introduced it: its fields go in at `sourceAt` on commit. */
  source: SourceInfo | null;
  sourceAt: number;
  readonly schemasBefore: number;
  readonly sourcesBefore: number;
  readonly counts: Counts;
}

/**
 * A batch written one record at a time: the reader writes each record as it is read, so no record
 * object outlives its rows event (young-generation garbage, instead of objects that every scavenge
 * copies while a transaction and then a batch fill and wait to be stored). Between `begin` and
 * `commit` the records of one transaction are written too, but the fields of its source (the
 * commit's `txId` is known only at the end) are slid in at `commit`; `rollback` cuts them off.
 * The header goes in front at `finish`, into room kept for it.
 */
export class BatchV2Builder {
  readonly #w = new ByteWriter(HEAD_ROOM + Math.min(MAX_INITIAL_BYTES, lastBodyBytes + (lastBodyBytes >> 3)));
  readonly #sources = new Map<SourceInfo, number>();
  readonly #schemas = new Map<TableSchema, number>();
  readonly #counts = noCounts();
  #tx: OpenPart | null = null;

  constructor() {
    this.#w.pos = HEAD_ROOM;
  }

  /** Records added, the open transaction's included. */
  get count(): number {
    return this.#counts.recordCount + (this.#tx?.counts.recordCount ?? 0);
  }

  /** Records added from here to `commit` or `rollback` belong to one transaction. */
  begin(): void {
    if (this.#tx) throw new InvariantError('a batch builder transaction is already open');
    this.#tx = { start: this.#w.pos, source: null, sourceAt: 0, schemasBefore: this.#schemas.size, sourcesBefore: this.#sources.size, counts: noCounts() };
  }

  /** Throws UnstorableValueError naming the record when a value has no place in the layout. */
  add(record: ChangeRecord): void {
    const tx = this.#tx;
    try {
      writeRecord(this.#w, record, this.#sources, this.#schemas, tx);
    } catch (err) {
      if (!(err instanceof UnstorableValueError)) throw err;
      const table = record.op === 'DDL' ? `${record.database}.${record.table}` : `${record.schema.database}.${record.schema.table}`;
      throw new UnstorableValueError(`record ${record.id} (${record.op} on ${table}): ${err.message}`);
    }
    const counts = tx?.counts ?? this.#counts;
    counts.recordCount++;
    if (record.op !== 'INIT') counts.changeCount++;
    counts.lastSourceTimeMs = record.source.timestampMs;
  }

  /**
   * A full-sync row whose after image is already in this layout (`image[start..end)`, an ARRAY of
   * tagged values, written by source/snapshot/text-rows.ts or chunk-rows.ts): copied as it is.
   */
  addInit(id: number, seq: number, schema: TableSchema, source: SourceInfo, image: Buffer, start: number, end: number): void {
    if (this.#tx) throw new InvariantError('full-sync rows are placed between transactions');
    if (image[start] !== Tag.ARRAY) throw new UnstorableValueError(`record ${id} (INIT on ${schema.database}.${schema.table}): its image is not a row`);
    const w = this.#w;
    writeHead(w, OP_CODE.INIT, id, seq, source, this.#sources, null);
    writeSchemaRef(w, schema, this.#schemas);
    w.u8(Tag.NULL);
    w.raw(image, start, end);
    this.#counts.recordCount++;
    this.#counts.lastSourceTimeMs = source.timestampMs;
  }

  /** The open transaction's records join the batch, its source as it is now. */
  commit(): void {
    const tx = this.#tx;
    if (!tx) return;
    this.#tx = null;
    if (tx.source) {
      const src = new ByteWriter(64);
      writeSource(src, tx.source);
      const w = this.#w;
      const n = src.pos;
      w.ensure(n);
      w.buf.copyWithin(tx.sourceAt + n, tx.sourceAt, w.pos);
      src.buf.copy(w.buf, tx.sourceAt, 0, n);
      w.pos += n;
    }
    if (tx.counts.recordCount === 0) return;
    this.#counts.recordCount += tx.counts.recordCount;
    this.#counts.changeCount += tx.counts.changeCount;
    this.#counts.lastSourceTimeMs = tx.counts.lastSourceTimeMs;
  }

  /** Drops the open transaction's records, and the sources and schemas only they introduced. */
  rollback(): void {
    const tx = this.#tx;
    if (!tx) return;
    this.#tx = null;
    this.#w.pos = tx.start;
    for (const [schema, ref] of this.#schemas) if (ref >= tx.schemasBefore) this.#schemas.delete(schema);
    for (const [source, ref] of this.#sources) if (ref >= tx.sourcesBefore) this.#sources.delete(source);
  }

  /** The payload (header, then the committed records), with what a reader's counters need of it. */
  finish(head: BatchHead): EncodedBatch {
    if (this.#tx) throw new InvariantError('a batch cannot be finished inside a transaction');
    const h = new ByteWriter(HEAD_ROOM);
    h.u8(V2);
    const hasTime = head.sourceTimeMs !== undefined;
    h.u8((head.endsTransaction ? 1 : 0) | (hasTime ? 2 : 0));
    writeValue(h, typed(head.lastRecordId, 'number', 'lastRecordId'));
    if (hasTime) writeValue(h, typed(head.sourceTimeMs, 'number', 'sourceTimeMs'));
    const resume = head.resume as unknown;
    if (typeof resume !== 'object' || resume === null || typeof (resume as ResumePosition).file !== 'string') throw new UnstorableValueError('resume is not a position (an object with a file name)');
    writeValue(h, head.resume);
    h.uint(this.#counts.recordCount);
    const body = this.#w;
    const records = body.pos - HEAD_ROOM;
    if (this.#counts.recordCount > 0) lastBodyBytes = records;
    let payload: Buffer;
    if (h.pos <= HEAD_ROOM) {
      // The header fits the room in front: the payload is one slice of the buffer.
      h.buf.copy(body.buf, HEAD_ROOM - h.pos, 0, h.pos);
      payload = body.finish(HEAD_ROOM - h.pos);
    } else payload = Buffer.concat([h.buf.subarray(0, h.pos), body.buf.subarray(HEAD_ROOM, body.pos)], h.pos + records);
    return { payload, resume: head.resume, ...this.#counts };
  }
}

export function encodeV2(batch: Batch): Buffer {
  const builder = new BatchV2Builder();
  for (const record of batch.records) builder.add(record);
  return builder.finish(batch).payload;
}

/** `part`: the open transaction, whose first new source is written at its commit (the spot is kept). */
function writeRecord(w: ByteWriter, record: ChangeRecord, sources: Map<SourceInfo, number>, schemas: Map<TableSchema, number>, part: OpenPart | null): void {
  const op = OP_CODE[record.op];
  if (op === undefined) throw new UnstorableValueError(`op ${String(record.op)} is not one of ${OPS.join(', ')}`);
  writeHead(w, op, record.id, record.seq, record.source, sources, part);
  if (record.op === 'DDL') {
    writeString(w, record.kind);
    writeString(w, record.database);
    writeString(w, record.table);
    writeString(w, record.sql);
    return;
  }
  writeSchemaRef(w, record.schema, schemas);
  writeValue(w, record.before);
  writeValue(w, record.after);
}

/** Op, id, seq and the source ref (with the source itself the first time). */
function writeHead(w: ByteWriter, op: number, id: number, seq: number, source: SourceInfo, sources: Map<SourceInfo, number>, part: OpenPart | null): void {
  w.u8(op);
  writeCount(w, id, 'id');
  writeCount(w, seq, 'seq');
  const sourceRef = sources.get(source);
  if (sourceRef !== undefined) w.uint(sourceRef);
  else {
    w.uint(sources.size);
    sources.set(source, sources.size);
    if (part && part.source === null) {
      part.source = source;
      part.sourceAt = w.pos;
    } else writeSource(w, source);
  }
}

function writeSchemaRef(w: ByteWriter, schema: TableSchema, schemas: Map<TableSchema, number>): void {
  const schemaRef = schemas.get(schema);
  if (schemaRef !== undefined) w.uint(schemaRef);
  else {
    w.uint(schemas.size);
    schemas.set(schema, schemas.size);
    const at = w.startLength();
    writeValue(w, schema);
    w.endLength(at);
  }
}

function writeCount(w: ByteWriter, v: number, field: string): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new UnstorableValueError(`${field} ${v} is not a non-negative integer`);
  w.uint(v);
}

function writeSource(w: ByteWriter, s: SourceInfo): void {
  writeValue(w, typed(s.serverId, 'number', 'source.serverId'));
  if ('serverVersion' in s) writeValue(w, s.serverVersion);
  else w.u8(Tag.ABSENT);
  writeValue(w, typed(s.file, 'string', 'source.file'));
  writeValue(w, typed(s.position, 'number', 'source.position'));
  writeValue(w, s.gtid);
  writeValue(w, typed(s.timestampMs, 'number', 'source.timestampMs'));
  writeValue(w, s.txId);
}

/**
 * The writer refuses what the reader would call corrupt (readSource, decodeV2's `expect`): a wrong
 * type upstream then fails the append that made it, instead of storing a batch no deliverer can read.
 */
function typed<T>(v: T, kind: 'number' | 'string', what: string): T {
  if (typeof v !== kind) throw new UnstorableValueError(`${what} is a ${typeof v} (${String(v).slice(0, 40)}), not a ${kind}`);
  return v;
}

/** A version 2 header, checked; `r` is left at the first record. */
function readHead(r: ByteReader): BatchHead & { count: number } {
  const flags = r.u8('the batch flags');
  if (flags > 3) throw new PayloadCorruption(`the batch flags ${flags} have unknown bits`, 1);
  const lastRecordId = expect(readValue(r, 'lastRecordId'), 'number', 'lastRecordId', r);
  const sourceTimeMs = flags & 2 ? expect(readValue(r, 'sourceTimeMs'), 'number', 'sourceTimeMs', r) : undefined;
  const resume = readValue(r, 'resume') as ResumePosition;
  if (typeof resume !== 'object' || resume === null || typeof resume.file !== 'string') throw new PayloadCorruption('resume is not a position', r.pos);
  const count = r.uint('the record count');
  if (count > r.end - r.pos) throw new PayloadCorruption(`the record count ${count} is more than the bytes left`, r.pos);
  return { endsTransaction: (flags & 1) === 1, lastRecordId, sourceTimeMs, resume, count };
}

/** The record count of a version 2 payload, from its header alone (a read sizes itself without decoding). Throws PayloadCorruption. */
export function recordCountV2(buf: Buffer): number {
  return readHead(new ByteReader(buf, 1)).count;
}

/** Reads a version 2 payload (its first byte already checked). Throws PayloadCorruption. */
export function decodeV2(buf: Buffer): Batch {
  const r = new ByteReader(buf, 1);
  const { endsTransaction, lastRecordId, sourceTimeMs, resume, count } = readHead(r);
  const records: ChangeRecord[] = new Array(count);
  const sources: SourceInfo[] = [];
  const schemas: TableSchema[] = [];
  let i = 0;
  try {
    for (; i < count; i++) records[i] = readRecord(r, sources, schemas);
  } catch (err) {
    if (err instanceof PayloadCorruption) throw new PayloadCorruption(`record ${i} of ${count}: ${err.message}`, err.offset);
    throw err;
  }
  if (r.pos !== r.end) throw new PayloadCorruption(`${r.end - r.pos} bytes follow the last record`, r.pos);
  return sourceTimeMs === undefined ? { records, resume, endsTransaction, lastRecordId } : { records, resume, endsTransaction, lastRecordId, sourceTimeMs };
}

function readRecord(r: ByteReader, sources: SourceInfo[], schemas: TableSchema[]): ChangeRecord {
  const code = r.u8('the op');
  const op = OPS[code];
  if (op === undefined) throw new PayloadCorruption(`op code ${code} is not one of 0-4`, r.pos - 1);
  const id = r.uint('the id');
  const seq = r.uint('the seq');
  const sourceRef = r.uint('the source ref');
  let source = sources[sourceRef];
  if (source === undefined) {
    if (sourceRef !== sources.length) throw new PayloadCorruption(`source ref ${sourceRef} is beyond the ${sources.length} sources so far`, r.pos);
    sources.push((source = readSource(r)));
  }
  if (code === DDL) {
    const kind = readString(r, 'the DDL kind') as DdlRecord['kind'];
    const database = readString(r, 'the DDL database');
    const table = readString(r, 'the DDL table');
    const sql = readString(r, 'the DDL sql');
    return { id, seq, op: 'DDL', kind, database, table, sql, source };
  }
  const schemaRef = r.uint('the schema ref');
  let schema = schemas[schemaRef];
  if (schema === undefined) {
    if (schemaRef !== schemas.length) throw new PayloadCorruption(`schema ref ${schemaRef} is beyond the ${schemas.length} schemas so far`, r.pos);
    const n = r.uint('the table schema length');
    const at = r.take(n, 'the table schema');
    schema = internSchema(r.latin1Of(at, n), () => readSchema(r.buf, at, n));
    schemas.push(schema);
  }
  const beforeAt = skipImage(r, 'the before image');
  const afterAt = skipImage(r, 'the after image');
  return new StoredRowRecord(id, seq, source, op as RowRecord['op'], schema, r.buf, beforeAt, afterAt);
}

function readSchema(buf: Buffer, at: number, n: number): TableSchema {
  const r = new ByteReader(buf, at, at + n);
  const schema = readValue(r, 'the table schema') as TableSchema;
  if (typeof schema !== 'object' || schema === null || !Array.isArray(schema.columns)) throw new PayloadCorruption('the table schema is not a schema', at);
  if (r.pos !== r.end) throw new PayloadCorruption(`the table schema ends ${r.end - r.pos} bytes before its stated length`, r.pos);
  return schema;
}

/** Checks a row image and moves past it; returns where it starts. */
function skipImage(r: ByteReader, what: string): number {
  const at = r.pos;
  skipValue(r, what);
  const tag = r.buf[at];
  if (tag !== Tag.NULL && tag !== Tag.ARRAY) throw new PayloadCorruption(`${what} is neither null nor a row`, r.pos);
  return at;
}

function readSource(r: ByteReader): SourceInfo {
  const serverId = expect(readValue(r, 'source.serverId'), 'number', 'source.serverId', r);
  const serverVersion = readValue(r, 'source.serverVersion');
  const file = expect(readValue(r, 'source.file'), 'string', 'source.file', r);
  const position = expect(readValue(r, 'source.position'), 'number', 'source.position', r);
  const gtid = readValue(r, 'source.gtid') as string | null;
  const timestampMs = expect(readValue(r, 'source.timestampMs'), 'number', 'source.timestampMs', r);
  const txId = readValue(r, 'source.txId') as string | null;
  if (serverVersion === ABSENT) return { serverId, file, position, gtid, timestampMs, txId };
  return { serverId, serverVersion: serverVersion as string | undefined, file, position, gtid, timestampMs, txId };
}

function expect<K extends 'number' | 'string'>(v: unknown, kind: K, what: string, r: ByteReader): K extends 'number' ? number : string {
  if (typeof v !== kind) throw new PayloadCorruption(`${what} is not a ${kind}`, r.pos);
  return v as K extends 'number' ? number : string;
}
