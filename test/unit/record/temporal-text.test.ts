/** Temporal value texts → parts (record/types.ts Value; formats.md §1.3 Timestamp, DateTime). */
import { describe, expect, it } from 'vitest';
import { parseDate, parseDateTime, parseTime } from '../../../shared/record/index.ts';

describe('parseDateTime', () => {
  it.each([
    ['2026-01-02 03:04:05', [2026, 1, 2, 3, 4, 5, 0]],
    ['2026-01-02T03:04:05', [2026, 1, 2, 3, 4, 5, 0]],
    ['2026-01-02 03:04:05.1', [2026, 1, 2, 3, 4, 5, 100000]],
    ['2026-01-02 03:04:05.120', [2026, 1, 2, 3, 4, 5, 120000]],
    ['2026-01-02 03:04:05.000001', [2026, 1, 2, 3, 4, 5, 1]],
    ['0000-00-00 00:00:00.000000', [0, 0, 0, 0, 0, 0, 0]],
  ])('%s', (text, [year, month, day, hour, minute, second, micros]) => {
    expect(parseDateTime(text)).toEqual({ year, month, day, hour, minute, second, micros });
  });

  it.each(['', '2026-01-02', '2026-01-02 03:04', '2026-01-02 03:04:05.', '2026-01-02 03:04:05.1234567', '2026/01/02 03:04:05', '2026-01-02 03:04:5x', '2026-1-02 03:04:05', ' 2026-01-02 03:04:05'])(
    '%j is rejected',
    (text) => expect(parseDateTime(text)).toBeUndefined(),
  );
});

describe('parseDate', () => {
  it('reads y-m-d, zero dates too', () => {
    expect(parseDate('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
    expect(parseDate('0000-00-00')).toEqual({ year: 0, month: 0, day: 0 });
  });
  it.each(['2026-1-2', '2026-01-02 ', '20260102', 'abcd-ef-gh'])('%j is rejected', (text) => expect(parseDate(text)).toBeUndefined());
});

describe('parseTime', () => {
  it.each([
    ['00:00:00', false, 0, 0, 0, 0],
    ['12:34:56', false, 12, 34, 56, 0],
    ['838:59:59', false, 838, 59, 59, 0],
    ['-838:59:59.000000', true, 838, 59, 59, 0],
    ['-00:00:01.5', true, 0, 0, 1, 500000],
    ['1:02:03.000123', false, 1, 2, 3, 123],
  ])('%s', (text, negative, hour, minute, second, micros) => {
    expect(parseTime(text)).toEqual({ negative, hour, minute, second, micros });
  });

  it.each(['', '12:34', '1234:00:00', '12:34:56.', '12:34:56.1234567', '-', '--1:00:00', '12:3:456', 'ab:cd:ef'])('%j is rejected', (text) => expect(parseTime(text)).toBeUndefined());
});
