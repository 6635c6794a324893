/**
 * The local twin of the full-sync function's cron timer: at each time the task's
 * `fullSync.schedule` names (6-field cron with seconds, UTC, as FC timers read it), request a
 * re-baseline. A failed request is logged and the schedule goes on.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '../../log.ts';

export function scheduleEvery(cron: string, signal: AbortSignal, log: Logger, run: () => Promise<unknown>): void {
  const expression = CronExpressionParser.parse(cron, { tz: 'UTC' });
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (signal.aborted) return;
    const at = expression.next().getTime();
    // setTimeout holds at most ~24.8 days; re-arm in steps for sparse schedules.
    const wait = Math.min(at - Date.now(), 2 ** 31 - 1);
    timer = setTimeout(() => {
      if (Date.now() + 1000 < at) return arm();
      run().then(
        (result) => log.info('scheduled full sync requested', { cron, result: JSON.stringify(result) }),
        (err: Error) => log.error('scheduled full sync request failed', { cron, error: err.message }),
      );
      arm();
    }, Math.max(0, wait));
    timer.unref();
  };
  signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  arm();
}

