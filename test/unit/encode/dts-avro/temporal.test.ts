/** Temporal parts → the numbers DTS Avro's images carry (formats.md §1.3 Timestamp). */
import { describe, expect, it } from 'vitest';
import { epochSecondsOf } from '../../../../shared/encode/dts-avro/temporal.ts';

describe('epochSecondsOf', () => {
  it('reads the parts as UTC', () => {
    expect(epochSecondsOf({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 1, micros: 0 })).toBe(1);
    expect(epochSecondsOf({ year: 2038, month: 1, day: 19, hour: 3, minute: 14, second: 7, micros: 999999 })).toBe(2147483647);
    expect(epochSecondsOf({ year: 2024, month: 2, day: 29, hour: 12, minute: 0, second: 0, micros: 0 })).toBe(1709208000);
  });
});
