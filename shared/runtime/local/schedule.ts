/**
 * The local twins of the FC timers:
 * - the full-sync function's cron: at each time the task's `fullSync.schedule` names (6-field cron
 *   with seconds, UTC, as FC timers read it), request a re-baseline;
 * - the heartbeat function's timer: every `advanced.heartbeat.intervalSeconds`, write the
 *   heartbeat row into the source.
 * A failed run is logged and the schedule goes on.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '../../log.ts';
import { beat, heartbeatOf } from '../../source/heartbeat/index.ts';
import type { Task } from '../../task/index.ts';
import { readerOptions } from '../compose.ts';

export function scheduleEvery(cron: string, signal: AbortSignal, log: Logger, run: () => Promise<unknown>): void {
  const expression = CronExpressionParser.parse(cron, { tz: 'UTC' });
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (signal.aborted) return;
    const at = expression.next().getTime();
    // setTimeout holds at most ~24.8 days; re-arm in steps for sparse schedules.
    const wait = Math.min(at - Date.now(), 2 ** 31 - 1);
    timer = setTimeout(
      () => {
        if (Date.now() + 1000 < at) return arm();
        run().then(
          (result) => log.info('scheduled full sync requested', { cron, result: JSON.stringify(result) }),
          (err: Error) => log.error('scheduled full sync request failed', { cron, error: err.message }),
        );
        arm();
      },
      Math.max(0, wait),
    );
    timer.unref();
  };
  signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  arm();
}

/**
 * Writes the task's heartbeat every interval until `signal` aborts (nothing when it is off). One
 * beat at a time: a slow source delays the next beat instead of stacking connections. A failure
 * (missing privilege, source down) is logged once per distinct message, and the beats go on.
 */
export function scheduleHeartbeat(task: Task, origin: string, signal: AbortSignal, log: Logger): void {
  const heartbeat = heartbeatOf(task);
  if (!heartbeat) return;
  const { endpoint } = readerOptions(task, origin);
  let lastError = '';
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    if (signal.aborted) return;
    try {
      await beat(endpoint, heartbeat.table, task.name);
      lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastError) log.error('heartbeat failed', { error: message, code: (err as { code?: string }).code });
      lastError = message;
    }
    if (signal.aborted) return;
    timer = setTimeout(() => void run(), heartbeat.intervalMs);
    timer.unref();
  };
  signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  void run();
}
