/**
 * The temporal value texts of record/types.ts (`YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss[.f…]`, TIMESTAMP
 * already in UTC) → the numbers MaxCompute's DATE, DATETIME and TIMESTAMP cells carry
 * (specs/maxcompute.md §3.7): epoch days, epoch milliseconds, epoch seconds + nanoseconds.
 *
 * Dates are proleptic Gregorian (what java.time and MaxCompute's DATE use), so year 1 is
 * 0001-01-01 and not 1901 as `Date.UTC` would make it. A DATETIME wall clock is read as UTC.
 * MySQL's zero date and dates with a zero part (`0000-00-00`, `2024-00-10`, `2024-01-00`), and
 * the impossible ones ALLOW_INVALID_DATES admits (`2024-02-30`), have no MaxCompute value: they
 * give `null` (the cell is written as NULL). A text not in these forms gives `undefined`, which the
 * caller reports as a bug, since the source produced it.
 *
 * The texts are read by record/temporal-text.ts; this file adds what MaxCompute's values need:
 * the calendar checks and the proleptic Gregorian day number (no Date object).
 */
import { parseDate, parseDateTime, type DateParts } from '../../record/index.ts';
import type { OdpsTimestamp } from './types.ts';

const MS_PER_DAY = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `YYYY-MM-DD` → days since the epoch; null for a zero or impossible date; undefined when malformed. */
export function epochDaysOfDate(text: string): number | null | undefined {
  const date = parseDate(text);
  return date && dayNumberOf(date);
}

/**
 * `YYYY-MM-DD hh:mm:ss[.f…]` → milliseconds since the epoch, for columns of fsp ≤ 3 (a fourth
 * digit would be dropped; columns with more use `timestampOf`).
 */
export function epochMillisOf(text: string): number | null | undefined {
  const t = parseDateTime(text);
  if (!t || !isTimeOfDay(t.hour, t.minute, t.second)) return undefined;
  const days = dayNumberOf(t);
  if (days == null) return days;
  return days * MS_PER_DAY + (t.hour * 3600 + t.minute * 60 + t.second) * 1000 + Math.floor(t.micros / 1000);
}

/** `YYYY-MM-DD hh:mm:ss[.f…]` → epoch seconds and nanoseconds, exact to the microsecond. */
export function timestampOf(text: string): OdpsTimestamp | null | undefined {
  const t = parseDateTime(text);
  if (!t || !isTimeOfDay(t.hour, t.minute, t.second)) return undefined;
  const days = dayNumberOf(t);
  if (days == null) return days;
  return { seconds: BigInt(days * 86_400 + t.hour * 3600 + t.minute * 60 + t.second), nanos: t.micros * 1000 };
}

/** The epoch day of a date; null for MySQL's zero and impossible dates; undefined past month 12 or day 31. */
function dayNumberOf({ year, month, day }: DateParts): number | null | undefined {
  if (month > 12 || day > 31) return undefined;
  if (year === 0 || month === 0 || day === 0 || day > daysInMonth(year, month)) return null;
  return epochDayOf(year, month, day);
}

function isTimeOfDay(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
