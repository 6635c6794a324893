/**
 * A finding's subject and message come from one list: each list style as the message shows it,
 * the subject whole; and a SourcePrecheckError carries the failed findings it names.
 */
import { describe, expect, it } from 'vitest';
import { fail, listing, pass, warn } from '../../../shared/precheck/finding.ts';
import { SourcePrecheckError } from '../../../shared/source/errors.ts';
import { ErrorCodes } from '../../../shared/errors.ts';

describe('a finding about a list', () => {
  const names = Array.from({ length: 11 }, (_, i) => `t${i}`);

  it('shows at most ten names, keeps all of them in the subject', () => {
    expect(
      fail(
        'x',
        listing(names, (list) => `missing: ${list}`),
        'add them',
      ),
    ).toEqual({
      id: 'x',
      status: 'fail',
      message: 'missing: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 1 more',
      fix: 'add them',
      subject: names,
    });
  });

  it('joins every item with ", ", " and " or "; " per style', () => {
    expect(
      warn(
        'x',
        listing(names, (list) => list, 'all'),
        'f',
      ).message,
    ).toBe(names.join(', '));
    expect(
      pass(
        'x',
        listing(['A', 'B'], (list) => `holds ${list}`, 'and'),
      ),
    ).toEqual({ id: 'x', status: 'pass', message: 'holds A and B', subject: ['A', 'B'] });
    expect(
      fail(
        'x',
        listing(['a is wrong', 'b is wrong'], (list) => list, 'problems'),
        'f',
      ).message,
    ).toBe('a is wrong; b is wrong');
  });

  it('has no subject when the message is plain text', () => {
    expect(Object.keys(fail('x', 'bad', 'f'))).toEqual(['id', 'status', 'message', 'fix']);
    expect(Object.keys(pass('x', 'ok'))).toEqual(['id', 'status', 'message']);
  });
});

describe('SourcePrecheckError of failed findings', () => {
  it('names each item with its fix and carries the findings, in its JSON too', () => {
    const failed = [
      fail('source.binlog_format', 'binlog_format is MIXED, must be ROW', 'SET GLOBAL binlog_format=ROW'),
      fail(
        'objects.exist',
        listing(['d.a', 'd.b'], (l) => `absent: ${l}`),
        'create them',
      ),
    ];
    const err = SourcePrecheckError.ofFindings(failed);
    expect(err.message).toBe('the source is not ready for incremental sync:\n  - binlog_format is MIXED, must be ROW: SET GLOBAL binlog_format=ROW\n  - absent: d.a, d.b: create them');
    expect(err.code).toBe(ErrorCodes.SOURCE_PRECHECK);
    expect(err.retriable).toBe(false);
    expect(err.context).toEqual({ items: 'source.binlog_format,objects.exist' });
    expect(err.findings).toEqual(failed);
    expect(structuredClone(err.findings)).toEqual(failed);
    expect(err.toJSON()).toEqual({
      name: 'SourcePrecheckError',
      code: 'DTS_SOURCE_PRECHECK',
      message: err.message,
      retriable: false,
      context: { items: 'source.binlog_format,objects.exist' },
      cause: undefined,
      findings: failed,
    });
    expect(new SourcePrecheckError('no variables').toJSON()).not.toHaveProperty('findings');
  });
});
