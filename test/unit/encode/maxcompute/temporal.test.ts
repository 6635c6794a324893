/** Temporal value texts → MaxCompute DATE (epoch days), DATETIME (epoch ms), TIMESTAMP (s + ns); zero dates → null. */
import { describe, expect, it } from 'vitest';
import { epochDayOf, epochDaysOfDate, epochMillisOf, timestampOf } from '../../../../shared/encode/maxcompute/temporal.ts';

describe('epochDayOf (proleptic Gregorian)', () => {
  it.each([
    [1970, 1, 1, 0],
    [1969, 12, 31, -1],
    [2000, 2, 29, 11016],
    [2000, 3, 1, 11017],
    [2026, 1, 9, 20462],
    [1, 1, 1, -719162], // not 1901: Date.UTC would misread year 1
    [1582, 10, 4, -141438], // before the Gregorian switch: still proleptic (java.time), not Julian
    [1582, 10, 15, -141427],
    [9999, 12, 31, 2932896],
  ])('%i-%i-%i → %i', (y, m, d, days) => expect(epochDayOf(y, m, d)).toBe(days));

  it('agrees with Date.UTC day by day across leap years and centuries', () => {
    for (let day = Date.UTC(1896, 0, 1); day < Date.UTC(2404, 0, 1); day += 86_400_000 * 7) {
      const date = new Date(day);
      expect(epochDayOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(day / 86_400_000);
    }
  });
});

describe('epochDaysOfDate', () => {
  it.each([
    ['1970-01-01', 0],
    ['2024-02-29', 19782],
    ['1000-01-01', -354285],
    ['9999-12-31', 2932896],
  ])('%s → %i', (text, days) => expect(epochDaysOfDate(text)).toBe(days));

  it.each(['0000-00-00', '2024-00-10', '2024-01-00', '0000-01-01', '2023-02-29', '2024-04-31'])('%s (zero or impossible) → null', (text) => expect(epochDaysOfDate(text)).toBeNull());

  it.each(['', '2024-1-01', '2024/01/01', '2024-13-01', '2024-01-32', '20240101xx', '2024-01-01 '])('%j (malformed) → undefined', (text) => expect(epochDaysOfDate(text)).toBeUndefined());
});

describe('epochMillisOf (DATETIME, fsp ≤ 3; TIMESTAMP texts are UTC already)', () => {
  it.each([
    ['1970-01-01 00:00:00', 0],
    ['2026-01-02 03:04:05', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2026-01-02T03:04:05', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['2038-01-19 03:14:07.999', 2_147_483_647_999],
    ['2026-01-02 03:04:05.1', Date.UTC(2026, 0, 2, 3, 4, 5, 100)],
    ['2026-01-02 03:04:05.12', Date.UTC(2026, 0, 2, 3, 4, 5, 120)],
    ['1969-12-31 23:59:59.999', -1],
    ['1000-01-01 00:00:00', -30_610_224_000_000],
    ['0001-01-01 00:00:00', -62_135_596_800_000],
    ['9999-12-31 23:59:59.999', 253_402_300_799_999],
  ])('%s → %i', (text, ms) => expect(epochMillisOf(text)).toBe(ms));

  it.each(['0000-00-00 00:00:00', '0000-00-00 00:00:00.000', '2024-00-10 10:00:00', '2024-02-30 00:00:00'])('%s → null', (text) => expect(epochMillisOf(text)).toBeNull());

  it.each(['2026-01-02', '2026-01-02 03:04', '2026-01-02 03:04:05.', '2026-01-02 03:04:05.1234567', '2026-01-02 24:00:00', '2026-01-02 03:60:00', '2026-01-02 03:04:5x'])('%j → undefined', (text) =>
    expect(epochMillisOf(text)).toBeUndefined(),
  );
});

describe('timestampOf (fsp > 3: exact microseconds)', () => {
  it.each([
    ['9999-12-31 23:59:59.999999', 253_402_300_799n, 999_999_000],
    ['2026-01-02 03:04:05.000001', BigInt(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000), 1000],
    ['2026-01-02 03:04:05.1234', BigInt(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000), 123_400_000],
    ['1969-12-31 23:59:59.500000', -1n, 500_000_000],
    ['0001-01-01 00:00:00.000000', -62_135_596_800n, 0],
    ['1970-01-01 00:00:00', 0n, 0],
  ])('%s → %s s + %i ns', (text, seconds, nanos) => expect(timestampOf(text)).toEqual({ seconds, nanos }));

  it('zero dates → null, malformed → undefined', () => {
    expect(timestampOf('0000-00-00 00:00:00.000000')).toBeNull();
    expect(timestampOf('2024-01-00 10:00:00.000001')).toBeNull();
    expect(timestampOf('2024-01-01 10:00')).toBeUndefined();
  });
});
