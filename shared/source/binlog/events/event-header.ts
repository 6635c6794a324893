/**
 * The v4 binlog event header, and walking a run of whole events (a binlog file after its magic, or
 * the inner events of a TRANSACTION_PAYLOAD). Layout (19 bytes, little-endian):
 *   0  timestamp   u32   seconds since the epoch
 *   4  type        u8    event type code (39 PARTIAL_UPDATE_ROWS, 40 TRANSACTION_PAYLOAD, ...)
 *   5  server_id   u32
 *   9  event_size  u32   header + body (+ 4-byte CRC32 when the file's checksum is CRC32)
 *  13  log_pos     u32   end position in the file; 0 for events inside a TRANSACTION_PAYLOAD
 *  17  flags       u16
 */
import { ByteCursor } from './byte-cursor.ts';
import { MalformedEventError } from './event-errors.ts';

export const EVENT_HEADER_LENGTH = 19;
export const BINLOG_MAGIC = Buffer.from([0xfe, 0x62, 0x69, 0x6e]);

export const EventType = {
  QUERY: 2,
  ROTATE: 4,
  FORMAT_DESCRIPTION: 15,
  XID: 16,
  TABLE_MAP: 19,
  WRITE_ROWS_V2: 30,
  UPDATE_ROWS_V2: 31,
  DELETE_ROWS_V2: 32,
  GTID: 33,
  ANONYMOUS_GTID: 34,
  PREVIOUS_GTIDS: 35,
  PARTIAL_UPDATE_ROWS: 39,
  TRANSACTION_PAYLOAD: 40,
} as const;

export interface EventHeader {
  readonly timestamp: number;
  readonly type: number;
  readonly serverId: number;
  readonly eventSize: number;
  readonly logPos: number;
  readonly flags: number;
}

/** One whole event: its header and the body bytes (checksum excluded). */
export interface RawEvent {
  readonly header: EventHeader;
  readonly body: Buffer;
}

export function readEventHeader(buf: Buffer, at = 0): EventHeader {
  const c = new ByteCursor(buf, at);
  return { timestamp: c.u32('timestamp'), type: c.u8('type'), serverId: c.u32('server_id'), eventSize: c.u32('event_size'), logPos: c.u32('log_pos'), flags: c.u16('flags') };
}

/**
 * The events in `buf` from `start`, one at a time. `checksumLength` is 4 for CRC32 files and 0 for
 * NONE and for the inner events of a payload (which carry no checksum of their own).
 */
export function* splitEvents(buf: Buffer, checksumLength: number, start = 0): Generator<RawEvent> {
  let at = start;
  while (at < buf.length) {
    if (buf.length - at < EVENT_HEADER_LENGTH) throw new MalformedEventError(`Binlog has ${buf.length - at} trailing bytes at offset ${at}, fewer than an event header`);
    const header = readEventHeader(buf, at);
    if (header.eventSize < EVENT_HEADER_LENGTH + checksumLength || at + header.eventSize > buf.length) {
      throw new MalformedEventError(`Binlog event at offset ${at} declares size ${header.eventSize}, which does not fit the ${buf.length - at} bytes left`);
    }
    yield { header, body: buf.subarray(at + EVENT_HEADER_LENGTH, at + header.eventSize - checksumLength) };
    at += header.eventSize;
  }
}

/**
 * The events of a whole binlog file (magic, then events). The checksum setting is read from the
 * FORMAT_DESCRIPTION event: its last 5 bytes are the algorithm (0 NONE, 1 CRC32) and the CRC.
 */
export function* binlogFileEvents(file: Buffer): Generator<RawEvent> {
  if (file.length < 4 || !file.subarray(0, 4).equals(BINLOG_MAGIC)) throw new MalformedEventError('Not a binlog file: the first 4 bytes are not the binlog magic fe 62 69 6e');
  const fde = readEventHeader(file, 4);
  if (fde.type !== EventType.FORMAT_DESCRIPTION) throw new MalformedEventError(`Binlog file starts with event type ${fde.type}, not a FORMAT_DESCRIPTION (15)`);
  const algorithm = file[4 + fde.eventSize - 5];
  const checksumLength = algorithm === 1 ? 4 : 0;
  yield* splitEvents(file, checksumLength, 4);
}
