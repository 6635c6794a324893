import { describe, expect, it } from 'vitest';
import { decoded } from '../../../helpers/encoded-batch.ts';
import type { Batch, ChangeRecord, ResumePosition, TableSchema } from '../../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../../shared/record/index.ts';
import { TransactionAssembler } from '../../../../shared/source/binlog/transaction-assembler.ts';

// A hand-built binlog: steps laid out at positions 100 bytes apart, so a reader can "restart" at any
// event's position exactly as the real stream does. Each row's only value names it uniquely.

const T: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'k', type: 'varchar(20)', typeCode: MysqlTypeCode.VAR_STRING, unsigned: false, charset: 'utf8mb4', nullable: false, key: true }],
  pkNames: ['k'],
};

type Step =
  | { t: 'gtid'; gtid: string }
  | { t: 'begin' }
  | { t: 'rows'; op: 'INSERT' | 'UPDATE' | 'DELETE'; keys: string[]; bytes: number }
  | { t: 'commit'; xid: string | null }
  | { t: 'rollback' }
  | { t: 'ddl'; sql: string }
  | { t: 'rotate'; file: string }
  | { t: 'other' };

interface Placed {
  readonly step: Step;
  readonly file: string;
  readonly at: number;
  readonly next: number;
}

const FILE = 'binlog.000001';
const START: ResumePosition = { file: FILE, position: 4, gtidSet: 'set:start', nextRecordId: 100 };
const TS = 1_700_000_000_000;

function place(steps: readonly Step[], file = FILE, position = 4): Placed[] {
  let f = file;
  let pos = position;
  return steps.map((step) => {
    const placed = { step, file: f, at: pos, next: pos + 100 };
    if (step.t === 'rotate') {
      f = step.file;
      pos = 4;
    } else pos += 100;
    return placed;
  });
}

const gtidSetAt = (next: number) => `set:${next}`;

/** One transaction: GTID, BEGIN, its rows in events of `chunk` images, XID. */
function txn(name: string, n: number, options: { chunk?: number; bytes?: number; xid?: string | null; end?: 'commit' | 'rollback' } = {}): Step[] {
  const chunk = options.chunk ?? n;
  const steps: Step[] = [{ t: 'gtid', gtid: `uuid:${name}` }, { t: 'begin' }];
  for (let k = 0; k < n; k += chunk) {
    const keys = Array.from({ length: Math.min(chunk, n - k) }, (_, j) => `${name}${k + j}`);
    steps.push({ t: 'rows', op: 'INSERT', keys, bytes: options.bytes ?? 10 });
  }
  steps.push(options.end === 'rollback' ? { t: 'rollback' } : { t: 'commit', xid: options.xid === undefined ? `xid-${name}` : options.xid });
  return steps;
}

interface Options {
  readonly start?: ResumePosition;
  readonly skipThrough?: number;
  readonly batchMaxRecords?: number;
  readonly batchMaxBytes?: number;
}

function assembler(options: Options, batches: Batch[]): TransactionAssembler {
  const start = options.start ?? START;
  return new TransactionAssembler({
    serverId: 7,
    start,
    skipThrough: options.skipThrough ?? start.nextRecordId - 1,
    batchMaxRecords: options.batchMaxRecords ?? 1000,
    batchMaxBytes: options.batchMaxBytes ?? 1 << 30,
    emit: (b) => batches.push(decoded(b)),
  });
}

function feed(a: TransactionAssembler, binlog: readonly Placed[], from: Pick<ResumePosition, 'file' | 'position'> = START): void {
  const last = binlog.at(-1);
  if (last && last.file === from.file && last.next === from.position) return; // resuming at the end
  const first = binlog.findIndex((e) => e.file === from.file && e.at === from.position);
  if (first < 0) throw new Error(`no event at ${from.file}:${from.position}`);
  for (const { step, next } of binlog.slice(first)) {
    switch (step.t) {
      case 'gtid':
        a.gtid(step.gtid);
        break;
      case 'begin':
        a.begin(TS);
        break;
      case 'rows':
        a.rows(
          step.op,
          T,
          step.keys.map((k) => ({ before: null, after: [k], bytes: step.bytes })),
          TS,
        );
        break;
      case 'commit':
        a.commit(next, gtidSetAt(next), step.xid);
        break;
      case 'rollback':
        a.rollback(next, gtidSetAt(next));
        break;
      case 'ddl':
        a.ddl('ALTER_TABLE', 'shop', 'orders', step.sql, TS, next, gtidSetAt(next));
        break;
      case 'rotate':
        a.rotate(step.file, 4);
        break;
      case 'other':
        a.advance(next, gtidSetAt(next));
        break;
    }
  }
}

/** Reads the whole binlog from `options.start` and flushes at the end, as a reader does on a quiet stream. */
function read(binlog: readonly Placed[], options: Options = {}): Batch[] {
  const batches: Batch[] = [];
  const a = assembler(options, batches);
  feed(a, binlog, options.start ?? START);
  a.flush();
  return batches;
}

const keyOf = (r: ChangeRecord): string => (r.op === 'DDL' ? r.sql : String((r.after ?? r.before)?.[0]));
const summary = (records: readonly ChangeRecord[]) => records.map((r) => ({ id: r.id, key: keyOf(r) }));

/** What the binlog holds for delivery: committed rows and DDL in order, ids from `firstId`. */
function expected(binlog: readonly Placed[], firstId = START.nextRecordId): { id: number; key: string }[] {
  const out: string[] = [];
  let open: string[] = [];
  for (const { step } of binlog) {
    if (step.t === 'rows') open.push(...step.keys);
    if (step.t === 'commit') out.push(...open.splice(0));
    if (step.t === 'rollback') open = [];
    if (step.t === 'ddl') out.push(step.sql);
  }
  return out.map((key, i) => ({ id: firstId + i, key }));
}

describe('TransactionAssembler: ids and batching', () => {
  it('hands out strictly increasing ids from start.nextRecordId, with seq per transaction', () => {
    const binlog = place([...txn('a', 3), ...txn('b', 2, { chunk: 1 })]);
    const batches = read(binlog);
    expect(batches).toHaveLength(1);
    const records = batches[0]!.records;
    expect(summary(records)).toEqual([
      { id: 100, key: 'a0' },
      { id: 101, key: 'a1' },
      { id: 102, key: 'a2' },
      { id: 103, key: 'b0' },
      { id: 104, key: 'b1' },
    ]);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 0, 1]);
    expect(batches[0]).toMatchObject({ endsTransaction: true, lastRecordId: 104, resume: { file: FILE, position: binlog.at(-1)!.next, nextRecordId: 105 } });
  });

  it('emits on commit only once batchMaxRecords is reached, else waits for flush()', () => {
    const batches: Batch[] = [];
    const a = assembler({ batchMaxRecords: 4 }, batches);
    const binlog = place([...txn('a', 2), ...txn('b', 1), ...txn('c', 1), ...txn('d', 1)]);
    const commits = binlog.filter((e) => e.step.t === 'commit');
    feed(a, binlog.slice(0, binlog.indexOf(commits[1]!) + 1));
    expect(batches).toHaveLength(0); // 3 records < 4
    expect(a.bufferedRecords).toBe(3);
    feed(a, binlog, { file: FILE, position: commits[1]!.next });
    // c's commit reaches 4: one batch; d stays buffered
    expect(batches.map((b) => summary(b.records).map((r) => r.key))).toEqual([['a0', 'a1', 'b0', 'c0']]);
    expect(batches[0]!.resume).toEqual({ file: FILE, position: commits[2]!.next, gtidSet: gtidSetAt(commits[2]!.next), nextRecordId: 104 });
    expect(a.bufferedRecords).toBe(1);
    a.flush();
    expect(batches.map((b) => summary(b.records).map((r) => r.key))).toEqual([['a0', 'a1', 'b0', 'c0'], ['d0']]);
    expect(batches[1]).toMatchObject({ endsTransaction: true, lastRecordId: 104, resume: { position: commits[3]!.next, nextRecordId: 105 } });
  });

  it('emits on commit once batchMaxBytes is reached', () => {
    const batches: Batch[] = [];
    const a = assembler({ batchMaxBytes: 1000 }, batches);
    feed(a, place([...txn('a', 1, { bytes: 600 }), ...txn('b', 1, { bytes: 600 }), ...txn('c', 1, { bytes: 600 })]));
    expect(batches.map((b) => b.records.length)).toEqual([2]); // 1200 ≥ 1000 at b's commit; c's 600 waits
    a.flush();
    expect(batches.map((b) => b.records.length)).toEqual([2, 1]);
  });

  it('flush() inside an open transaction emits nothing, and flush() with nothing buffered emits nothing', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    a.flush();
    a.flush(false);
    expect(batches).toHaveLength(0);
    const binlog = place(txn('a', 2));
    feed(a, binlog.slice(0, -1)); // everything but the commit
    expect(a.inTransaction).toBe(true);
    a.flush();
    a.flush(true);
    expect(batches).toHaveLength(0);
    feed(a, binlog, { file: FILE, position: binlog.at(-1)!.at });
    expect(a.inTransaction).toBe(false);
    a.flush();
    expect(batches.map((b) => b.records.length)).toEqual([2]);
  });

  it('cuts a huge transaction into partial batches that resume before it, and ends it after the commit', () => {
    // batchMaxRecords 3: a partial batch goes out at 6 buffered records
    const binlog = place([...txn('a', 1), ...txn('h', 14, { chunk: 5 }), ...txn('z', 1)]);
    const before = binlog.find((e) => e.step.t === 'gtid' && e.step.gtid === 'uuid:h')!;
    const hCommit = binlog.filter((e) => e.step.t === 'commit')[1]!;
    const batches = read(binlog, { batchMaxRecords: 3 });
    const boundaryBeforeH: ResumePosition = { file: FILE, position: before.at, gtidSet: gtidSetAt(before.at), nextRecordId: 101 };
    expect(batches.map((b) => ({ keys: summary(b.records).map((r) => r.key), ends: b.endsTransaction, last: b.lastRecordId }))).toEqual([
      { keys: ['a0', 'h0', 'h1', 'h2', 'h3', 'h4'], ends: false, last: 105 },
      { keys: ['h5', 'h6', 'h7', 'h8', 'h9', 'h10'], ends: false, last: 111 },
      { keys: ['h11', 'h12', 'h13'], ends: true, last: 114 },
      { keys: ['z0'], ends: true, last: 115 },
    ]);
    expect(batches[0]!.resume).toEqual(boundaryBeforeH);
    expect(batches[1]!.resume).toEqual(boundaryBeforeH);
    expect(batches[2]!.resume).toEqual({ file: FILE, position: hCommit.next, gtidSet: gtidSetAt(hCommit.next), nextRecordId: 115 });
    expect(batches.flatMap((b) => summary(b.records))).toEqual(expected(binlog));
  });

  it('cuts a huge transaction by bytes as well', () => {
    const batches = read(place(txn('h', 5, { bytes: 500 })), { batchMaxBytes: 1000 });
    expect(batches.map((b) => [b.records.length, b.endsTransaction])).toEqual([
      [4, false],
      [1, true],
    ]);
  });
});

describe('TransactionAssembler: replay after a crash', () => {
  /**
   * The invariant: whatever prefix of batches reached the queue, a new assembler started at the
   * last stored batch's `resume` with `skipThrough` = its `lastRecordId`, fed the same binlog,
   * emits exactly the rest, with the same ids: no duplicates, none missing.
   */
  function checkEveryCrashPoint(binlog: readonly Placed[], options: Options): number {
    const all = read(binlog, options);
    const want = expected(binlog, (options.start ?? START).nextRecordId);
    expect(all.flatMap((b) => summary(b.records))).toEqual(want);
    for (let k = 0; k < all.length; k++) {
      const stored = all.slice(0, k + 1);
      const last = stored.at(-1)!;
      const replayed = read(binlog, { ...options, start: last.resume, skipThrough: last.lastRecordId });
      const records = [...stored.flatMap((b) => b.records), ...replayed.flatMap((b) => b.records)];
      expect(summary(records), `crash after batch ${k}`).toEqual(want);
      // The replay hands out nothing at or below what is stored.
      for (const r of replayed.flatMap((b) => b.records)) expect(r.id).toBeGreaterThan(last.lastRecordId);
    }
    return all.length;
  }

  it('resumes inside a huge transaction from each of its partial batches', () => {
    const binlog = place([...txn('a', 2), ...txn('h', 20, { chunk: 3 }), ...txn('b', 2), ...txn('g', 9), ...txn('c', 1)]);
    const batches = checkEveryCrashPoint(binlog, { batchMaxRecords: 3 });
    expect(batches).toBeGreaterThanOrEqual(6);
  });

  it('resumes from a partial batch with the same ids and seq as the first read', () => {
    const binlog = place([...txn('a', 1), ...txn('h', 13)]);
    const first = read(binlog, { batchMaxRecords: 3 });
    const partial = first[0]!;
    expect(partial.endsTransaction).toBe(false);
    expect(partial.resume.nextRecordId).toBe(101); // h's first id, not a's
    const replayed = read(binlog, { batchMaxRecords: 3, start: partial.resume, skipThrough: partial.lastRecordId });
    const want = first.slice(1).flatMap((b) => b.records);
    const got = replayed.flatMap((b) => b.records);
    expect(got.map((r) => [r.id, r.seq, keyOf(r)])).toEqual(want.map((r) => [r.id, r.seq, keyOf(r)]));
    expect(got.length).toBe(8);
  });

  it('resumes from a completed-transaction boundary without skipping or repeating', () => {
    const binlog = place([...txn('a', 2), ...txn('b', 2), ...txn('c', 2), ...txn('d', 2)]);
    const all = read(binlog, { batchMaxRecords: 2 });
    expect(all.map((b) => b.endsTransaction)).toEqual([true, true, true, true]);
    const second = all[1]!;
    expect(second.resume.nextRecordId).toBe(104);
    const replayed = read(binlog, { batchMaxRecords: 2, start: second.resume, skipThrough: second.lastRecordId });
    expect(replayed.flatMap((b) => summary(b.records))).toEqual([
      { id: 104, key: 'c0' },
      { id: 105, key: 'c1' },
      { id: 106, key: 'd0' },
      { id: 107, key: 'd1' },
    ]);
    checkEveryCrashPoint(binlog, { batchMaxRecords: 2 });
  });

  it('holds with DDL, rollbacks, rotations and byte limits in the stream', () => {
    const binlog = place([
      ...txn('a', 4),
      { t: 'ddl', sql: 'ALTER TABLE orders ADD x int' },
      // Small enough never to be cut: a rollback after a partial batch cannot take back what went out.
      ...txn('r', 1, { end: 'rollback' }),
      ...txn('h', 11, { chunk: 4 }),
      { t: 'other' },
      { t: 'rotate', file: 'binlog.000002' },
      ...txn('b', 3),
      { t: 'ddl', sql: 'DROP TABLE t9' },
      ...txn('g', 7, { bytes: 300 }),
      ...txn('c', 1),
    ]);
    checkEveryCrashPoint(binlog, { batchMaxRecords: 3 });
    checkEveryCrashPoint(binlog, { batchMaxRecords: 1000, batchMaxBytes: 1024 });
    checkEveryCrashPoint(binlog, { batchMaxRecords: 1 });
  });

  it('replaying with skipThrough past a whole transaction emits nothing of it', () => {
    const binlog = place([...txn('a', 3), ...txn('b', 2)]);
    const batches = read(binlog, { skipThrough: 102 });
    expect(batches.flatMap((b) => summary(b.records))).toEqual([
      { id: 103, key: 'b0' },
      { id: 104, key: 'b1' },
    ]);
    expect(batches.at(-1)!.lastRecordId).toBe(104);
  });
});

describe('TransactionAssembler: transactions', () => {
  it('drops a rolled-back transaction and reuses its ids', () => {
    const binlog = place([...txn('a', 1), ...txn('r', 3, { end: 'rollback' }), ...txn('b', 2)]);
    const rollback = binlog.find((e) => e.step.t === 'rollback')!;
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    feed(a, binlog.slice(0, binlog.indexOf(rollback) + 1));
    expect(a.inTransaction).toBe(false);
    expect(a.bufferedRecords).toBe(1);
    expect(a.boundary).toEqual({ file: FILE, position: rollback.next, gtidSet: gtidSetAt(rollback.next), nextRecordId: 101 });
    feed(a, binlog, { file: FILE, position: rollback.next });
    a.flush();
    expect(batches.flatMap((b) => summary(b.records))).toEqual([
      { id: 100, key: 'a0' },
      { id: 101, key: 'b0' },
      { id: 102, key: 'b1' },
    ]);
  });

  it('makes a DDL statement its own transaction', () => {
    const binlog = place([...txn('a', 2), { t: 'gtid', gtid: 'uuid:ddl' }, { t: 'ddl', sql: 'ALTER TABLE orders ADD x int' }, ...txn('b', 1)]);
    const batches = read(binlog);
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.op)).toEqual(['INSERT', 'INSERT', 'DDL', 'INSERT']);
    const ddl = records[2]!;
    const ddlAt = binlog.find((e) => e.step.t === 'gtid' && e.step.gtid === 'uuid:ddl')!;
    expect(ddl).toEqual({
      id: 102,
      seq: 0,
      op: 'DDL',
      kind: 'ALTER_TABLE',
      database: 'shop',
      table: 'orders',
      sql: 'ALTER TABLE orders ADD x int',
      source: { serverId: 7, file: FILE, position: ddlAt.at, gtid: 'uuid:ddl', timestampMs: TS, txId: null },
    });
    expect(ddl.source).not.toBe(records[1]!.source);
    expect(ddl.source).not.toBe(records[3]!.source);
    expect(records[3]!.source.position).toBe(binlog.find((e) => e.step.t === 'gtid' && e.step.gtid === 'uuid:b')!.at);
  });

  it('closes a batch at a DDL statement that reaches the limit', () => {
    const batches: Batch[] = [];
    const a = assembler({ batchMaxRecords: 3 }, batches);
    feed(a, place([...txn('a', 2), { t: 'ddl', sql: 'TRUNCATE orders' }]));
    expect(batches.map((b) => [b.records.length, b.endsTransaction, b.lastRecordId])).toEqual([[3, true, 102]]);
    expect(a.inTransaction).toBe(false);
  });

  it('shares one source object per transaction, with the gtid given and txId set by commit', () => {
    const binlog = place([...txn('a', 3, { chunk: 1, xid: '42' }), ...txn('b', 2, { xid: '43' }), ...txn('n', 1, { xid: null })]);
    const records = read(binlog).flatMap((b) => b.records);
    const [a0, a1, a2, b0, b1, n0] = records;
    expect(a1!.source).toBe(a0!.source);
    expect(a2!.source).toBe(a0!.source);
    expect(b1!.source).toBe(b0!.source);
    expect(b0!.source).not.toBe(a0!.source);
    expect(a0!.source).toEqual({ serverId: 7, file: FILE, position: 4, gtid: 'uuid:a', timestampMs: TS, txId: '42' });
    expect(b0!.source).toMatchObject({ position: binlog.find((e) => e.step.t === 'gtid' && e.step.gtid === 'uuid:b')!.at, gtid: 'uuid:b', txId: '43' });
    expect(n0!.source).toMatchObject({ gtid: 'uuid:n', txId: null });
  });

  it('does not carry a gtid over a commit into the next transaction', () => {
    // commit clears the pending GTID: a transaction without its own GTID event gets null
    const binlog = place([...txn('a', 1), { t: 'begin' }, { t: 'rows', op: 'DELETE', keys: ['x'], bytes: 1 }, { t: 'commit', xid: '9' }]);
    const records = read(binlog).flatMap((b) => b.records);
    expect(records.map((r) => r.source.gtid)).toEqual(['uuid:a', null]);
    expect(records[1]!.op).toBe('DELETE');
  });

  it('opens a transaction on rows without BEGIN, and ignores a second BEGIN (MariaDB GTID + BEGIN)', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    a.gtid('0-1-5');
    a.begin(TS);
    a.rows('INSERT', T, [{ before: null, after: ['x'], bytes: 1 }], TS);
    a.begin(TS + 5); // the BEGIN query after MariaDB's GTID event
    a.rows('UPDATE', T, [{ before: ['x'], after: ['y'], bytes: 1 }], TS);
    a.commit(500, null, '1');
    a.rows('INSERT', T, [{ before: null, after: ['z'], bytes: 1 }], TS + 9);
    expect(a.inTransaction).toBe(true);
    a.commit(600, null, '2');
    a.flush();
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => [r.id, r.seq, r.op])).toEqual([
      [100, 0, 'INSERT'],
      [101, 1, 'UPDATE'],
      [102, 0, 'INSERT'],
    ]);
    expect(records[1]!.source).toBe(records[0]!.source);
    expect(records[0]!.source).toMatchObject({ gtid: '0-1-5', timestampMs: TS });
    expect(records[2]!.source).toMatchObject({ gtid: null, timestampMs: TS + 9, position: 500 });
  });
});

describe('TransactionAssembler: boundaries and checkpoints', () => {
  it('rotate() between transactions moves the boundary to the new file', () => {
    const binlog = place([...txn('a', 1), { t: 'rotate', file: 'binlog.000002' }, ...txn('b', 1)]);
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    const rotate = binlog.find((e) => e.step.t === 'rotate')!;
    feed(a, binlog.slice(0, binlog.indexOf(rotate) + 1));
    expect(a.boundary).toEqual({ file: 'binlog.000002', position: 4, gtidSet: gtidSetAt(rotate.at), nextRecordId: 101 });
    feed(a, binlog, { file: 'binlog.000002', position: 4 });
    a.flush();
    const records = batches.flatMap((b) => b.records);
    expect(records[1]!.source).toMatchObject({ file: 'binlog.000002', position: 4, gtid: 'uuid:b' });
    expect(batches.at(-1)!.resume).toEqual({ file: 'binlog.000002', position: 404, gtidSet: gtidSetAt(404), nextRecordId: 102 });
  });

  it('rotate() inside a transaction keeps the boundary and the source; the commit lands in the new file', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    a.gtid('g1');
    a.begin(TS);
    a.rows('INSERT', T, [{ before: null, after: ['x'], bytes: 1 }], TS);
    a.rotate('binlog.000002', 4);
    expect(a.boundary).toEqual(START);
    a.commit(300, 'set:300', '1');
    a.flush();
    expect(batches[0]!.records[0]!.source).toMatchObject({ file: FILE, position: 4 });
    expect(batches[0]!.resume).toEqual({ file: 'binlog.000002', position: 300, gtidSet: 'set:300', nextRecordId: 101 });
  });

  it('flush(true) emits an empty checkpoint batch only when the boundary moved', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    a.flush(true);
    expect(batches).toHaveLength(0); // still at the start
    a.advance(900, 'set:900');
    a.flush(); // no checkpoint requested
    expect(batches).toHaveLength(0);
    a.flush(true);
    expect(batches).toEqual([{ records: [], resume: { file: FILE, position: 900, gtidSet: 'set:900', nextRecordId: 100 }, endsTransaction: true, lastRecordId: 99 }]);
    a.flush(true);
    expect(batches).toHaveLength(1); // not moved since
    a.rotate('binlog.000002', 4);
    a.flush(true);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.resume).toMatchObject({ file: 'binlog.000002', position: 4 });
  });

  it('advance() inside a transaction changes nothing', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    a.begin(TS);
    a.advance(900, 'set:900');
    expect(a.boundary).toEqual(START);
    expect(a.inTransaction).toBe(true);
  });

  it('keeps lastRecordId right on empty batches: after a flush, after skipped records, after a rollback', () => {
    const batches: Batch[] = [];
    const a = assembler({}, batches);
    feed(a, place(txn('a', 2)));
    a.flush();
    expect(batches.map((b) => [b.records.length, b.lastRecordId])).toEqual([[2, 101]]);
    a.advance(2000, 's');
    a.flush(true);
    expect(batches.map((b) => [b.records.length, b.lastRecordId])).toEqual([
      [2, 101],
      [0, 101],
    ]);
    a.begin(TS);
    a.rows('INSERT', T, [{ before: null, after: ['r'], bytes: 1 }], TS);
    a.rollback(2100, 's2');
    a.flush(true);
    expect(batches.at(-1)).toMatchObject({ records: [], lastRecordId: 101, resume: { position: 2100, nextRecordId: 102 } });

    // a replay whose records are all already stored: the empty batch still reports skipThrough
    const replay: Batch[] = [];
    const b = assembler({ skipThrough: 150 }, replay);
    feed(b, place(txn('a', 2)));
    b.flush(true);
    expect(replay).toEqual([{ records: [], resume: expect.objectContaining({ nextRecordId: 102 }), endsTransaction: true, lastRecordId: 150, sourceTimeMs: TS }]);
  });
});

describe('a rolled-back transaction larger than a batch', () => {
  it('keeps the ids of the part already emitted, so no id is handed out twice', () => {
    // r is cut into pieces (batchMaxRecords 2 → cut at 4 records), then rolled back.
    const binlog = place([...txn('a', 1), ...txn('r', 5, { chunk: 1, end: 'rollback' }), ...txn('h', 2)]);
    const batches = read(binlog, { batchMaxRecords: 2 });
    const records = batches.flatMap((b) => b.records);
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    // What left before the rollback stays (the stream cannot take it back); h follows with new ids.
    expect(records.map(keyOf)).toEqual(['a0', 'r0', 'r1', 'r2', 'h0', 'h1']); // the cut came after 4 records
    expect(records.at(-1)!.id).toBe(records.at(-2)!.id + 1);
  });
});
