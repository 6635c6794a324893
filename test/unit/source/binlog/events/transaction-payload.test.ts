/**
 * TRANSACTION_PAYLOAD decoding against two captured MySQL 8 binlogs (8.0.32 and 8.0.28, ZSTD): the
 * header fields, the inner events (types, sizes, no checksum), and their contents compared with the
 * mysqlbinlog -vv reference (XID, thread id, table, and every row value).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decompress } from 'fzstd';
import { describe, expect, it, vi } from 'vitest';
import { ByteCursor } from '../../../../../shared/source/binlog/events/byte-cursor.ts';
import { EventType, type RawEvent } from '../../../../../shared/source/binlog/events/event-header.ts';
import { MalformedEventError } from '../../../../../shared/source/binlog/events/event-errors.ts';
import { parseTableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { CompressionType, parseTransactionPayload, transactionPayloadEvents } from '../../../../../shared/source/binlog/events/transaction-payload.ts';
import { fixtureEvents, reference, referenceText, rowsV2Images } from './fixture-binlog.ts';

function payloadBody(file: string): Buffer {
  const found = fixtureEvents(file).filter((e) => e.header.type === EventType.TRANSACTION_PAYLOAD);
  expect(found).toHaveLength(1);
  return found[0]!.body;
}

function queryThreadAndText(e: RawEvent): [number, string] {
  const c = new ByteCursor(e.body);
  const thread = c.u32('thread');
  c.skip(4, 'exec time');
  const dbLength = c.u8('db length');
  c.skip(2, 'error code');
  c.skip(c.u16('status length'), 'status');
  c.skip(dbLength + 1, 'db');
  return [thread, c.bytes(c.remaining, 'query').toString()];
}

/** The `@N=value` lines of the reference, in order (WHERE then SET per row). */
function referenceValues(text: string): string[] {
  return [...text.matchAll(/^### {3}@\d+=(.*?) \/\* /gm)].map((m) => m[1]!);
}

describe('TRANSACTION_PAYLOAD', () => {
  it('reads the header fields as mysqlbinlog prints them', () => {
    const a = parseTransactionPayload(payloadBody('transaction_compression.000001'));
    expect([a.payloadSize, a.compressionType, a.uncompressedSize]).toEqual([124, CompressionType.ZSTD, 179]);
    expect(reference('transaction_compression.000001')).toContain('payload_size=124\tcompression_type=ZSTD\tuncompressed_size=179');
    const b = parseTransactionPayload(payloadBody('mysql-bin.compressed'));
    expect([b.payloadSize, b.compressionType, b.uncompressedSize]).toEqual([451, CompressionType.ZSTD, 960]);
    expect(reference('mysql-bin.compressed')).toContain('payload_size=451\tcompression_type=ZSTD\tuncompressed_size=960');
  });

  it('yields the inner events of the 8.0.32 file, each whole with no checksum, matching the reference', () => {
    const inner = [...transactionPayloadEvents(payloadBody('transaction_compression.000001'))];
    expect(inner.map((e) => e.header.type)).toEqual([EventType.QUERY, EventType.TABLE_MAP, EventType.WRITE_ROWS_V2, EventType.XID]);
    expect(inner.map((e) => e.header.eventSize)).toEqual([71, 45, 36, 27]);
    expect(inner.map((e) => e.header.logPos)).toEqual([0, 0, 0, 0]);
    // An XID body is exactly its 8-byte id: 27 = 19 + 8, so no CRC32 follows inner events.
    expect(inner[3]!.body.readBigUInt64LE(0)).toBe(462n);
    expect(reference('transaction_compression.000001')).toContain('Xid = 462');
    expect(queryThreadAndText(inner[0]!)).toEqual([107, 'BEGIN']);
    const table = parseTableMap(inner[1]!.body);
    expect([table.schema, table.table, table.tableId]).toEqual(['test', 'tb1', 88]);
    expect(reference('transaction_compression.000001')).toContain('Table_map: `test`.`tb1` mapped to number 88');
    const rows = rowsV2Images(inner[2]!.body, table, false);
    expect(rows.flatMap((r) => [...r.values()].map(referenceText))).toEqual(referenceValues(reference('transaction_compression.000001')));
    expect(referenceValues(reference('transaction_compression.000001'))).toEqual(['1']);
  });

  it('yields the inner events of the 8.0.28 file; every UPDATE value matches the reference', () => {
    const inner = [...transactionPayloadEvents(payloadBody('mysql-bin.compressed'))];
    expect(inner.map((e) => e.header.type)).toEqual([EventType.QUERY, EventType.TABLE_MAP, EventType.UPDATE_ROWS_V2, EventType.XID]);
    expect(inner.reduce((n, e) => n + e.header.eventSize, 0)).toBe(960);
    expect(inner[3]!.body.readBigUInt64LE(0)).toBe(31n);
    expect(queryThreadAndText(inner[0]!)).toEqual([12, 'BEGIN']);
    const table = parseTableMap(inner[1]!.body);
    expect([table.schema, table.table, table.tableId, table.columnTypes.length]).toEqual(['demo', 'movies', 84, 11]);
    const images = rowsV2Images(inner[2]!.body, table, true);
    expect(images).toHaveLength(2);
    const decoded = images.flatMap((r) => [...r.values()].map(referenceText));
    const expected = referenceValues(reference('mysql-bin.compressed'));
    expect(expected).toHaveLength(22);
    expect(decoded).toEqual(expected);
    expect(decoded[4]).toBe("'Western'");
    expect(decoded[15]).toBe("'Western|Action'");
  });

  it('yields inner events while later blocks are still compressed', () => {
    const zst = readFileSync(join(import.meta.dirname, 'fixtures', 'xid-run.zst'));
    const body = Buffer.concat([Buffer.from([2, 1, 0, 3, 4]), packed(540000), Buffer.from([1, 3]), packed(zst.length), Buffer.from([0]), zst]);
    const push = vi.spyOn(Decompress.prototype, 'push');
    try {
      const events = transactionPayloadEvents(body);
      const first = events.next();
      expect(first.done).toBe(false);
      expect(first.value!.body.readBigUInt64LE(0)).toBe(1n);
      expect(push).toHaveBeenCalledTimes(1);
      const xids = [first.value!, ...events].map((e) => e.body.readBigUInt64LE(0));
      expect(xids).toHaveLength(20000);
      expect(xids.every((x, i) => x === BigInt(i + 1))).toBe(true);
      expect(push.mock.calls.length).toBeGreaterThan(1);
    } finally {
      push.mockRestore();
    }
  });

  it('stops with a typed error when the compressed bytes are damaged', () => {
    const body = Buffer.from(payloadBody('mysql-bin.compressed'));
    body[body.length - 40] = body[body.length - 40]! ^ 0xff;
    expect(() => [...transactionPayloadEvents(body)]).toThrow(MalformedEventError);
  });

  it('stops when the payload is shorter than payload_size says', () => {
    const body = payloadBody('transaction_compression.000001');
    expect(() => parseTransactionPayload(body.subarray(0, body.length - 1))).toThrow(/declares 124 payload bytes but carries 123/);
  });

  it('splits an uncompressed (NONE) payload and checks its size', () => {
    const inner = [...transactionPayloadEvents(payloadBody('transaction_compression.000001'))];
    const plain = Buffer.concat(inner.map((e) => Buffer.concat([header(e), e.body])));
    // Field values are length-encoded ints: NONE (255) takes 0xfc + 2 bytes.
    const body = Buffer.concat([Buffer.from([2, 3, 0xfc, 0xff, 0x00, 3, 1, plain.length, 1, 1, plain.length, 0]), plain]);
    expect([...transactionPayloadEvents(body)].map((e) => e.header.type)).toEqual([2, 19, 30, 16]);
    const wrongSize = Buffer.from(body);
    wrongSize[7] = plain.length - 1;
    expect(() => [...transactionPayloadEvents(wrongSize)]).toThrow(/decompressed to 179 bytes but declares 178/);
    const cut = Buffer.concat([Buffer.from([2, 3, 0xfc, 0xff, 0x00, 3, 1, plain.length - 5, 1, 1, plain.length - 5, 0]), plain.subarray(0, plain.length - 5)]);
    expect(() => [...transactionPayloadEvents(cut)]).toThrow(/ends inside an inner event \(22 bytes left over\)/);
  });
});

/** A length-encoded integer (0xfc/0xfd prefixes for 2 and 3 bytes). */
function packed(n: number): Buffer {
  if (n < 0xfb) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
}

function header(e: RawEvent): Buffer {
  const h = Buffer.alloc(19);
  h.writeUInt32LE(e.header.timestamp, 0);
  h[4] = e.header.type;
  h.writeUInt32LE(e.header.serverId, 5);
  h.writeUInt32LE(e.header.eventSize, 9);
  h.writeUInt32LE(e.header.logPos, 13);
  h.writeUInt16LE(e.header.flags, 17);
  return h;
}
