import { describe, expect, it } from 'vitest';
import { parseOdpsType } from '../../../../../shared/runtime/maxcompute/local-endpoint/odps-types.ts';
import { MalformedBlockError, readBlock } from '../../../../../shared/runtime/maxcompute/local-endpoint/record-stream-reader.ts';
import { frameDownload } from '../../../../../shared/runtime/maxcompute/local-endpoint/record-stream-writer.ts';

const columns = (spec: string) =>
  spec.split(';').map((c) => {
    const [name, ...type] = c.trim().split(' ');
    return { name: name!, type: parseOdpsType(type.join(' ')) };
  });

// specs/maxcompute.md §3.8 (produced by the Python SDK's pure writer).
const V1 = Buffer.from('0802120361626319000000000000f83f200128dcec86829963320531322e333480c0ff7fd1a78be9020803200080c0ff7fa4e8809105f0ffff7f04f8ffff7ff194b6850f', 'hex');
const V1_COLUMNS = columns('id bigint; name string; score double; flag boolean; ts datetime; amount decimal(10,2)');
const V2 = Buffer.from('f0ffff7f00f8ffff7f00', 'hex');
const V3 = Buffer.from('0a06e4b8ade6968710feffffffffffffffff0118ffffffff0f250000003f2898b40280c0ff7faa9fd0e0010a0010ffffffffffffffffff011800280180c0ff7f97f091af04f0ffff7f04f8ffff7ff4ceca8d03', 'hex');
const V3_COLUMNS = columns('s string; b bigint; i int; f float; d date');

function rejection(bytes: Uint8Array, cols = V1_COLUMNS): MalformedBlockError {
  try {
    readBlock(bytes, cols);
  } catch (err) {
    if (err instanceof MalformedBlockError) return err;
    throw err;
  }
  throw new Error('the block was accepted');
}

describe('readBlock accepts the spec vectors', () => {
  it('V1: two records, their CRCs and the CRC of CRCs', () => {
    const crcs: number[] = [];
    expect(readBlock(V1, V1_COLUMNS, { onRecord: (_i, r) => crcs.push(r.crc) })).toEqual({ records: 2, crcOfCrcs: 0xf0ad8a71 });
    expect(crcs).toEqual([0x2d22d3d1, 0x52203424]);
  });
  it('V2: an empty block', () => {
    expect(readBlock(V2, V1_COLUMNS)).toEqual({ records: 0, crcOfCrcs: 0 });
  });
  it('V3: record 0 (2^63-1, -2^31, float, date, UTF-8) checks out; record 1 is refused for its BIGINT -2^63', () => {
    // The Java SDK refuses -2^63 ("MaxCompute does not support Long type with a value of -2^63"),
    // so the endpoint does too, although the Python writer that made V3 sends it.
    const crcs: number[] = [];
    let err: unknown;
    try {
      readBlock(V3, V3_COLUMNS, { onRecord: (_i, r) => crcs.push(r.crc) });
    } catch (e) {
      err = e;
    }
    expect(crcs).toEqual([0x1c140faa]);
    expect(err).toBeInstanceOf(MalformedBlockError);
    expect((err as MalformedBlockError).record).toBe(1);
    expect((err as MalformedBlockError).reason).toMatch(/-2\^63/);
  });
});

describe('readBlock refuses, naming the record', () => {
  it('a changed value byte: CRC mismatch in record 0', () => {
    const bad = Buffer.from(V1);
    bad[5] = bad[5]! ^ 0x01; // inside "abc"
    const err = rejection(bad);
    expect(err.record).toBe(0);
    expect(err.reason).toMatch(/CRC mismatch/);
  });
  it('a changed byte of the second record', () => {
    const bad = Buffer.from(V1);
    bad[V1.indexOf(Buffer.from('0803', 'hex'), 10) + 1] = 0x05; // id -2 → -3
    expect(rejection(bad).record).toBe(1);
  });
  it('a column sent with the wrong wire type (BIGINT as length-delimited)', () => {
    const err = rejection(V1, columns('id string; name string; score double; flag boolean; ts datetime; amount decimal(10,2)'));
    expect(err.reason).toBe('column "id" (string, field 1) must be sent with wire type 2, not 0');
  });
  it('a field number beyond the session columns', () => {
    expect(rejection(V1, V1_COLUMNS.slice(0, 3)).reason).toMatch(/field number 4 is not a column of the session \(it has 3 columns/);
  });
  it('a wrong record count in the trailer', () => {
    const bad = Buffer.from(V1);
    bad[V1.length - 10] = 0x06; // count 3
    expect(rejection(bad).reason).toBe('the trailer counts 3 records, the block holds 2');
  });
  it('a wrong block checksum', () => {
    const bad = Buffer.from(V1);
    bad[V1.length - 5] = bad[V1.length - 5]! ^ 0x01;
    expect(rejection(bad).reason).toMatch(/block checksum/);
  });
  it('a missing trailer, an empty body, bytes after the trailer', () => {
    expect(rejection(V1.subarray(0, V1.length - 14)).reason).toMatch(/without the record count/);
    expect(rejection(V1.subarray(0, V1.length - 3)).reason).toMatch(/ends inside the block checksum/);
    expect(rejection(Buffer.alloc(0)).reason).toMatch(/empty/);
    expect(rejection(Buffer.concat([V1, Buffer.from([0])])).reason).toBe('1 bytes follow the trailer');
  });
  it('values out of range for their type', () => {
    // id = -2^63 (zigzag 2^64-1), record CRC irrelevant: the range check comes first.
    const minBigint = Buffer.from('08ffffffffffffffffff0180c0ff7f00f0ffff7f02f8ffff7f00', 'hex');
    expect(rejection(minBigint, columns('id bigint')).reason).toMatch(/-2\^63/);
    expect(rejection(Buffer.concat([Buffer.from('088080808010', 'hex'), Buffer.from('80c0ff7f00', 'hex')]), columns('i int')).reason).toMatch(/outside -2147483648..2147483647/);
    expect(rejection(Buffer.from('080280c0ff7f00', 'hex'), columns('b boolean')).reason).toMatch(/a boolean is 0 or 1/);
    expect(rejection(Buffer.from('0a03616263', 'hex'), columns('v varchar(2)')).reason).toMatch(/3 characters, more than its length 2/);
    expect(rejection(Buffer.from('0a0331653380c0ff7f00', 'hex'), columns('d decimal(10,2)')).reason).toMatch(/not a plain decimal/);
  });
});

describe('frameDownload', () => {
  it('without a column list copies the records and recomputes the trailer', () => {
    expect(frameDownload([{ bytes: V1, columns: V1_COLUMNS }], 0, 2).equals(V1)).toBe(true);
    const two = frameDownload(
      [
        { bytes: V1, columns: V1_COLUMNS },
        { bytes: V2, columns: V1_COLUMNS },
        { bytes: V1, columns: V1_COLUMNS },
      ],
      1,
      2,
    );
    const crcs: number[] = [];
    expect(readBlock(two, V1_COLUMNS, { onRecord: (_i, r) => crcs.push(r.crc) }).records).toBe(2);
    expect(crcs).toEqual([0x52203424, 0x2d22d3d1]);
  });
  it('with a column list renumbers the fields (name, id) and re-checksums', () => {
    const out = frameDownload([{ bytes: V1, columns: V1_COLUMNS }], 0, 2, [1, 0]);
    const fields: [number, number][] = [];
    expect(readBlock(out, [V1_COLUMNS[1]!, V1_COLUMNS[0]!], { onField: (i, f) => fields.push([i, f.field]) }).records).toBe(2);
    expect(fields).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
  });
});
