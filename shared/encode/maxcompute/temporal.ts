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
 * Read digit by digit, without a regular expression or a Date object: these run once per
 * temporal cell. The parse leaves its result in module variables (no object per value).
 */
import type { OdpsTimestamp } from './types.ts';

const MS_PER_DAY = 86_400_000;

let days = 0;
let secondOfDay = 0;
let micros = 0;

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
  if (text.length !== 10) return undefined;
  const status = parseDate(text);
  return status === OK ? days : status === ZERO ? null : undefined;
}

/**
 * `YYYY-MM-DD hh:mm:ss[.f…]` → milliseconds since the epoch, for columns of fsp ≤ 3 (a fourth
 * digit would be dropped; columns with more use `timestampOf`).
 */
export function epochMillisOf(text: string): number | null | undefined {
  const status = parseDateTime(text);
  if (status !== OK) return status === ZERO ? null : undefined;
  return days * MS_PER_DAY + secondOfDay * 1000 + Math.floor(micros / 1000);
}

/** `YYYY-MM-DD hh:mm:ss[.f…]` → epoch seconds and nanoseconds, exact to the microsecond. */
export function timestampOf(text: string): OdpsTimestamp | null | undefined {
  const status = parseDateTime(text);
  if (status !== OK) return status === ZERO ? null : undefined;
  return { seconds: BigInt(days * 86_400 + secondOfDay), nanos: micros * 1000 };
}

const OK = 0;
const ZERO = 1;
const MALFORMED = 2;

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const SPACE = 0x20;
const T = 0x54;

function parseDate(text: string): number {
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return MALFORMED;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < 0 || month < 0 || day < 0 || month > 12 || day > 31) return MALFORMED;
  if (year === 0 || month === 0 || day === 0 || day > daysInMonth(year, month)) return ZERO;
  days = epochDayOf(year, month, day);
  return OK;
}

function parseDateTime(text: string): number {
  const length = text.length;
  if (length < 19 || length === 20 || length > 26) return MALFORMED;
  const sep = text.charCodeAt(10);
  if ((sep !== SPACE && sep !== T) || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return MALFORMED;
  if (length > 19 && text.charCodeAt(19) !== DOT) return MALFORMED;
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return MALFORMED;
  let fraction = 0;
  if (length > 20) {
    fraction = digits(text, 20, length);
    if (fraction < 0) return MALFORMED;
    fraction *= SCALE[length - 20]!;
  }
  const status = parseDate(text);
  if (status !== OK) return status;
  secondOfDay = hour * 3600 + minute * 60 + second;
  micros = fraction;
  return OK;
}

/** Microseconds per unit of an n-digit fraction (index n). */
const SCALE = [0, 100_000, 10_000, 1000, 100, 10, 1];

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The decimal number in text[start, end), or -1 when a character there is not a digit. */
function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
