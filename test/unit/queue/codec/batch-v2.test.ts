import { describe, expect, it } from 'vitest';
import { BatchBuilder, CODEC_VERSION, decodeBatch, encodeBatch } from '../../../../shared/queue/codec.ts';
import { Tag } from '../../../../shared/queue/codec/tagged-value.ts';
import { StoredRowRecord } from '../../../../shared/queue/codec/stored-row-record.ts';
import { storedImagesOf } from '../../../helpers/encoded-batch.ts';
import { QueueCorruptError } from '../../../../shared/queue/errors.ts';
import { InvariantError } from '../../../../shared/errors.ts';
import type { Batch, ChangeRecord, RowRecord, SourceInfo, Value } from '../../../../shared/record/index.ts';
import { makeBatch } from '../../../helpers/queue-batches.ts';
import { randomBatch, seeded } from './random-batches.ts';

/** Which records share their source / schema object, as index pairs: the decoded batch must share exactly the same. */
function sharing(records: readonly ChangeRecord[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      const a = records[i]!;
      const b = records[j]!;
      if (a.source === b.source) out.push(`source ${i}=${j}`);
      if (a.op !== 'DDL' && b.op !== 'DDL' && a.schema === b.schema) out.push(`schema ${i}=${j}`);
    }
  }
  return out;
}

function byteValues(batch: Batch): Value[] {
  return batch.records.flatMap((r) => (r.op === 'DDL' ? [] : [...(r.before ?? []), ...(r.after ?? [])])).filter((v) => v instanceof Uint8Array);
}

function corruptError(bytes: Uint8Array, where = { path: 'q', seq: 9 }): QueueCorruptError {
  try {
    decodeBatch(bytes, where);
  } catch (err) {
    expect(err).toBeInstanceOf(QueueCorruptError);
    expect((err as QueueCorruptError).context).toEqual(where);
    return err as QueueCorruptError;
  }
  throw new Error('decoded corrupt bytes without an error');
}

describe("queue payload version 2, written record by record (the reader's BatchBuilder)", () => {
  it('round-trips transactions written record by record: committed ones in order with the txId set at their commit, rolled-back ones gone with the schemas only they introduced', () => {
    const rnd = seeded(31);
    let id = 1;
    let committed = 0;
    let rolledBack = 0;
    for (let n = 0; n < 200; n++) {
      const batch = randomBatch(rnd, id, 40);
      id = batch.lastRecordId + 1;
      const builder = new BatchBuilder();
      const kept: ChangeRecord[] = [];
      for (let i = 0; i < batch.records.length;) {
        const group = batch.records.slice(i, (i += 1 + Math.floor(rnd() * 6)));
        const mode = rnd();
        if (mode < 0.3) {
          for (const r of group) builder.add(r); // outside a transaction (full-sync rows)
          kept.push(...group);
          continue;
        }
        const source: { -readonly [K in keyof SourceInfo]: SourceInfo[K] } = { ...group[0]!.source, txId: null };
        const records = group.map((r) => ({ ...r, source }));
        builder.begin();
        for (const r of records) builder.add(r);
        expect(builder.count).toBe(kept.length + records.length);
        if (mode < 0.75) {
          source.txId = `${n}-${i}`; // known only at the commit, after its records were written
          builder.commit();
          kept.push(...records);
          committed++;
        } else {
          builder.rollback();
          rolledBack++;
        }
        expect(builder.count).toBe(kept.length);
      }
      const expected: Batch = { ...batch, records: kept };
      const out = builder.finish(expected);
      expect([out.recordCount, out.changeCount, out.lastSourceTimeMs]).toEqual([kept.length, kept.filter((r) => r.op !== 'INIT').length, kept.at(-1)?.source.timestampMs ?? null]);
      const back = decodeBatch(out.payload);
      expect(back).toStrictEqual(expected);
      expect(sharing(back.records)).toEqual(sharing(kept));
    }
    expect(committed).toBeGreaterThan(300);
    expect(rolledBack).toBeGreaterThan(100);
  });

  it('refuses to finish a batch while a transaction is open', () => {
    const builder = new BatchBuilder();
    builder.begin();
    for (const r of makeBatch(1).records) builder.add(r);
    expect(() => builder.finish(makeBatch(1))).toThrow(InvariantError);
  });
});

describe('queue payload version 2', () => {
  it('round-trips 250 random batches exactly: every op and value kind, optional fields, sharing of sources and schemas', () => {
    const rnd = seeded(12);
    let id = 1;
    let records = 0;
    let empty = 0;
    const ops = new Set<string>();
    for (let n = 0; n < 250; n++) {
      const batch = randomBatch(rnd, id, 40);
      id = batch.lastRecordId + 1;
      records += batch.records.length;
      if (batch.records.length === 0) empty++;
      for (const r of batch.records) ops.add(r.op);
      const bytes = encodeBatch(batch);
      expect(bytes[0]).toBe(CODEC_VERSION);
      const decoded = decodeBatch(bytes);
      expect(decoded).toStrictEqual(batch);
      expect(sharing(decoded.records)).toEqual(sharing(batch.records));
      for (const v of byteValues(decoded)) expect(Buffer.isBuffer(v)).toBe(true);
      // keys in the reader's order (the generator builds them so), so decoded objects share its
      // shapes; row records are StoredRowRecords, one shape of their own
      expect(Object.keys(decoded)).toEqual(Object.keys(batch));
      decoded.records.forEach((r, i) => {
        if (r.op === 'DDL') expect(Object.keys(r)).toEqual(Object.keys(batch.records[i]!));
        else expect(r).toBeInstanceOf(StoredRowRecord);
        expect(Object.keys(r.source)).toEqual(Object.keys(batch.records[i]!.source));
      });
    }
    // the generator reached every case the test claims
    expect(records).toBeGreaterThan(3000);
    expect(empty).toBeGreaterThan(10);
    expect([...ops].sort()).toEqual(['DDL', 'DELETE', 'INIT', 'INSERT', 'UPDATE']);
  });

  it('keeps absent, undefined and null apart in optional fields', () => {
    const base = makeBatch(3, 2);
    const r0 = base.records[0] as RowRecord;
    const withUndefined: Batch = { ...base, records: base.records.map((r) => ({ ...r, source: { ...r.source, serverVersion: undefined } })) };
    const decoded = decodeBatch(encodeBatch(withUndefined));
    expect('serverVersion' in decoded.records[0]!.source).toBe(true);
    expect(decoded.records[0]!.source.serverVersion).toBeUndefined();
    const plain = decodeBatch(encodeBatch(base));
    expect('serverVersion' in plain.records[0]!.source).toBe(false);
    expect('sourceTimeMs' in plain).toBe(false);
    expect('snapshot' in plain.resume).toBe(false);
    expect(decodeBatch(encodeBatch({ ...base, sourceTimeMs: 0 })).sourceTimeMs).toBe(0);
    const column = { ...r0.schema.columns[0]!, collation: undefined };
    const schema = { ...r0.schema, columns: [column, { ...column, collation: null }] };
    const back = decodeBatch(encodeBatch({ ...base, records: [{ ...r0, schema, after: [undefined as unknown as Value, null] }] })).records[0] as RowRecord;
    expect(back.schema).toStrictEqual(schema);
    expect('collation' in back.schema.columns[0]!).toBe(true);
    expect(back.after).toStrictEqual([undefined, null]);
  });

  it('writes each schema and source once per batch and reads them back shared', () => {
    const batch = makeBatch(1, 200);
    const one = encodeBatch({ ...batch, records: batch.records.slice(0, 1) }).length;
    const all = encodeBatch(batch).length;
    const r0 = batch.records[0] as RowRecord;
    const copied = encodeBatch({ ...batch, records: batch.records.map((r) => ({ ...r, schema: structuredClone(r0.schema), source: { ...r.source } }) as RowRecord) }).length;
    // ORDERS written once costs more than 250 bytes; 199 more copies would add that each
    expect(copied - all).toBeGreaterThan(199 * 250);
    expect((all - one) / 199).toBeLessThan(200);
  });

  it('shares a schema across batches while its bytes are the same, and not once the table changed', () => {
    const a = decodeBatch(encodeBatch(makeBatch(1, 2)));
    const b = decodeBatch(encodeBatch(makeBatch(2, 2)));
    expect((a.records[0] as RowRecord).schema).toBe((b.records[1] as RowRecord).schema);
    const batch = makeBatch(3, 1);
    const r0 = batch.records[0] as RowRecord;
    const altered = { ...r0.schema, columns: [...r0.schema.columns, { ...r0.schema.columns[1]!, name: 'added' }] };
    const c = decodeBatch(encodeBatch({ ...batch, records: [{ ...r0, schema: altered, after: [...r0.after!, 'x'] }] })).records[0] as RowRecord;
    expect(c.schema).not.toBe((a.records[0] as RowRecord).schema);
    expect(c.schema).toStrictEqual(altered);
    expect(decodeBatch(encodeBatch(makeBatch(4, 1))).records[0]!).toHaveProperty('schema', (a.records[0] as RowRecord).schema);
  });

  it('gives byte values memory of their own: clearing the payload changes nothing decoded', () => {
    const batch = randomBatch(seeded(3), 1, 200);
    const bytes = encodeBatch(batch);
    const decoded = decodeBatch(bytes);
    const values = byteValues(decoded);
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) expect((v as Buffer).buffer).not.toBe(bytes.buffer);
    bytes.fill(0);
    expect(decoded).toStrictEqual(batch);
  });

  it('leaves row images as bytes until they are asked for, then reads each once', () => {
    const batch = makeBatch(1, 3);
    const bytes = encodeBatch(batch);
    const record = decodeBatch(bytes).records[0] as RowRecord;
    const images = storedImagesOf(record)!;
    expect(images.bytes.buffer).toBe(bytes.buffer);
    expect(bytes[images.beforeAt]).toBe(Tag.NULL);
    expect(bytes[images.afterAt]).toBe(Tag.ARRAY);
    // unread, the image is the stored bytes: a change to them shows in the first read...
    const original = (batch.records[0] as RowRecord).after!;
    const text = original.findIndex((v) => typeof v === 'string' && v.length > 0);
    const at = bytes.indexOf(Buffer.from(original[text] as string), images.afterAt);
    bytes[at] = 'Z'.charCodeAt(0);
    const after = record.after!;
    expect(after[text]).toBe('Z' + (original[text] as string).slice(1));
    // ...and once read, the values are the record's own
    bytes.fill(0);
    expect(record.after).toBe(after);
    expect(record.before).toBeNull();
    expect(JSON.parse(JSON.stringify(record)).after).toEqual(JSON.parse(JSON.stringify(after)));
    expect(storedImagesOf({ ...(batch.records[0] as RowRecord) })).toBeNull();
  });

  it('round-trips a batch of one huge row, then a batch of many small rows (the huge one does not size the next buffer)', () => {
    const big = makeBatch(1, 1);
    const r0 = big.records[0] as RowRecord;
    const huge: Batch = { ...big, records: [{ ...r0, after: [1, 'x'.repeat(3 << 20), 'é'.repeat(100_000), null, null, Buffer.alloc(6 << 20, 7), null] }] };
    const after = (decodeBatch(encodeBatch(huge)).records[0] as RowRecord).after!;
    // compared by hand: a deep equality walks 6 MiB of bytes one by one
    expect(after[1] === (huge.records[0] as RowRecord).after![1] && after[2] === 'é'.repeat(100_000)).toBe(true);
    expect(Buffer.compare(after[5] as Buffer, Buffer.alloc(6 << 20, 7))).toBe(0);
    expect(after.filter((v) => v === null)).toHaveLength(3);
    // sized from the last batch alone this would ask for 10 MB x 5000 records and fail
    const many = makeBatch(2, 5000);
    expect(decodeBatch(encodeBatch(many))).toStrictEqual(many);
  });

  it('reads a payload inside a larger buffer and from a plain Uint8Array', () => {
    const batch = randomBatch(seeded(4), 1, 50);
    const bytes = encodeBatch(batch);
    const framed = Buffer.concat([Buffer.from('frame-header'), bytes, Buffer.from('next')]).subarray(12, 12 + bytes.length);
    expect(decodeBatch(framed)).toStrictEqual(batch);
    expect(decodeBatch(new Uint8Array(bytes))).toStrictEqual(batch);
  });

  it('refuses to store a value it could not read back, naming the record and table', () => {
    const batch = makeBatch(2, 1);
    const r0 = batch.records[0] as RowRecord;
    const bad: Batch = { ...batch, records: [{ ...r0, after: [new Date(0) as unknown as Value] }] };
    expect(() => encodeBatch(bad)).toThrow(InvariantError);
    expect(() => encodeBatch(bad)).toThrow(/record 2 \(INSERT on shop\.orders\): a value of kind Date cannot be stored/);
    expect(() => encodeBatch({ ...batch, records: [{ ...r0, id: 1.5 }] })).toThrow(/record 1\.5 .*id 1\.5 is not a non-negative integer/);
    expect(() => encodeBatch({ ...batch, records: [{ ...r0, op: 'UPSERT' as 'INSERT' }] })).toThrow(/op UPSERT is not one of/);
  });

  it('refuses source fields of a type the reader would call corrupt (a position as text: mysql2 reads BIGINT as a string)', () => {
    const batch = makeBatch(2, 1);
    const r0 = batch.records[0] as RowRecord;
    const textual = { ...r0, source: { ...r0.source, position: '4' as unknown as number } };
    expect(() => encodeBatch({ ...batch, records: [textual] })).toThrow(InvariantError);
    expect(() => encodeBatch({ ...batch, records: [textual] })).toThrow(/record 2 \(INSERT on shop\.orders\): source\.position is a string \(4\), not a number/);
    expect(() => encodeBatch({ ...batch, records: [{ ...r0, source: { ...r0.source, file: null as unknown as string } }] })).toThrow(/source\.file is a object \(null\), not a string/);
    expect(() => encodeBatch({ ...batch, lastRecordId: '2' as unknown as number })).toThrow(/lastRecordId is a string/);
    expect(() => encodeBatch({ ...batch, resume: null as unknown as Batch['resume'] })).toThrow(/resume is not a position/);
  });

  it('names the byte and the record where a truncated payload ends, at every length', () => {
    const bytes = smallPayload();
    for (let n = 2; n < bytes.length; n++) {
      const err = corruptError(bytes.subarray(0, n));
      expect(err.message).toMatch(new RegExp(`^queue payload \\(path q, seq 9\\) is corrupt at byte \\d+ of ${n}: `));
    }
    expect(corruptError(Buffer.concat([bytes, Buffer.from([0])])).message).toMatch(/1 bytes follow the last record/);
  });

  it('names bad tags, op codes and flags with the byte and the record they are in', () => {
    const batch = makeBatch(1, 3);
    const bytes = encodeBatch(batch);
    // the last value of the last record is its note, 'note 2 for 1002': give its tag a number that is no tag
    const note = (batch.records[2] as RowRecord).after![6] as string;
    expect(note).toBe('note 2 for 1002');
    const noteTag = bytes.length - note.length - 2;
    expect(bytes[noteTag]).toBe(Tag.ASCII);
    const badTag = Buffer.from(bytes);
    badTag[noteTag] = 0x7e;
    expect(corruptError(badTag).message).toMatch(new RegExp(`corrupt at byte ${noteTag} of ${bytes.length}: record 2 of 3: the after image has an unknown value tag 126`));
    // a prefix of the records encodes the same header and records: record 1 starts where the one-record batch ends
    const record1 = encodeBatch({ ...batch, records: batch.records.slice(0, 1) }).length;
    const badOp = Buffer.from(bytes);
    badOp[record1] = 9;
    expect(corruptError(badOp).message).toMatch(new RegExp(`corrupt at byte ${record1} of ${bytes.length}: record 1 of 3: op code 9 is not one of 0-4`));
    const badRef = Buffer.from(bytes);
    badRef[record1 + 3] = 5; // op, id, seq, then the source ref (one byte each here)
    expect(corruptError(badRef).message).toMatch(/record 1 of 3: source ref 5 is beyond the 1 sources so far/);
    const badFlags = Buffer.from(bytes);
    badFlags[1] = 0x80;
    expect(corruptError(badFlags).message).toMatch(/corrupt at byte 1 .*batch flags 128 have unknown bits/);
    const badVersion = Buffer.from(bytes);
    badVersion[0] = 3;
    expect(corruptError(badVersion).message).toMatch(/format version 3, this build reads versions 1 and 2/);
  });

  it('decodes random damage to QueueCorruptError or to a batch, never to another error', () => {
    const rnd = seeded(6);
    const bytes = encodeBatch(randomBatch(rnd, 1, 30));
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      const damaged = Buffer.from(bytes);
      for (let k = 0; k < 1 + (n % 4); k++) damaged[1 + Math.floor(rnd() * (damaged.length - 1))] = Math.floor(rnd() * 256);
      try {
        decodeBatch(damaged, { seq: n });
      } catch (err) {
        expect(err).toBeInstanceOf(QueueCorruptError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});

/** A random batch of a few records with a DDL and a full-sync cursor that encodes to under 3000 bytes (truncated at every length). */
function smallPayload(): Buffer {
  for (let seed = 1; ; seed++) {
    const batch = randomBatch(seeded(seed), 1, 8);
    const bytes = encodeBatch(batch);
    if (bytes.length < 3000 && batch.records.length >= 5 && batch.records.some((r) => r.op === 'DDL') && batch.resume.snapshot) return bytes;
  }
}
