/**
 * Builds the record stream a download returns: the records of the stored blocks, in order, within
 * a row range, re-framed into one stream with its own trailer (count and CRC of the record CRCs).
 * Without a column list a record is copied byte for byte (its CRC stays valid). With one, field
 * numbers follow the requested columns (field j+1 = j-th requested column, as the SDK's reader
 * numbers them), so each kept field gets a new tag and the record a new CRC over the same values.
 */
import { crc32c } from '@node-rs/crc32';
import type { OdpsType } from './odps-types.ts';
import { readBlock, TAG_END_RECORD, TAG_META_CHECKSUM, TAG_META_COUNT } from './record-stream-reader.ts';

export interface StoredBlock {
  readonly bytes: Uint8Array;
  /** The data columns the block was written with (a prefix of today's columns after ADD COLUMNS). */
  readonly columns: readonly { readonly name: string; readonly type: OdpsType }[];
}

/** Appends protobuf varints and fixed ints to a growing list of chunks. */
class Out {
  readonly chunks: Buffer[] = [];
  private scratch = Buffer.alloc(16);

  varint(value: number): void {
    let n = 0;
    let v = value >>> 0;
    while (v >= 0x80) {
      this.scratch[n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.scratch[n++] = v;
    this.chunks.push(Buffer.from(this.scratch.subarray(0, n)));
  }

  /** Zigzag varint of a non-negative count below 2^31. */
  sint(value: number): void {
    this.varint(value * 2);
  }

  bytes(b: Uint8Array): void {
    this.chunks.push(Buffer.from(b));
  }
}

const le4 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n | 0, 0);
  return b;
};

/**
 * The rows [start, start+count) of `blocks` (in order) as one record stream. `select` maps each
 * output column to its index in a block's columns (undefined: all columns, in order).
 */
export function frameDownload(blocks: readonly StoredBlock[], start: number, count: number, select?: readonly number[]): Buffer {
  const out = new Out();
  let row = 0;
  let written = 0;
  let crcOfCrcs = 0;
  const end = start + count;
  for (const block of blocks) {
    if (row >= end) break;
    const fields = new Map<number, { wireType: number; payload: Buffer; crcBytes: Buffer }>();
    const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
    readBlock(bytes, block.columns, {
      onField:
        select &&
        ((_record, f) => {
          fields.set(f.field, { wireType: f.wireType, payload: bytes.subarray(f.payloadStart, f.payloadEnd), crcBytes: Buffer.from(f.crcBytes) });
        }),
      onRecord: (_record, view) => {
        const inRange = row >= start && row < end;
        row += 1;
        if (!inRange) {
          fields.clear();
          return;
        }
        let crc = view.crc;
        if (!select) {
          out.bytes(bytes.subarray(view.start, view.end));
        } else {
          crc = 0;
          select.forEach((source, j) => {
            const f = fields.get(source + 1);
            if (!f) return;
            out.varint(((j + 1) << 3) | f.wireType);
            out.bytes(f.payload);
            crc = crc32c(f.crcBytes, crc32c(le4(j + 1), crc));
          });
          out.varint(TAG_END_RECORD << 3);
          out.varint(crc);
          fields.clear();
        }
        crcOfCrcs = crc32c(le4(crc), crcOfCrcs);
        written += 1;
      },
    });
  }
  out.varint(TAG_META_COUNT << 3);
  out.sint(written);
  out.varint(TAG_META_CHECKSUM << 3);
  out.varint(crcOfCrcs >>> 0);
  return Buffer.concat(out.chunks);
}
