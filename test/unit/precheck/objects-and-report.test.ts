/** Objects items without a server (missing objects, keyless tables per sync type) and the report's shapes. */
import { describe, expect, it } from 'vitest';
import { fail, pass, warn } from '../../../shared/precheck/finding.ts';
import { existItem, keyItem } from '../../../shared/precheck/objects.ts';
import { formatText, report } from '../../../shared/precheck/report.ts';

describe('objects items', () => {
  it('lists missing objects (at most 10 names in the message, every one in the subject)', () => {
    expect(existItem([])).toEqual({ id: 'objects.exist', status: 'pass', message: 'every selected database and table exists' });
    const names = Array.from({ length: 12 }, (_, i) => `db.t${i}`);
    expect(existItem(names)).toEqual({
      id: 'objects.exist',
      status: 'fail',
      message: 'not on the source (or not visible to the user): db.t0, db.t1, db.t2, db.t3, db.t4, db.t5, db.t6, db.t7, db.t8, db.t9 and 2 more',
      fix: 'create them on the source, grant the user SELECT on them, or remove them from objects in the task file',
      subject: names,
    });
  });

  it('keyless tables: fail for a full sync that refuses them, warn otherwise saying what happens', () => {
    expect(keyItem([], ['incremental'], 'refuse').status).toBe('pass');
    expect(keyItem(['db.t'], ['full', 'incremental'], 'refuse')).toEqual({
      id: 'objects.keys',
      status: 'fail',
      message: 'db.t have no primary key and no unique key on NOT NULL columns, so they cannot be copied in chunks (fullSync.keylessTables: refuse)',
      fix: 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>), or set fullSync.keylessTables: scan to copy them in one pass',
      subject: ['db.t'],
    });
    expect(keyItem(['db.t'], ['full'], 'scan')).toMatchObject({ status: 'warn', message: expect.stringContaining('the full sync copies them in one pass') });
    expect(keyItem(['db.t'], ['incremental'], 'refuse')).toMatchObject({ status: 'warn', fix: 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>)', subject: ['db.t'] });
  });
});

describe('report', () => {
  it('result is fail over warn over pass, with counts', () => {
    expect(report('t', [pass('a', 'ok'), warn('b', 'hm', 'x')])).toEqual({ task: 't', result: 'warn', counts: { pass: 1, warn: 1, fail: 0 }, items: [pass('a', 'ok'), warn('b', 'hm', 'x')] });
    expect(report('t', [pass('a', 'ok'), fail('c', 'bad', 'y')]).result).toBe('fail');
    expect(formatText(report('t', [pass('a', 'ok'), fail('c', 'bad', 'y')]))).toBe('precheck of task t\nPASS  a: ok\nFAIL  c: bad\n      fix: y\n1 passed, 0 warning(s) (ignorable), 1 failed');
  });
});
