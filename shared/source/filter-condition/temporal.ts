/**
 * DATE/DATETIME/TIMESTAMP and TIME values in a form that compares correctly.
 * - Date-times become `YYYY-MM-DD HH:MM:SS.ffffff` (a DATE is its midnight, as MySQL compares a DATE
 *   with a DATETIME constant), so plain string order is time order, zero dates included.
 * - TIME becomes signed microseconds (`-838:59:59` … `838:59:59`).
 * TIMESTAMP values travel in UTC (record/types.ts) and the full sync's session runs in UTC
 * (`time_zone = '+00:00'`), so a TIMESTAMP literal in a filter means UTC on both sides.
 */

const DATETIME_LITERAL = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$/;
const COMPACT_LITERAL = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?)?$/;
const TIME_LITERAL = /^(-)?(?:(\d+) )?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?$/;

const pad2 = (s: string | undefined) => (s ?? '0').padStart(2, '0');

/** A column's DATE/DATETIME/TIMESTAMP value (`2024-01-02`, `2024-01-02 03:04:05.12`) in canonical form. */
export function canonicalDateTime(value: string): string {
  const [date, time = '00:00:00'] = value.split(' ');
  const [clock, fraction = ''] = time.split('.');
  return `${date} ${clock}.${fraction.padEnd(6, '0')}`;
}

/** A literal read as a date-time the way MySQL converts a constant compared with a temporal column; undefined if it is not one. */
export function parseDateTimeLiteral(text: string): string | undefined {
  const m = DATETIME_LITERAL.exec(text.trim()) ?? COMPACT_LITERAL.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, f] = m;
  if (Number(mo) > 12 || Number(d) > 31 || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return undefined;
  return `${y}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}.${(f ?? '').padEnd(6, '0')}`;
}

/** A TIME value or literal (`-12:30:00.5`, `1 02:00:00`, `12:30`) as signed microseconds; undefined if it is not one. */
export function parseTime(text: string): number | undefined {
  const m = TIME_LITERAL.exec(text.trim());
  if (!m) return undefined;
  const [, sign, days, h, mi, s, f] = m;
  if (Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const seconds = (Number(days ?? 0) * 24 + Number(h)) * 3600 + Number(mi) * 60 + Number(s ?? 0);
  const micros = seconds * 1_000_000 + Number((f ?? '').padEnd(6, '0'));
  return sign ? -micros : micros;
}
