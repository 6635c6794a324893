/**
 * An FC timer trigger's `cronExpression` as a schedule: `@every <duration>` (h, m, s parts, e.g.
 * `@every 1m`, `@every 1h30m`; FC's minimum is one minute, seconds are accepted here for local
 * runs and tests), or six cron fields with seconds first (`0 0 3 * * *`), in UTC unless prefixed
 * with `CRON_TZ=<zone> ` (specs/function-compute.md §1.2). Pure: the caller keeps the clock.
 */
import { CronExpressionParser } from 'cron-parser';

export interface TimerSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** The first firing strictly after `afterMs` (epoch ms); an @every schedule counts from `startMs`. */
  next(afterMs: number): number;
}

const EVERY = /^@every\s+((?:[1-9][0-9]*h)?(?:[0-9]+m)?(?:[0-9]+s)?)$/;
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Why an expression is not a schedule FC (or this runner) reads, with the forms that are. */
export class TimerExpressionError extends Error {}

function everyMs(duration: string): number {
  let ms = 0;
  for (const [, n, unit] of duration.matchAll(/([0-9]+)([hms])/g)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms;
}

/** `startMs` anchors an @every schedule (FC: the trigger's creation); cron schedules ignore it. */
export function parseTimerSchedule(expression: string, startMs: number): TimerSchedule {
  const text = expression.trim();
  if (text.startsWith('@every')) {
    const m = EVERY.exec(text);
    const interval = m && m[1] !== '' ? everyMs(m[1]!) : 0;
    if (interval <= 0) throw new TimerExpressionError(`"${expression}" is not @every <n>h|<n>m|<n>s (e.g. @every 1m, @every 1h30m, @every 5s)`);
    return { expression, next: (afterMs) => startMs + (Math.floor((afterMs - startMs) / interval) + 1) * interval };
  }
  const m = /^(?:CRON_TZ=(\S+)\s+)?(.*)$/.exec(text)!;
  const fields = m[2]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new TimerExpressionError(`"${expression}" has ${fields.length} fields; FC's cron has 6 (seconds minutes hours day-of-month month day-of-week), e.g. "0 0 3 * * *", or use @every <n>m`);
  }
  const tz = m[1] ?? 'UTC';
  try {
    CronExpressionParser.parse(m[2]!, { tz }).next();
  } catch (err) {
    throw new TimerExpressionError(`"${expression}" is not a cron expression: ${(err as Error).message}`);
  }
  return {
    expression,
    next: (afterMs) =>
      CronExpressionParser.parse(m[2]!, { tz, currentDate: new Date(afterMs) })
        .next()
        .getTime(),
  };
}
