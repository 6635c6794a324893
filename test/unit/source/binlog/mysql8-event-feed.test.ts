/**
 * The feed on zongji's packet handler, with captured events: what zongji's binlog command receives
 * in place of a TRANSACTION_PAYLOAD (its inner events as streamed packets at the payload's end
 * position) and of a PARTIAL_UPDATE_ROWS (an UPDATE_ROWS_V2), and that a payload is fed only while
 * the reader takes events (stopped mid-payload, drained on later, the socket released once at its end).
 * zongji's command is replaced by a recorder of the packets it is given; the integration tests in
 * test/mysql8/ run the real one against MySQL 8.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type ZongJi from '@vlasky/zongji';
import { describe, expect, it } from 'vitest';
import { EventType, readEventHeader, type RawEvent } from '../../../../shared/source/binlog/events/event-header.ts';
import { MalformedEventError } from '../../../../shared/source/binlog/events/event-errors.ts';
import { partialUpdateRowsAsUpdateRows } from '../../../../shared/source/binlog/events/partial-to-update-rows.ts';
import { parseTableMap } from '../../../../shared/source/binlog/events/table-map.ts';
import { transactionPayloadEvents } from '../../../../shared/source/binlog/events/transaction-payload.ts';
import { Mysql8EventFeed } from '../../../../shared/source/binlog/mysql8-event-feed.ts';
import { fixtureEvents } from './events/fixture-binlog.ts';

interface Packet {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
  isError(): boolean;
}

/** A streamed event as mysql2 hands it over: a few bytes before it, the OK marker, header, body, CRC. */
function packet(header: RawEvent['header'], body: Buffer, checksum: boolean): Packet {
  const h = Buffer.alloc(19);
  h.writeUInt32LE(header.timestamp, 0);
  h[4] = header.type;
  h.writeUInt32LE(header.serverId, 5);
  h.writeUInt32LE(19 + body.length + (checksum ? 4 : 0), 9);
  h.writeUInt32LE(header.logPos, 13);
  h.writeUInt16LE(header.flags, 17);
  const buffer = Buffer.concat([Buffer.from([9, 9, 9, 9, 0x00]), h, body, checksum ? Buffer.from([0xde, 0xad, 0xbe, 0xef]) : Buffer.alloc(0)]);
  return { buffer, offset: 4, end: buffer.length, isEOF: () => false, isError: () => false };
}

function setup(options: { checksum?: boolean; mariadb?: boolean; tables?: number[] } = {}) {
  const received: { header: RawEvent['header']; body: Buffer; end: number }[] = [];
  const checksum = options.checksum ?? true;
  class Command {
    binlogData(p: Packet, _connection: unknown): unknown {
      const header = readEventHeader(p.buffer, p.offset + 1);
      received.push({ header, body: Buffer.from(p.buffer.subarray(p.offset + 20, p.end - (checksum ? 4 : 0))), end: p.end - p.offset });
      return Command.prototype.binlogData;
    }
  }
  const zongji = { isMariaDb: options.mariadb ?? false, useChecksum: checksum, BinlogClass: Command, tableMap: Object.fromEntries((options.tables ?? []).map((id) => [id, {}])) };
  const state = { blockAfter: Infinity, finished: 0, failures: [] as Error[] };
  const feed = new Mysql8EventFeed(zongji as unknown as ZongJi, {
    blocked: () => received.length >= state.blockAfter,
    finished: () => state.finished++,
    fail: (err) => state.failures.push(err),
  });
  feed.install();
  const command = new Command();
  const send = (e: RawEvent) => command.binlogData(packet(e.header, e.body, checksum), {});
  return { feed, received, state, send, command };
}

function packed(n: number): Buffer {
  if (n < 0xfb) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
}

/** A TRANSACTION_PAYLOAD holding 20,000 XID events (xid 1..20000), ending at `logPos`. */
function xidRun(logPos: number): RawEvent {
  const zst = readFileSync(join(import.meta.dirname, 'events', 'fixtures', 'xid-run.zst'));
  const body = Buffer.concat([Buffer.from([2, 1, 0, 3, 4]), packed(540000), Buffer.from([1, 3]), packed(zst.length), Buffer.from([0]), zst]);
  return { header: { timestamp: 1700000000, type: EventType.TRANSACTION_PAYLOAD, serverId: 1, eventSize: 19 + body.length + 4, logPos, flags: 0 }, body };
}

describe('Mysql8EventFeed', () => {
  it('hands zongji the inner events of a payload as streamed events at the payload end position', () => {
    for (const file of ['transaction_compression.000001', 'mysql-bin.compressed']) {
      for (const checksum of [true, false]) {
        const { received, state, send, command } = setup({ checksum });
        const payload = fixtureEvents(file).find((e) => e.header.type === EventType.TRANSACTION_PAYLOAD)!;
        expect(send(payload)).toBe(command.binlogData); // the command keeps going through the feed
        const inner = [...transactionPayloadEvents(payload.body)];
        expect(received.map((r) => r.header.type)).toEqual(inner.map((e) => e.header.type));
        expect(received.map((r) => r.header.type)).toEqual([EventType.QUERY, EventType.TABLE_MAP, file === 'mysql-bin.compressed' ? EventType.UPDATE_ROWS_V2 : EventType.WRITE_ROWS_V2, EventType.XID]);
        received.forEach((r, i) => {
          expect([r.header.logPos, r.header.timestamp, r.header.serverId, r.header.flags]).toEqual([
            payload.header.logPos,
            inner[i]!.header.timestamp,
            inner[i]!.header.serverId,
            inner[i]!.header.flags,
          ]);
          expect(r.header.eventSize).toBe(19 + inner[i]!.body.length + (checksum ? 4 : 0));
          expect(r.end).toBe(1 + r.header.eventSize);
          expect(r.body.equals(inner[i]!.body)).toBe(true);
        });
        expect([state.finished, state.failures]).toEqual([1, []]);
      }
    }
  });

  it('stops a payload while the reader is blocked and goes on from the same event', () => {
    const { feed, received, state, send } = setup();
    state.blockAfter = 100;
    send(xidRun(123456));
    expect([received.length, feed.pending, state.finished]).toEqual([100, true, 0]);
    state.blockAfter = 5000;
    feed.drain();
    expect([received.length, feed.pending, state.finished]).toEqual([5000, true, 0]);
    state.blockAfter = Infinity;
    feed.drain();
    expect([received.length, feed.pending, state.finished]).toEqual([20000, false, 1]);
    expect(received.every((r, i) => r.header.type === EventType.XID && r.body.readBigUInt64LE(0) === BigInt(i + 1) && r.header.logPos === 123456)).toBe(true);
    feed.drain(); // nothing pending: no second release
    expect(state.finished).toBe(1);
  });

  it('refuses a second payload while one is pending', () => {
    const { feed, state, send } = setup();
    state.blockAfter = 10;
    send(xidRun(1000));
    send(xidRun(2000));
    expect(state.failures).toHaveLength(1);
    expect(state.failures[0]).toBeInstanceOf(MalformedEventError);
    expect(feed.pending).toBe(false);
  });

  it("passes a partial update on as the UPDATE_ROWS_V2 of its full image, decoded with its transaction's table map", () => {
    const events = fixtureEvents('04-partial-json-row-image-noblob.binlog');
    const map = events.find((e) => e.header.type === EventType.TABLE_MAP)!;
    const partial = events.find((e) => e.header.type === EventType.PARTIAL_UPDATE_ROWS)!;
    const tableId = parseTableMap(map.body).tableId;
    const { received, send, state } = setup({ tables: [tableId] });
    send(map);
    send(partial);
    expect(received.map((r) => r.header.type)).toEqual([EventType.TABLE_MAP, EventType.UPDATE_ROWS_V2]);
    expect(received[0]!.body.equals(map.body)).toBe(true); // other events go through untouched
    expect(received[1]!.header.logPos).toBe(partial.header.logPos);
    expect(received[1]!.body.equals(partialUpdateRowsAsUpdateRows(partial.body, parseTableMap(map.body)))).toBe(true);
    expect(state.failures).toEqual([]);
  });

  it('leaves a partial update of an unread table undecoded, and needs the table map of the same transaction', () => {
    const events = fixtureEvents('04-partial-json-row-image-noblob.binlog');
    const map = events.find((e) => e.header.type === EventType.TABLE_MAP)!;
    const partial = events.find((e) => e.header.type === EventType.PARTIAL_UPDATE_ROWS)!;
    const unread = setup();
    unread.send(map);
    unread.send(partial);
    expect([unread.received[1]!.header.type, unread.received[1]!.body.equals(partial.body)]).toEqual([EventType.UPDATE_ROWS_V2, true]);

    const read = setup({ tables: [parseTableMap(map.body).tableId] });
    read.send(map);
    read.send({ header: { ...partial.header, type: EventType.XID }, body: Buffer.alloc(8) });
    read.send(partial);
    expect(read.state.failures).toHaveLength(1);
    expect(read.state.failures[0]!.message).toMatch(/without its TABLE_MAP in the same transaction/);
  });

  it('installs nothing on MariaDB', () => {
    const { received, send } = setup({ mariadb: true });
    const payload = fixtureEvents('transaction_compression.000001').find((e) => e.header.type === EventType.TRANSACTION_PAYLOAD)!;
    send(payload);
    expect(received.map((r) => r.header.type)).toEqual([EventType.TRANSACTION_PAYLOAD]);
  });
});
