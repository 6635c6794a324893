/** FC timer expressions as schedules: `@every` from the start, 6-field cron with seconds in UTC (or CRON_TZ), and the errors for what FC does not read. */
import { describe, expect, it } from 'vitest';
import { parseTimerSchedule, TimerExpressionError } from '../../../../shared/runtime/local/scheduled/timer-schedule.ts';

const start = Date.UTC(2026, 11, 3, 10, 0, 0, 250);
const iso = (ms: number) => new Date(ms).toISOString();

/** The first `n` firings after `from`. */
function firings(expression: string, from: number, n: number): string[] {
  const schedule = parseTimerSchedule(expression, start);
  const out: string[] = [];
  let at = from;
  for (let i = 0; i < n; i++) {
    at = schedule.next(at);
    out.push(iso(at));
  }
  return out;
}

describe('@every', () => {
  it('fires every interval counted from the start, strictly after the given time', () => {
    expect(firings('@every 1m', start, 3)).toEqual(['2026-12-03T10:01:00.250Z', '2026-12-03T10:02:00.250Z', '2026-12-03T10:03:00.250Z']);
    // Asked in the middle of an interval (a late timer), the next firing stays on the grid.
    expect(firings('@every 1m', start + 90_000, 1)).toEqual(['2026-12-03T10:02:00.250Z']);
    expect(firings('@every 2s', start, 2)).toEqual(['2026-12-03T10:00:02.250Z', '2026-12-03T10:00:04.250Z']);
  });

  it('adds hour, minute and second parts', () => {
    expect(firings('@every 1h30m', start, 1)).toEqual(['2026-12-03T11:30:00.250Z']);
    expect(firings('@every 1m30s', start, 2)).toEqual(['2026-12-03T10:01:30.250Z', '2026-12-03T10:03:00.250Z']);
    expect(firings('@every 5m', start, 1)).toEqual(['2026-12-03T10:05:00.250Z']);
  });

  it.each(['@every', '@every 0m', '@every 1d', '@every m', '@every 1.5m', '@every -1m', '@every 1m junk'])('refuses %j', (expression) => {
    expect(() => parseTimerSchedule(expression, start)).toThrow(new TimerExpressionError(`"${expression}" is not @every <n>h|<n>m|<n>s (e.g. @every 1m, @every 1h30m, @every 5s)`));
  });
});

describe('cron with seconds', () => {
  it("reads s.yaml's daily re-baseline in UTC", () => {
    expect(firings('0 0 3 * * *', start, 2)).toEqual(['2026-12-04T03:00:00.000Z', '2026-12-05T03:00:00.000Z']);
  });

  it('reads the seconds field', () => {
    expect(firings('*/20 * * * * *', start, 4)).toEqual(['2026-12-03T10:00:20.000Z', '2026-12-03T10:00:40.000Z', '2026-12-03T10:01:00.000Z', '2026-12-03T10:01:20.000Z']);
    expect(firings('30 15 10 * * *', start, 1)).toEqual(['2026-12-03T10:15:30.000Z']);
  });

  it('is strictly after the given time, whatever the start', () => {
    const schedule = parseTimerSchedule('0 */5 * * * *', 0);
    expect(iso(schedule.next(Date.UTC(2026, 0, 1, 0, 5, 0)))).toBe('2026-01-01T00:10:00.000Z');
    expect(iso(schedule.next(Date.UTC(2026, 0, 1, 0, 4, 59, 999)))).toBe('2026-01-01T00:05:00.000Z');
  });

  it('takes a CRON_TZ prefix', () => {
    // 03:00 in Shanghai (UTC+8) is 19:00 UTC the day before.
    expect(firings('CRON_TZ=Asia/Shanghai 0 0 3 * * *', start, 1)).toEqual(['2026-12-03T19:00:00.000Z']);
  });

  it('refuses five fields (FC cron starts with seconds) and nonsense, saying which forms it reads', () => {
    expect(() => parseTimerSchedule('0 3 * * *', start)).toThrow(
      new TimerExpressionError('"0 3 * * *" has 5 fields; FC\'s cron has 6 (seconds minutes hours day-of-month month day-of-week), e.g. "0 0 3 * * *", or use @every <n>m'),
    );
    expect(() => parseTimerSchedule('0 0 25 * * *', start)).toThrow(/^"0 0 25 \* \* \*" is not a cron expression: /);
  });
});
