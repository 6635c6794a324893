/** `starting` (the local runner's start): which open retry windows a start keeps. */
import { describe, expect, it } from 'vitest';
import { starting, type TaskState } from '../../../shared/task/index.ts';

const window = { since: 1_000, attempts: 3, lastError: { message: 'refused', code: 'DTS_SOURCE_CONNECTION' } };
const at = '2026-01-01T00:00:00.000Z';

describe('starting', () => {
  it.each<[string, TaskState, TaskState['retryWindows']]>([
    ['a stopped run (Ctrl-C) keeps its streak', { status: 'STOPPED', at, retryWindows: { reader: window } }, { reader: window }],
    ['a crashed run (still RUNNING) keeps its streak', { status: 'RUNNING', at, retryWindows: { reader: window, 'deliver:k': window } }, { reader: window, 'deliver:k': window }],
    ['a failed run starts with none', { status: 'FAILED', at, reason: { message: 'x' }, retryWindows: { 'deliver:k': window } }, undefined],
    ['no open window stays none', { status: 'STOPPED', at, retryWindows: {} }, undefined],
  ])('%s', (_what, before, windows) => {
    const after = starting(before);
    expect([after.status, after.reason, after.retryWindows]).toEqual(['RUNNING', undefined, windows]);
  });

  it('a paused task stays as it is', () => {
    const paused: TaskState = { status: 'PAUSED', at, retryWindows: { reader: window } };
    expect(starting(paused)).toBe(paused);
  });
});
