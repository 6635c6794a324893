/**
 * The event one invocation carries: `{"Records":[…]}`, records in binlog order, as UTF-8 bytes.
 * Built from already-encoded records so a sink can measure each record once and cut invocations
 * under the payload limit without encoding twice.
 */

const OPEN = '{"Records":[';
const CLOSE = ']}';

/** Bytes of an event besides its records and the commas between them (the FC sink sizes invocations with it). */
export const EVENT_OVERHEAD_BYTES = Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE);

export function fcEvent(records: readonly string[]): Buffer {
  return Buffer.from(`${OPEN}${records.join(',')}${CLOSE}`, 'utf8');
}
