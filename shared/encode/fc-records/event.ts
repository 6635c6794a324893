/**
 * The event one invocation carries: `{"Records":[…]}`, records in binlog order, as UTF-8 bytes.
 * Built from already-encoded records so a sink can measure each record once and cut invocations
 * under the payload limit without encoding twice.
 */

const OPEN = '{"Records":[';
const CLOSE = ']}';

/** Bytes of an event besides its records and the commas between them. */
export const EVENT_OVERHEAD_BYTES = Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE);

/** The size of an event holding records of these byte lengths. */
export function eventBytes(recordBytes: readonly number[]): number {
  let total = EVENT_OVERHEAD_BYTES + Math.max(0, recordBytes.length - 1);
  for (const bytes of recordBytes) total += bytes;
  return total;
}

export function fcEvent(records: readonly string[]): Buffer {
  return Buffer.from(`${OPEN}${records.join(',')}${CLOSE}`, 'utf8');
}
