/**
 * Temporal values as the `Timestamp` and `DateTime` images need them (formats.md §1.3): the parts
 * come from record/temporal-text.ts; DTS's `millis` fields carry microseconds.
 */
import type { DateTimeParts } from '../../../../../shared/record/index.ts';

/** Seconds since the epoch of a UTC date and time; years from 100 (TIMESTAMP holds 1970–2038). */
export function epochSecondsOf(p: DateTimeParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
}
