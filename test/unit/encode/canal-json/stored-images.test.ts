/**
 * Canal JSON written from a record's stored images (values copied from the queue payload) is the
 * message written from the decoded values, byte for byte, for every value kind and column kind.
 */
import { describe, expect, it } from 'vitest';
import { encodeCanalJson } from '../../../../shared/encode/canal-json/index.ts';
import { decodeBatch, encodeBatch } from '../../../../shared/queue/codec.ts';
import { storedImagesOf } from '../../../helpers/encoded-batch.ts';
import { MysqlTypeCode, type Batch, type ChangeRecord, type RowRecord, type Value } from '../../../../shared/record/index.ts';
import { randomBatch, seeded, type Random } from '../../queue/codec/random-batches.ts';

/** The plain record a stored one stands for: the encoder sees no stored images in it. */
const plain = (r: RowRecord): RowRecord => ({ id: r.id, seq: r.seq, source: r.source, op: r.op, schema: r.schema, before: r.before, after: r.after });

/** Either the message or the error's words: both paths must agree on both. */
function outcome(record: ChangeRecord): string {
  try {
    return encodeCanalJson(record, { nowMs: 1_767_322_999_000 }).toString('latin1');
  } catch (err) {
    return `error ${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

/** UPDATEs keep some before values (equal, or equal copies of bytes) so `old` leaves them out; some images are made wrong. */
function shape(rnd: Random, batch: Batch): Batch {
  const columnKinds = [MysqlTypeCode.FLOAT, MysqlTypeCode.DOUBLE, MysqlTypeCode.YEAR, MysqlTypeCode.BIT, MysqlTypeCode.VAR_STRING];
  const records = batch.records.map((r): ChangeRecord => {
    if (r.op === 'DDL') return r;
    // column kinds the message writes differently, on a copy of the schema (records of a table share theirs)
    const schema = { ...r.schema, columns: r.schema.columns.map((c, i) => ({ ...c, typeCode: columnKinds[(i + r.schema.columns.length) % columnKinds.length]! })) };
    const copy = (v: Value): Value => (v instanceof Uint8Array ? Buffer.from(v) : v);
    const before = r.op === 'UPDATE' && r.after ? r.before!.map((v, i) => (rnd() < 0.5 ? copy(r.after![i]!) : v)) : r.before;
    const broken = rnd() < 0.03;
    return { ...r, schema, before: broken && r.op !== 'INSERT' && r.op !== 'INIT' ? null : before, after: broken && r.after ? r.after.slice(1) : r.after };
  });
  return { ...batch, records };
}

describe('Canal JSON from stored images', () => {
  it('writes the same bytes as from decoded values for 300 random batches (every value kind, UPDATE old, wrong images)', () => {
    const rnd = seeded(12);
    let id = 1;
    let stored = 0;
    let errors = 0;
    let withOld = 0;
    for (let n = 0; n < 300; n++) {
      const batch = shape(rnd, randomBatch(rnd, id, 30));
      id = batch.lastRecordId + 1;
      for (const record of decodeBatch(encodeBatch(batch)).records) {
        if (record.op === 'DDL') continue;
        expect(storedImagesOf(record)).not.toBeNull();
        const fromBytes = outcome(record);
        const fromValues = outcome(plain(record));
        expect(fromBytes).toBe(fromValues);
        stored++;
        if (fromBytes.startsWith('error')) errors++;
        else if (record.op === 'UPDATE' && !fromBytes.includes('"old":[{}]')) withOld++;
      }
    }
    // the cases the test claims were reached
    expect(stored).toBeGreaterThan(2000);
    expect(errors).toBeGreaterThan(20);
    expect(withOld).toBeGreaterThan(200);
  });
});
