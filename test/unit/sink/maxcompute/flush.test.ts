/**
 * The flush buffer (groups per table and partition, blocks, counts, age) and one flush driven over
 * an in-memory tunnel that fails where asked: the order of sessions, blocks, note and commits, and
 * retries that reuse the same session and block ids and never commit a session twice.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/log.ts';
import type { OdpsColumn, OdpsValue } from '../../../../shared/encode/maxcompute/types.ts';
import { ErrorCodes } from '../../../../shared/errors.ts';
import type { PartitionSpec } from '../../../../shared/sink/maxcompute/client-types.ts';
import { FlushBuffer, type BlockWriter } from '../../../../shared/sink/maxcompute/flush-buffer.ts';
import { parseNote } from '../../../../shared/sink/maxcompute/flush-note.ts';
import { FlushUpload } from '../../../../shared/sink/maxcompute/flush-upload.ts';
import { FakeTunnel, failOnce } from './fake-tunnel.ts';

/** Rows as JSON lines: byteLength grows by each line; the block is the lines plus a trailer. */
function jsonWriter(): BlockWriter {
  let text = '';
  return {
    append(values: readonly OdpsValue[]) {
      text += `${JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`;
    },
    get byteLength() {
      return Buffer.byteLength(text);
    },
    finish: () => Buffer.from(`${text}#end`),
  };
}

const cols: OdpsColumn[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'v', type: 'STRING' },
];
const p = (hour: string): PartitionSpec => [
  ['y', '2026'],
  ['h', hour],
];
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('FlushBuffer', () => {
  it('groups rows per table and partition in arrival order, counts rows and bytes, remembers the oldest row', () => {
    const buffer = new FlushBuffer(jsonWriter, 1 << 20);
    expect(buffer.isEmpty).toBe(true);
    expect(buffer.oldestAtMs).toBeNull();
    buffer.add('t_log', cols, p('05'), [1, 'a'], 1000);
    buffer.add('t_base', cols, [], [2, 'b'], 1500);
    buffer.add('t_log', cols, p('06'), [3, 'c'], 2000);
    buffer.add('t_log', cols, p('05'), [4, 'd'], 2500); // another array with the same values: the same group
    expect(buffer.rows).toBe(4);
    expect(buffer.bytes).toBe(4 * '[1,"a"]\n'.length);
    expect(buffer.oldestAtMs).toBe(1000);
    expect(buffer.holds('t_base')).toBe(true);
    expect(buffer.holds('u_base')).toBe(false);
    const groups = buffer.take();
    expect(groups.map((g) => [g.table, g.partition.map(([, v]) => v).join('/'), g.rows, g.blocks.map(text)])).toEqual([
      ['t_log', '2026/05', 2, ['[1,"a"]\n[4,"d"]\n#end']],
      ['t_base', '', 1, ['[2,"b"]\n#end']],
      ['t_log', '2026/06', 1, ['[3,"c"]\n#end']],
    ]);
    expect([buffer.isEmpty, buffer.rows, buffer.bytes, buffer.oldestAtMs]).toEqual([true, 0, 0, null]);
    expect(buffer.take()).toEqual([]);
  });

  it('seals a group into a block at maxBlockBytes and keeps counting the sealed bytes', () => {
    const buffer = new FlushBuffer(jsonWriter, 16); // two 8-byte rows per block
    for (let i = 1; i <= 5; i++) buffer.add('t_base', cols, [], [i, 'x'], 0);
    expect(buffer.bytes).toBe(2 * (16 + 4) + 8); // two sealed blocks with their trailers, one open row
    const [group] = buffer.take();
    expect(group!.rows).toBe(5);
    expect(group!.blocks.map(text)).toEqual(['[1,"x"]\n[2,"x"]\n#end', '[3,"x"]\n[4,"x"]\n#end', '[5,"x"]\n#end']);
  });

  it('refuses rows of one table in two shapes in one flush (the sink flushes before a shape change)', () => {
    const buffer = new FlushBuffer(jsonWriter, 1 << 20);
    buffer.add('t_base', cols, [], [1, 'a'], 0);
    buffer.add('t_base', [...cols], [], [2, 'b'], 0); // same shape, another array: fine
    expect(() => buffer.add('t_base', [...cols, { name: 'w', type: 'INT' }], [], [3, 'c', 1], 0)).toThrow(expect.objectContaining({ code: ErrorCodes.INVARIANT }));
  });
});

describe('FlushUpload', () => {
  function setup() {
    const tunnel = new FakeTunnel(() => cols);
    const notes: (string | null)[] = [];
    let noteFails = false;
    const checkpoint = {
      read: async () => notes.at(-1) ?? null,
      write: async (n: string | null) => {
        if (noteFails) {
          noteFails = false;
          throw new Error('disk full');
        }
        notes.push(n);
      },
    };
    const buffer = new FlushBuffer(jsonWriter, 16);
    for (let i = 1; i <= 3; i++) buffer.add('t_log', cols, p('05'), [i, 'x'], 0);
    buffer.add('t_base', cols, [], [9, 'y'], 0);
    const flush = new FlushUpload(10, 14, buffer.take(), {
      sink: 'mc',
      tunnel: async () => tunnel,
      checkpoint,
      log: silentLogger,
      sleep: async () => {},
      findUpload: async (t, table, partition, id) =>
        t.getUpload(table, partition, id).catch((err: Error) => {
          if (err.message.startsWith('no upload session')) return null;
          throw err;
        }),
    });
    const committedRows = () => tunnel.committed.flatMap((c) => c.blocks.map(text));
    const ops = () => tunnel.calls.map((c) => `${c.op} ${c.table}${c.uploadId ? ` ${c.uploadId}` : ''}${c.blockId === undefined ? '' : `#${c.blockId}`}`);
    return { tunnel, notes, flush, committedRows, ops, failNextNote: () => (noteFails = true) };
  }

  it('creates a session per group, uploads its blocks, notes every session, commits, then confirms the note', async () => {
    const { tunnel, notes, flush, committedRows, ops } = setup();
    await flush.drive();
    expect(ops()).toEqual(['create t_log', 'put t_log up1#0', 'put t_log up1#1', 'create t_base', 'put t_base up2#0', 'commit t_log up1', 'commit t_base up2']);
    expect(notes.map((n) => parseNote(n, 'mc'))).toEqual([
      {
        after: 10,
        through: 14,
        sessions: [
          { table: 't_log', partition: p('05'), uploadId: 'up1', blocks: [0, 1] },
          { table: 't_base', partition: [], uploadId: 'up2', blocks: [0] },
        ],
      },
      { after: 10, through: 14, sessions: [] },
    ]);
    expect(committedRows()).toEqual(['[1,"x"]\n[2,"x"]\n#end', '[3,"x"]\n#end', '[9,"y"]\n#end']);
    expect([...tunnel.sessions.values()].map((s) => s.status)).toEqual(['CLOSED', 'CLOSED']);
  });

  it('a failed block PUT is sent again with the same session and block id', async () => {
    const { tunnel, flush, committedRows, ops } = setup();
    tunnel.fail = failOnce((c) => c.op === 'put' && c.blockId === 1);
    await expect(flush.drive()).rejects.toMatchObject({ retriable: true, message: 'connection reset during put' });
    await flush.drive();
    expect(ops()).toEqual(['create t_log', 'put t_log up1#0', 'put t_log up1#1', 'put t_log up1#1', 'create t_base', 'put t_base up2#0', 'commit t_log up1', 'commit t_base up2']);
    expect(committedRows()).toHaveLength(3);
  });

  it('a commit whose answer was lost is found CLOSED at once and not sent again', async () => {
    const { tunnel, notes, flush, committedRows, ops } = setup();
    tunnel.fail = failOnce((c) => c.op === 'commit' && c.table === 't_log', true);
    await flush.drive();
    expect(ops().slice(5)).toEqual(['commit t_log up1', 'get t_log up1', 'commit t_base up2']);
    expect(committedRows()).toEqual(['[1,"x"]\n[2,"x"]\n#end', '[3,"x"]\n#end', '[9,"y"]\n#end']);
    expect(notes.map((n) => parseNote(n, 'mc')!.sessions.length)).toEqual([2, 0]);
  });

  it('a commit that failed before the server took it rejects, and is sent again once the session shows it uncommitted', async () => {
    const { tunnel, notes, flush, committedRows, ops } = setup();
    tunnel.fail = failOnce((c) => c.op === 'commit' && c.table === 't_base');
    await expect(flush.drive()).rejects.toThrow('connection reset during commit');
    expect(notes).toHaveLength(1); // the note with the sessions stays until every commit is known
    await flush.drive();
    expect(ops().slice(5)).toEqual(['commit t_log up1', 'commit t_base up2', 'get t_base up2', 'get t_base up2', 'commit t_base up2']);
    expect(committedRows()).toHaveLength(3);
    expect(parseNote(notes.at(-1)!, 'mc')).toEqual({ after: 10, through: 14, sessions: [] });
  });

  it('a commit whose answer is lost twice is not sent a third time: the next drive finds it CLOSED', async () => {
    const { tunnel, flush, committedRows, ops } = setup();
    let failures = 0;
    tunnel.fail = (call, after) => {
      if (((call.op === 'commit' && after) || call.op === 'get') && call.uploadId === 'up1' && failures < 2) {
        failures += 1;
        throw new Error('socket hang up');
      }
    };
    await expect(flush.drive()).rejects.toThrow('socket hang up');
    await flush.drive();
    expect(ops().slice(5)).toEqual(['commit t_log up1', 'get t_log up1', 'get t_log up1', 'commit t_base up2']);
    expect(committedRows()).toHaveLength(3);
  });

  it('a failed note write uploads nothing again and commits nothing before the note is stored', async () => {
    const { tunnel, notes, flush, committedRows, ops, failNextNote } = setup();
    failNextNote();
    await expect(flush.drive()).rejects.toThrow('disk full');
    expect(ops()).toEqual(['create t_log', 'put t_log up1#0', 'put t_log up1#1', 'create t_base', 'put t_base up2#0']);
    expect(tunnel.committed).toEqual([]);
    await flush.drive();
    expect(ops().slice(5)).toEqual(['commit t_log up1', 'commit t_base up2']);
    expect(notes.map((n) => parseNote(n, 'mc')!.sessions.length)).toEqual([2, 0]);
    expect(committedRows()).toHaveLength(3);
  });

  it('a session the server dropped before the commit is replaced, its blocks uploaded again and the note rewritten first', async () => {
    const { tunnel, notes, flush, committedRows, ops } = setup();
    tunnel.fail = (call, after) => {
      if (call.op === 'commit' && call.uploadId === 'up2' && !after && tunnel.sessions.get('up2')!.status === 'NORMAL') {
        tunnel.expire('up2');
        throw new Error('upload session up2 is EXPIRED');
      }
    };
    await flush.drive();
    expect(ops().slice(5)).toEqual(['commit t_log up1', 'commit t_base up2', 'get t_base up2', 'create t_base', 'put t_base up3#0', 'commit t_base up3']);
    expect(notes.map((n) => parseNote(n, 'mc')!.sessions.map((s) => s.uploadId))).toEqual([['up1', 'up2'], ['up1', 'up3'], []]);
    expect(committedRows()).toEqual(['[1,"x"]\n[2,"x"]\n#end', '[3,"x"]\n#end', '[9,"y"]\n#end']);
  });
});
