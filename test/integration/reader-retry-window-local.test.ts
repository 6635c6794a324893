/**
 * The local runner's reader keeps its retry window in the task state, as the FC reader does: with
 * the source's port closed, the window's start and its attempts are stored (and `dts status` lists
 * them), a restart of the runner continues the same streak, and when the window runs out the task
 * is FAILED with DTS_RETRY_WINDOW_EXCEEDED. Run with the reader on its own thread (the default)
 * and on the runner's thread.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskStatus } from '../../shared/runtime/task-state/task-status.ts';
import { readTaskState, type TaskState } from '../../shared/task/index.ts';
import { startTask, taskFor, tempDir, uniqueName, waitFor } from '../helpers/stack.ts';

const fastBackoff = { initialMs: 50, maxMs: 200, factor: 2 };
const CLOSED_PORT = 1;

/** A runner whose reader never becomes ready (the source is unreachable): its `ready` is not awaited. */
function startUnready(...args: Parameters<typeof startTask>): ReturnType<typeof startTask> {
  const running = startTask(...args);
  running.ready.catch(() => {});
  return running;
}

describe.each([
  ['on its own thread', true],
  ['on the runner thread', false],
])('the local reader %s', (_where, readerThread) => {
  it('stores its window, continues it across a restart and fails the task when it runs out', { timeout: 60_000 }, async () => {
    const dir = await tempDir('reader-window');
    const task = taskFor({ database: uniqueName('none'), topic: uniqueName('reader-window'), dir }, {});
    const unreachable = { ...task, source: { ...task.source, port: CLOSED_PORT } };
    const stateFile = join(dir, 'state.json');
    const readerWindow = async (atLeast: number) =>
      waitFor(
        async () => {
          const w = (await readTaskState(stateFile))?.retryWindows?.reader;
          return w && w.attempts >= atLeast ? w : undefined;
        },
        20_000,
        `the reader's window with ${atLeast} attempts`,
      );

    const first = startUnready(unreachable, { windows: { connectionMs: 600_000, otherMs: 60_000 }, backoff: fastBackoff, readerThread });
    const opened = await readerWindow(1);
    expect(opened.lastError!.code).toBe('DTS_SOURCE_CONNECTION');
    const grown = await readerWindow(opened.attempts + 2);
    expect(grown.since).toBe(opened.since);
    const report = await taskStatus(unreachable, process.cwd(), 'test');
    expect(report.retryWindows.map((w) => [w.stage, w.since])).toEqual([['reader', new Date(opened.since).toISOString()]]);
    expect((await first.stop()).status).toBe('STOPPED');
    const stopped = (await readTaskState(stateFile))!;
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.retryWindows!.reader!.since).toBe(opened.since);

    // A restart continues the stored streak: same start, attempts counted on from the last run's.
    const second = startUnready(unreachable, { windows: { connectionMs: 600_000, otherMs: 60_000 }, backoff: fastBackoff, readerThread });
    const before = stopped.retryWindows!.reader!.attempts;
    const continued = await readerWindow(before + 2);
    expect(continued.since).toBe(opened.since);
    expect((await readTaskState(stateFile))!.status).toBe('RUNNING');
    expect((await second.stop()).status).toBe('STOPPED');

    // A window shorter than the time since the streak began has run out at the next failure.
    const spent = Date.now() - opened.since;
    const third = startUnready(unreachable, { windows: { connectionMs: spent, otherMs: 60_000 }, backoff: fastBackoff, readerThread });
    const outcome = await third.outcome;
    expect(outcome.status).toBe('FAILED');
    expect((outcome.error as { code?: string }).code).toBe('DTS_RETRY_WINDOW_EXCEEDED');
    expect(outcome.error!.message).toMatch(/^gave up after retrying for .*failed-connection retry window/);
    const failed = (await readTaskState(stateFile)) as TaskState;
    expect(failed.status).toBe('FAILED');
    expect(failed.reason!.code).toBe('DTS_RETRY_WINDOW_EXCEEDED');
    expect(failed.retryWindows ?? {}).toEqual({});

    // A failed task started again begins with no window (its streak ended the task).
    const fourth = startUnready(unreachable, { windows: { connectionMs: 600_000, otherMs: 60_000 }, backoff: fastBackoff, readerThread });
    const fresh = await readerWindow(1);
    expect(fresh.since).toBeGreaterThan(opened.since + spent);
    expect((await fourth.stop()).status).toBe('STOPPED');
  });
});
