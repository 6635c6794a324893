/**
 * The recovery decision after a restart, as tables: what the server says about each noted upload
 * session → commit, leave, wait or upload again; and which records are then skipped or redone.
 */
import { describe, expect, it } from 'vitest';
import type { UploadSession, UploadStatus } from '../../../../shared/sink/maxcompute/client-types.ts';
import { parseNote, serializeNote, type FlushNote, type NoteSession } from '../../../../shared/sink/maxcompute/flush-note.ts';
import { groupKey, recoveryPlan, sessionAction, type SessionAction } from '../../../../shared/sink/maxcompute/recovery.ts';

const hour = (h: string) =>
  [
    ['new_dts_sync_modifytime_year', '2026'],
    ['new_dts_sync_modifytime_hour', h],
  ] as const;
const noted: NoteSession = { table: 'orders_log', partition: hour('05'), uploadId: 'u1', blocks: [0, 1] };

function observed(status: UploadStatus, blocks: number[]): Pick<UploadSession, 'status' | 'blocks'> {
  return { status, blocks: blocks.map((blockId) => ({ blockId, recordCount: 10 })) };
}

describe('sessionAction', () => {
  const cases: [string, Pick<UploadSession, 'status' | 'blocks'> | null, SessionAction][] = [
    ['CLOSED: committed before the crash', observed('CLOSED', [0, 1]), 'committed'],
    ['CLOSED with no blocks listed is still committed', observed('CLOSED', []), 'committed'],
    ['NORMAL with the noted blocks: commit now', observed('NORMAL', [0, 1]), 'commit'],
    ['NORMAL with the noted blocks in another order: commit now', observed('NORMAL', [1, 0]), 'commit'],
    ['NORMAL missing a block: upload again', observed('NORMAL', [0]), 'redo'],
    ['NORMAL with an extra block: upload again', observed('NORMAL', [0, 1, 2]), 'redo'],
    ['NORMAL with other blocks of the same count: upload again', observed('NORMAL', [0, 2]), 'redo'],
    ['COMMITTING: ask again', observed('COMMITTING', [0, 1]), 'wait'],
    ['CLOSING: ask again', observed('CLOSING', [0, 1]), 'wait'],
    ['EXPIRED: upload again', observed('EXPIRED', [0, 1]), 'redo'],
    ['CANCELED: upload again', observed('CANCELED', [0, 1]), 'redo'],
    ['CRITICAL: upload again', observed('CRITICAL', [0, 1]), 'redo'],
    ['unknown to the server: upload again', null, 'redo'],
  ];
  it.each(cases)('%s', (_name, seen, action) => {
    expect(sessionAction(noted, seen)).toBe(action);
  });
});

describe('recoveryPlan', () => {
  const other: NoteSession = { table: 'orders_base', partition: [], uploadId: 'u2', blocks: [0] };
  const note: FlushNote = { after: 40, through: 97, sessions: [noted, other] };

  it('no note: nothing skipped, nothing acknowledged', () => {
    const plan = recoveryPlan(null, []);
    expect(plan).toEqual({ skipThrough: 0, redoAfter: 0, redo: new Set(), acknowledgedThrough: 0 });
  });

  it('every session committed (or the confirmed note with none): the whole flush is acknowledged', () => {
    expect(recoveryPlan(note, ['committed', 'commit'])).toEqual({ skipThrough: 97, redoAfter: 40, redo: new Set(), acknowledgedThrough: 97 });
    expect(recoveryPlan({ after: 40, through: 97, sessions: [] }, [])).toEqual({ skipThrough: 97, redoAfter: 40, redo: new Set(), acknowledgedThrough: 97 });
  });

  it('a session to redo: its group is uploaded again and the acknowledgement stays before the flush', () => {
    const plan = recoveryPlan(note, ['committed', 'redo']);
    expect([...plan.redo]).toEqual([groupKey('orders_base', [])]);
    expect(plan).toMatchObject({ skipThrough: 97, redoAfter: 40, acknowledgedThrough: 40 });
  });

  it('group keys differ by table and by every partition value', () => {
    const keys = new Set([groupKey('t_log', hour('05')), groupKey('t_log', hour('06')), groupKey('u_log', hour('05')), groupKey('t_base', [])]);
    expect(keys.size).toBe(4);
    expect(groupKey('t_log', hour('05'))).toBe(groupKey('t_log', hour('05')));
  });
});

describe('flush note', () => {
  it('round-trips', () => {
    const note: FlushNote = { after: 3, through: 9, sessions: [noted] };
    expect(parseNote(serializeNote(note), 'mc')).toEqual(note);
    expect(serializeNote(note)).toBe(
      '{"v":1,"after":3,"through":9,"sessions":[{"table":"orders_log","partition":[["new_dts_sync_modifytime_year","2026"],["new_dts_sync_modifytime_hour","05"]],"uploadId":"u1","blocks":[0,1]}]}',
    );
  });

  it('no note is null; a damaged note is a final error naming the destination', () => {
    expect(parseNote(null, 'mc')).toBeNull();
    expect(() => parseNote('{"v":1,"after":9,"through":3,"sessions":[]}', 'mc')).toThrow(/upload note of MaxCompute destination "mc" is not readable \(after must not exceed through\)/);
    expect(() => parseNote('{not json', 'mc')).toThrow(expect.objectContaining({ retriable: false, context: { sink: 'mc' } }));
  });
});
