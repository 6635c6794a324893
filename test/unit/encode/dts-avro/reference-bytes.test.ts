/**
 * The DTS Avro encoder writes the same bytes as its pre-issue-12 form (reference/, a frozen copy
 * that built a `DtsAvroRecord` and its image objects before writing), over thousands of generated
 * records (../generated-records.ts: every column type the type tests use, text columns in UTF-8,
 * single-byte, multi-byte and unknown charsets, edge values, every op, DDL, records of one
 * transaction sharing their source). A value the format has no image for must fail with the same
 * error in both.
 */
import { describe, expect, it } from 'vitest';
import { dtsAvroRecordOf, encodeDtsAvro, writeDtsAvroRecord } from '../../../../shared/encode/dts-avro/index.ts';
import type { ChangeRecord } from '../../../../shared/record/index.ts';
import { createRecordGenerator } from '../generated-records.ts';
import { referenceEncodeDtsAvro } from './reference/index.ts';

const { pick, randomSchema, randomRecord } = createRecordGenerator({ seed: 0xa7e0, oddValueRate: 0.002 });

type Outcome = Buffer | string;

function outcome(encode: typeof encodeDtsAvro, record: ChangeRecord, sourceVersion: string): Outcome {
  try {
    return encode(record, { sourceVersion });
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

describe('DTS Avro bytes, live encoder against the reference copy', () => {
  const schemas = Array.from({ length: 40 }, (_, i) => randomSchema(i));
  const RECORDS = 5000;
  const records = Array.from({ length: RECORDS }, (_, i) => randomRecord(schemas, pick([i + 1, 2 ** 31 + i, 2 ** 53 - 1 - i])));
  const versionOf = (i: number) => (i % 5 === 0 ? '' : i % 5 === 1 ? '8.0.28' : '10.11.6-MariaDB-log');

  it(`writes identical bytes (or the same error) for ${RECORDS} generated records of every op and column type`, () => {
    const live = records.map((r, i) => outcome(encodeDtsAvro, r, versionOf(i)));
    let errors = 0;
    for (let i = 0; i < records.length; i++) {
      const expected = outcome(referenceEncodeDtsAvro, records[i]!, versionOf(i));
      const got = live[i]!;
      if (typeof expected === 'string' || typeof got === 'string') {
        expect(got, `record ${i} (${records[i]!.op})`).toEqual(expected);
        errors++;
      } else if (!got.equals(expected)) {
        expect(got.toString('hex'), `record ${i} (${records[i]!.op})`).toBe(expected.toString('hex'));
      }
    }
    // Mostly bytes; the few odd values exercise the errors.
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(RECORDS / 10);
    const ops = new Set(records.map((r) => r.op));
    expect([...ops].sort()).toEqual(['DDL', 'DELETE', 'INIT', 'INSERT', 'UPDATE']);
    expect(live.some((b) => typeof b !== 'string' && b.length > 64 * 1024)).toBe(true);
  });

  it('writes row records as the DtsAvroRecord model (value-image.ts) written by avro-writer.ts does', () => {
    // The live model path stays the spec the direct row writer follows, checked by avsc elsewhere.
    let compared = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.op === 'DDL') continue;
      const viaModel = outcome((r, o) => writeDtsAvroRecord(dtsAvroRecordOf(r, o)), record, versionOf(i));
      const direct = outcome(encodeDtsAvro, record, versionOf(i));
      if (typeof direct === 'string' || typeof viaModel === 'string' || !direct.equals(viaModel)) {
        expect(typeof direct === 'string' ? direct : direct.toString('hex'), `record ${i}`).toEqual(typeof viaModel === 'string' ? viaModel : viaModel.toString('hex'));
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(RECORDS / 2);
  });
});
