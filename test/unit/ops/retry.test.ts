import { afterEach, describe, expect, it, vi } from 'vitest';
import { DtsError, ErrorCodes } from '../../../shared/errors.ts';
import type { LogFields, Logger } from '../../../shared/log.ts';
import { RetryWindowExceededError } from '../../../shared/ops/errors.ts';
import { backoffDelay, classifyFailure, isInsideRetryWindow, RetryWindow, sleep, windowsFromMinutes, type FailureKind } from '../../../shared/ops/retry.ts';
import { supervise } from '../../../shared/ops/supervise.ts';
import { SinkConnectionError, SinkWriteError } from '../../../shared/sink/errors.ts';
import { SourceConnectionError, UnsupportedEventError } from '../../../shared/source/errors.ts';

const MINUTE = 60_000;

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:3306`), { code, errno: -111, syscall: 'connect' });
}

describe('classifyFailure', () => {
  it.each<{ name: string; err: unknown; kind: FailureKind }>([
    { name: 'DtsError SOURCE_CONNECTION', err: new DtsError('x', { code: ErrorCodes.SOURCE_CONNECTION, retriable: true }), kind: 'connection' },
    { name: 'DtsError SINK_CONNECTION', err: new DtsError('x', { code: ErrorCodes.SINK_CONNECTION, retriable: true }), kind: 'connection' },
    { name: 'DtsError SINK_WRITE', err: new DtsError('x', { code: ErrorCodes.SINK_WRITE, retriable: true }), kind: 'other' },
    { name: 'DtsError QUEUE_IO', err: new DtsError('x', { code: ErrorCodes.QUEUE_IO, retriable: true }), kind: 'other' },
    { name: 'DtsError SOURCE_CONNECTION, retriable:false', err: new DtsError('x', { code: ErrorCodes.SOURCE_CONNECTION, retriable: false }), kind: 'fatal' },
    { name: 'DtsError SINK_WRITE, retriable:false', err: new DtsError('x', { code: ErrorCodes.SINK_WRITE, retriable: false }), kind: 'fatal' },
    { name: 'DtsError without retriable', err: new DtsError('x', { code: ErrorCodes.SINK_CONNECTION }), kind: 'fatal' },
    { name: 'SourceConnectionError', err: new SourceConnectionError('down'), kind: 'connection' },
    { name: 'SinkConnectionError', err: new SinkConnectionError('down'), kind: 'connection' },
    { name: 'SinkConnectionError, not retriable (bad credentials)', err: new SinkConnectionError('auth', {}, undefined, false), kind: 'fatal' },
    { name: 'SinkWriteError', err: new SinkWriteError('rejected'), kind: 'other' },
    { name: 'UnsupportedEventError', err: new UnsupportedEventError('?'), kind: 'fatal' },
    { name: 'TypeError', err: new TypeError('x is undefined'), kind: 'fatal' },
    { name: 'RangeError', err: new RangeError('out of range'), kind: 'fatal' },
    { name: 'ECONNREFUSED', err: errno('ECONNREFUSED'), kind: 'connection' },
    { name: 'ECONNRESET', err: errno('ECONNRESET'), kind: 'connection' },
    { name: 'ETIMEDOUT', err: errno('ETIMEDOUT'), kind: 'connection' },
    { name: 'mysql2 PROTOCOL_CONNECTION_LOST', err: errno('PROTOCOL_CONNECTION_LOST'), kind: 'connection' },
    { name: 'ENOSPC', err: errno('ENOSPC'), kind: 'other' },
    { name: 'a code that only contains a connection code', err: errno('XECONNREFUSED'), kind: 'other' },
    { name: 'plain Error', err: new Error('something'), kind: 'other' },
    { name: 'plain Error saying ECONNREFUSED (text is never parsed)', err: new Error('connect ECONNREFUSED'), kind: 'other' },
    { name: 'a string', err: 'boom', kind: 'other' },
    { name: 'undefined', err: undefined, kind: 'other' },
  ])('$name → $kind', ({ err, kind }) => {
    expect(classifyFailure(err)).toBe(kind);
  });
});

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1000, factor: 2 };
  it.each([
    { attempt: 1, random: 0, delay: 50 },
    { attempt: 1, random: 1, delay: 100 },
    { attempt: 1, random: 0.5, delay: 75 },
    { attempt: 2, random: 0, delay: 100 },
    { attempt: 2, random: 1, delay: 200 },
    { attempt: 3, random: 1, delay: 400 },
    { attempt: 4, random: 1, delay: 800 },
    { attempt: 5, random: 1, delay: 1000 }, // capped at maxMs
    { attempt: 5, random: 0, delay: 500 },
    { attempt: 50, random: 0.999, delay: 1000 },
    { attempt: 0, random: 1, delay: 100 }, // attempts below 1 use the initial delay
  ])('attempt $attempt, random $random → $delay ms', ({ attempt, random, delay }) => {
    expect(backoffDelay(attempt, options, () => random)).toBe(delay);
  });

  it('stays within [ceiling/2, ceiling] for any random value', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.33, 0.5, 0.77, 0.9999]) {
        const d = backoffDelay(attempt, options, () => r);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('defaults to 500 ms growing to 30 s', () => {
    expect(backoffDelay(1, undefined, () => 1)).toBe(500);
    expect(backoffDelay(30, undefined, () => 1)).toBe(30_000);
  });
});

describe('isInsideRetryWindow and windowsFromMinutes', () => {
  it.each([
    { first: 0, now: 0, window: 10, inside: true },
    { first: 0, now: 9, window: 10, inside: true },
    { first: 0, now: 10, window: 10, inside: false },
    { first: 100, now: 150, window: 10, inside: false },
  ])('first $first, now $now, window $window → $inside', ({ first, now, window, inside }) => {
    expect(isInsideRetryWindow(first, now, window)).toBe(inside);
  });

  it('converts the task minutes', () => {
    expect(windowsFromMinutes({ retryConnectionMinutes: 720, retryOtherMinutes: 10 })).toEqual({ connectionMs: 720 * MINUTE, otherMs: 10 * MINUTE });
  });
});

describe('RetryWindow', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Delay always 1 s (maxMs = initialMs), whatever the random draw: the tests below only move the clock.
  const flat = { initialMs: 1000, maxMs: 1000, factor: 2 };
  const windows = { connectionMs: 720 * MINUTE, otherMs: 10 * MINUTE };

  function clock(start = 1_000_000) {
    let t = start;
    return { now: () => t, set: (ms: number) => (t = start + ms) };
  }

  it('retries inside the window with the backoff delay, counting attempts', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const c = clock();
    const w = new RetryWindow(windows, { initialMs: 100, maxMs: 10_000, factor: 3 }, c.now);
    expect(w.failed(new Error('a'))).toEqual({ retry: true, delayMs: 100 });
    expect(w.failed(new Error('b'))).toEqual({ retry: true, delayMs: 300 });
    expect(w.failed(new Error('c'))).toEqual({ retry: true, delayMs: 900 });
    expect(w.attempts).toBe(3);
  });

  it('gives up once now + delay passes the window, with a RetryWindowExceededError that says why', () => {
    const c = clock();
    const w = new RetryWindow(windows, flat, c.now);
    const cause = new SinkWriteError('Kafka rejected the write to dts (KafkaJSError: boom)');
    expect(w.failed(cause).retry).toBe(true);
    c.set(8 * MINUTE);
    expect(w.failed(cause).retry).toBe(true);
    c.set(10 * MINUTE - 1001); // + at most 1000 ms delay: still inside
    expect(w.failed(cause).retry).toBe(true);
    c.set(10 * MINUTE - 500); // + at least 500 ms delay: at the edge, outside
    const decision = w.failed(cause);
    expect(decision.retry).toBe(false);
    if (decision.retry) return;
    const err = decision.error;
    expect(err).toBeInstanceOf(RetryWindowExceededError);
    const e = err as RetryWindowExceededError;
    expect(e.code).toBe(ErrorCodes.RETRY_WINDOW_EXCEEDED);
    expect(e.retriable).toBe(false);
    expect(e.attempts).toBe(4);
    expect(e.firstFailureAt).toBe(1_000_000);
    expect(e.cause).toBe(cause);
    expect(e.context).toEqual({ window: 'other', attempts: 4 });
    expect(e.message).toContain('10 minutes');
    expect(e.message).toContain('4 attempts');
    expect(e.message).toContain('other-issues');
    expect(e.message).toContain('Kafka rejected the write to dts (KafkaJSError: boom)');
  });

  it('uses the connection window for connection failures and the other window otherwise', () => {
    const c = clock();
    const connection = new RetryWindow(windows, flat, c.now);
    const other = new RetryWindow(windows, flat, c.now);
    connection.failed(errno('ECONNREFUSED'));
    other.failed(new Error('disk'));
    c.set(30 * MINUTE);
    expect(connection.failed(errno('ECONNREFUSED')).retry).toBe(true); // 30 min < 720 min
    const gaveUp = other.failed(new Error('disk'));
    expect(gaveUp.retry).toBe(false); // 30 min > 10 min
    c.set(720 * MINUTE);
    const last = connection.failed(new SourceConnectionError('binlog connection to db:3306 failed: ECONNREFUSED'));
    expect(last.retry).toBe(false);
    if (last.retry) return;
    expect(last.error.message).toContain('720 minutes');
    expect(last.error.message).toContain('failed-connection');
    expect(last.error.message).toContain('binlog connection to db:3306 failed');
    expect((last.error as RetryWindowExceededError).context.window).toBe('connection');
  });

  it('says "1 minute" for a one-minute window', () => {
    const c = clock();
    const w = new RetryWindow({ connectionMs: 10 * MINUTE, otherMs: MINUTE }, flat, c.now);
    w.failed(new Error('x'));
    c.set(MINUTE);
    const d = w.failed(new Error('x'));
    expect(d.retry).toBe(false);
    if (!d.retry) expect(d.error.message).toMatch(/after retrying for 1 minute \(2 attempts/);
  });

  it('succeeded() ends the streak: the window and the attempts start over', () => {
    const c = clock();
    const w = new RetryWindow(windows, flat, c.now);
    w.failed(new Error('x'));
    c.set(9 * MINUTE);
    w.failed(new Error('x'));
    expect(w.attempts).toBe(2);
    w.succeeded();
    expect(w.attempts).toBe(0);
    c.set(15 * MINUTE); // 15 min after the first failure, but a new streak
    expect(w.failed(new Error('x')).retry).toBe(true);
    expect(w.attempts).toBe(1);
    c.set(24 * MINUTE);
    expect(w.failed(new Error('x')).retry).toBe(true);
    c.set(25 * MINUTE);
    expect(w.failed(new Error('x')).retry).toBe(false);
  });

  it('returns fatal errors at once, without counting an attempt', () => {
    const w = new RetryWindow(windows, flat, () => 0);
    const bug = new TypeError('cannot read properties of undefined');
    expect(w.failed(bug)).toEqual({ retry: false, error: bug });
    expect(w.attempts).toBe(0);
    const unsupported = w.failed(new UnsupportedEventError('TransactionPayload event'));
    expect(unsupported.retry).toBe(false);
  });
});

describe('sleep', () => {
  it('resolves true after the delay, false at once when aborted', async () => {
    expect(await sleep(1)).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    expect(await sleep(60_000, aborted.signal)).toBe(false);
  });
});

describe('supervise', () => {
  const tiny = { initialMs: 1, maxMs: 2, factor: 2 };

  function recordingLogger(): Logger & { warnings: { message: string; fields: LogFields | undefined }[] } {
    const warnings: { message: string; fields: LogFields | undefined }[] = [];
    const log: Logger & { warnings: typeof warnings } = {
      warnings,
      debug() {},
      info() {},
      warn(message, fields) {
        warnings.push({ message, fields });
      },
      error() {},
      child: () => log,
    };
    return log;
  }

  it('calls run again after each retriable failure until it succeeds', async () => {
    const log = recordingLogger();
    let calls = 0;
    await supervise(
      async () => {
        calls += 1;
        if (calls <= 3) throw new SinkWriteError(`attempt ${calls} failed`);
      },
      { windows: { connectionMs: 60_000, otherMs: 60_000 }, signal: new AbortController().signal, log, backoff: tiny },
    );
    expect(calls).toBe(4);
    expect(log.warnings.map((w) => [w.message, w.fields?.error, w.fields?.attempt])).toEqual([
      ['retrying after failure', 'attempt 1 failed', 1],
      ['retrying after failure', 'attempt 2 failed', 2],
      ['retrying after failure', 'attempt 3 failed', 3],
    ]);
    for (const w of log.warnings) expect(w.fields?.delayMs).toBeLessThanOrEqual(2);
  });

  it('progress() ends the streak, so attempts count from 1 again', async () => {
    const log = recordingLogger();
    let calls = 0;
    await supervise(
      async (progress) => {
        calls += 1;
        if (calls === 3) progress();
        if (calls <= 4) throw new Error(`fail ${calls}`);
      },
      { windows: { connectionMs: 60_000, otherMs: 60_000 }, signal: new AbortController().signal, log, backoff: tiny },
    );
    expect(log.warnings.map((w) => w.fields?.attempt)).toEqual([1, 2, 1, 2]);
  });

  it('rethrows a fatal error at once', async () => {
    const log = recordingLogger();
    const bug = new TypeError('x is not a function');
    let calls = 0;
    const run = async () => {
      calls += 1;
      throw bug;
    };
    await expect(supervise(run, { windows: { connectionMs: 60_000, otherMs: 60_000 }, signal: new AbortController().signal, log, backoff: tiny })).rejects.toBe(bug);
    expect(calls).toBe(1);
    expect(log.warnings).toHaveLength(0);
  });

  it('gives up with RetryWindowExceededError once the window has passed', async () => {
    const log = recordingLogger();
    let calls = 0;
    const started = Date.now();
    const run = async () => {
      calls += 1;
      throw errno('ECONNREFUSED');
    };
    const failure = supervise(run, { windows: { connectionMs: 30, otherMs: 5 }, signal: new AbortController().signal, log, backoff: tiny });
    await expect(failure).rejects.toBeInstanceOf(RetryWindowExceededError);
    const err = (await failure.catch((e: unknown) => e)) as RetryWindowExceededError;
    expect(Date.now() - started).toBeGreaterThanOrEqual(25); // the 30 ms connection window, not the 5 ms one
    expect(calls).toBeGreaterThan(2);
    expect(err.attempts).toBe(calls);
    expect(err.context.window).toBe('connection');
    expect(err.message).toContain('connect ECONNREFUSED 127.0.0.1:3306');
    expect(log.warnings).toHaveLength(calls - 1);
  });

  it('returns (without rejecting) when the signal aborts during a sleep', async () => {
    const log = recordingLogger();
    const controller = new AbortController();
    let calls = 0;
    const run = async () => {
      calls += 1;
      setTimeout(() => controller.abort(), 10);
      throw new SinkWriteError('try later');
    };
    const started = Date.now();
    await expect(
      supervise(run, { windows: { connectionMs: 600_000, otherMs: 600_000 }, signal: controller.signal, log, backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 } }),
    ).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls).toBe(1);
    expect(log.warnings).toHaveLength(1);
  });

  it('returns without calling run when the signal is already aborted, and swallows a failure caused by the abort', async () => {
    const log = recordingLogger();
    const aborted = new AbortController();
    aborted.abort();
    const run = vi.fn(async () => {});
    await supervise(run, { windows: { connectionMs: 1, otherMs: 1 }, signal: aborted.signal, log, backoff: tiny });
    expect(run).not.toHaveBeenCalled();

    const controller = new AbortController();
    await expect(
      supervise(
        async () => {
          controller.abort();
          throw new TypeError('would be fatal');
        },
        { windows: { connectionMs: 1, otherMs: 1 }, signal: controller.signal, log, backoff: tiny },
      ),
    ).resolves.toBeUndefined();
  });
});
