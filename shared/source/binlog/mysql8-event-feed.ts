/**
 * Feeds zongji the two MySQL 8 event types it reads but skips (see docs/mysql8-binlog.md),
 * as events it decodes itself, so every value is converted by the same code as with the settings off:
 * - TRANSACTION_PAYLOAD (binlog_transaction_compression=ON): its inner events (QUERY BEGIN,
 *   TABLE_MAP, rows, XID) are decompressed one at a time and each handed to zongji as if streamed,
 *   with the payload's end position as theirs (the only position a reader can resume from);
 * - PARTIAL_UPDATE_ROWS (binlog_row_value_options=PARTIAL_JSON): rewritten as the UPDATE_ROWS_V2 a
 *   full-image UPDATE would be (events/partial-to-update-rows.ts).
 * It sits on zongji's packet handler (the binlog command's `binlogData`), before zongji's GTID,
 * position and filter bookkeeping, which therefore see the inner events as ordinary ones.
 * A payload is drained only while the reader takes events: a pause (flow control, a schema read,
 * zongji's metadata fetch) stops it mid-payload with the socket paused, and `drain()` goes on, so a
 * huge compressed transaction is decoded with bounded memory.
 */
import type ZongJi from '@vlasky/zongji';
import { InvariantError } from '../../errors.ts';
import { EVENT_HEADER_LENGTH, EventType, readEventHeader, type EventHeader, type RawEvent } from './events/event-header.ts';
import { MalformedEventError } from './events/event-errors.ts';
import { partialUpdateRowsAsUpdateRows } from './events/partial-to-update-rows.ts';
import { parseTableMap } from './events/table-map.ts';
import { transactionPayloadEvents } from './events/transaction-payload.ts';

/** The part of a mysql2 packet zongji's binlog command reads. */
interface BinlogPacket {
  readonly buffer: Buffer;
  readonly offset: number;
  readonly end: number;
  isEOF(): boolean;
  isError(): boolean;
}
type BinlogData = (this: unknown, packet: BinlogPacket, connection: unknown) => unknown;

/** An event packet: the OK marker byte, then the event. */
const PACKET_EVENT_START = 1;
const CHECKSUM_LENGTH = 4;
/** Decoded here, or looked at: table maps, and the transaction boundaries that end their use. */
const TAKEN = new Set<number>([EventType.TABLE_MAP, EventType.GTID, EventType.ANONYMOUS_GTID, EventType.XID, EventType.PARTIAL_UPDATE_ROWS, EventType.TRANSACTION_PAYLOAD]);

export interface EventFeedHooks {
  /** True while the reader must not take events (paused, reading metadata, stopped). */
  blocked(): boolean;
  /** A payload was drained to its end: the socket, paused while it was pending, may flow again. */
  finished(): void;
  fail(err: Error): void;
}

export class Mysql8EventFeed {
  readonly #zongji: ZongJi;
  readonly #hooks: EventFeedHooks;
  #payload: { events: Generator<RawEvent>; end: number; deliver: (p: BinlogPacket) => unknown } | null = null;
  #draining = false;
  /** Raw TABLE_MAP bodies of the open transaction, by table id: a partial update is decoded with its own. Cleared at each transaction's GTID and XID. */
  readonly #tableMaps = new Map<number, Buffer>();

  constructor(zongji: ZongJi, hooks: EventFeedHooks) {
    this.#zongji = zongji;
    this.#hooks = hooks;
  }

  /** A payload is partly fed: the socket must stay paused until `drain()` finishes it. */
  get pending(): boolean {
    return this.#payload !== null;
  }

  /** Call on zongji's 'ready', which it emits after creating its binlog command class and before queueing it. */
  install(): void {
    const z = this.#zongji as unknown as { isMariaDb: boolean; BinlogClass?: { prototype: { binlogData: BinlogData } } };
    if (z.isMariaDb) return; // MariaDB writes neither event
    const proto = z.BinlogClass?.prototype;
    if (!proto || typeof proto.binlogData !== 'function') {
      throw new InvariantError(
        'zongji has no binlog command class at ready, so compressed and partial-JSON events cannot be decoded; the installed @vlasky/zongji is not the 0.9 this reader was built for',
      );
    }
    const original = proto.binlogData;
    const take = (packet: BinlogPacket, deliver: (p: BinlogPacket) => unknown): boolean => {
      try {
        return this.#onPacket(packet, deliver);
      } catch (err) {
        this.#payload = null;
        this.#hooks.fail(err as Error);
        return true;
      }
    };
    // `this` is zongji's binlog command: the one its packets go to.
    proto.binlogData = function (this: unknown, packet: BinlogPacket, connection: unknown) {
      const deliver = (p: BinlogPacket): unknown => original.call(this, p, connection);
      return take(packet, deliver) ? proto.binlogData : deliver(packet);
    };
  }

  /** Takes the packet when it is one of ours (true); anything else goes to zongji unchanged. */
  #onPacket(packet: BinlogPacket, deliver: (p: BinlogPacket) => unknown): boolean {
    const { buffer, offset, end } = packet;
    if (end - offset < PACKET_EVENT_START + EVENT_HEADER_LENGTH || buffer[offset] !== 0x00) return false;
    const type = buffer[offset + PACKET_EVENT_START + 4]!;
    if (!TAKEN.has(type)) return false;
    const header = readEventHeader(buffer, offset + PACKET_EVENT_START);
    const checksum = this.#zongji.useChecksum ? CHECKSUM_LENGTH : 0;
    const body = buffer.subarray(offset + PACKET_EVENT_START + EVENT_HEADER_LENGTH, end - checksum);
    if (type !== EventType.TRANSACTION_PAYLOAD) return this.#event(header, body, header.logPos, deliver);
    if (this.#payload) throw new MalformedEventError('a TRANSACTION_PAYLOAD arrived while another was still being read; the binlog stream is out of order');
    // The packet's buffer is reused by mysql2 once this returns: the payload is kept as a copy.
    this.#payload = { events: transactionPayloadEvents(Buffer.from(body)), end: header.logPos, deliver };
    this.drain();
    return true;
  }

  /**
   * One event (streamed, or inner with the payload's position): remembered or rewritten, then passed
   * to zongji. Returns whether it was delivered here (false: the caller passes the original packet).
   */
  #event(header: EventHeader, body: Buffer, logPos: number, deliver: (p: BinlogPacket) => unknown, inner = false): boolean {
    let type = header.type;
    if (type === EventType.TRANSACTION_PAYLOAD) throw new MalformedEventError('a TRANSACTION_PAYLOAD holds another TRANSACTION_PAYLOAD; the binlog is damaged');
    if (type === EventType.TABLE_MAP) this.#tableMaps.set(body.readUIntLE(0, 6), Buffer.from(body));
    if (type === EventType.GTID || type === EventType.ANONYMOUS_GTID || type === EventType.XID) this.#tableMaps.clear();
    if (type === EventType.PARTIAL_UPDATE_ROWS) {
      body = this.#asUpdateRows(body);
      type = EventType.UPDATE_ROWS_V2;
    } else if (!inner) return false;
    deliver(this.#packet(header, type, body, logPos));
    return true;
  }

  #asUpdateRows(body: Buffer): Buffer {
    const tableId = body.readUIntLE(0, 6);
    // zongji keeps a table map entry only for the tables the task reads: others stay undecoded
    // (the type change alone lets zongji drop them as it drops their UPDATE_ROWS).
    if (!(this.#zongji.tableMap as Record<number, unknown>)[tableId]) return body;
    const raw = this.#tableMaps.get(tableId);
    if (!raw) throw new MalformedEventError(`PARTIAL_UPDATE_ROWS for table id ${tableId} arrived without its TABLE_MAP in the same transaction; the binlog stream is out of order`);
    return partialUpdateRowsAsUpdateRows(body, parseTableMap(raw));
  }

  /** A packet as zongji expects a streamed event: OK marker, header, body, checksum room. */
  #packet(header: EventHeader, type: number, body: Buffer, logPos: number): BinlogPacket {
    const checksum = this.#zongji.useChecksum ? CHECKSUM_LENGTH : 0;
    const buf = Buffer.alloc(PACKET_EVENT_START + EVENT_HEADER_LENGTH + body.length + checksum);
    buf.writeUInt32LE(header.timestamp, 1);
    buf[5] = type;
    buf.writeUInt32LE(header.serverId, 6);
    buf.writeUInt32LE(EVENT_HEADER_LENGTH + body.length + checksum, 10);
    buf.writeUInt32LE(logPos, 14);
    buf.writeUInt16LE(header.flags, 18);
    body.copy(buf, PACKET_EVENT_START + EVENT_HEADER_LENGTH);
    return { buffer: buf, offset: 0, end: buf.length, isEOF: () => false, isError: () => false };
  }

  /** Feeds the pending payload's inner events until it ends or the reader is blocked. */
  drain(): void {
    const p = this.#payload;
    if (this.#draining || !p) return;
    this.#draining = true;
    try {
      while (!this.#hooks.blocked()) {
        const next = p.events.next();
        if (next.done) {
          this.#payload = null;
          break;
        }
        this.#event(next.value.header, next.value.body, p.end, p.deliver, true);
      }
    } catch (err) {
      this.#payload = null;
      this.#hooks.fail(err as Error);
      return;
    } finally {
      this.#draining = false;
    }
    if (!this.#payload) this.#hooks.finished();
  }
}
