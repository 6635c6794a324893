/**
 * The assembler's side of the full data sync: INIT rows placed between transactions, with ids in
 * stream order and the sync's progress in the resume position; and the boundary moves (passed,
 * rotate) and the hooks (beforeTransaction, observeRows) that the merger relies on.
 */
import { describe, expect, it } from 'vitest';
import { decoded } from '../../../helpers/encoded-batch.ts';
import type { Batch, ChangeRecord, ResumePosition, Row, SnapshotCursor, TableSchema } from '../../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../../shared/record/index.ts';
import { TransactionAssembler, type AssemblerOptions } from '../../../../shared/source/binlog/transaction-assembler.ts';
import { ChunkRows } from '../../../../shared/source/snapshot/chunk-rows.ts';

const T: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'id', type: 'int(11)', typeCode: MysqlTypeCode.LONG, unsigned: false, charset: null, nullable: false, key: true }],
  pkNames: ['id'],
};
const FILE = 'binlog.000001';
const START: ResumePosition = { file: FILE, position: 4, gtidSet: 'set:4', nextRecordId: 100 };
const TS = 1_700_000_000_000;

function cursor(runId: string, rows = 0): SnapshotCursor {
  return {
    runId,
    tables: ['shop.orders'],
    finished: {},
    current: { database: 'shop', table: 'orders', key: ['id'], ranges: [{ after: null, upTo: null, done: false }], rows, estimatedRows: 10 },
    completedAtMs: null,
  };
}

function setup(options: Partial<AssemblerOptions> = {}) {
  const batches: Batch[] = [];
  const a = new TransactionAssembler({
    serverId: 7,
    start: START,
    skipThrough: START.nextRecordId - 1,
    batchMaxRecords: 1000,
    batchMaxBytes: 1 << 30,
    emit: (b) => batches.push(decoded(b)),
    ...options,
  });
  return { a, batches };
}

/** One committed transaction of INSERTs at `at`, ending at `next`. */
function insert(a: TransactionAssembler, ids: number[], next: number): void {
  a.gtid(`0-1-${next}`);
  a.begin(TS);
  a.rows(
    'INSERT',
    T,
    ids.map((id) => ({ before: null, after: [id], bytes: 8 })),
    TS,
  );
  a.commit(next, `set:${next}`, `xid-${next}`);
}

const brief = (records: readonly ChangeRecord[]) => records.map((r) => ({ id: r.id, op: r.op, key: r.op === 'DDL' ? r.sql : (r.after ?? r.before)![0] }));
const rowsOf = (...ids: number[]): ChunkRows => ChunkRows.of(ids.map((id) => [id]));

describe('TransactionAssembler.init', () => {
  it('emits an INIT batch between transactions: ids continue, rows at the boundary, the cursor in the resume position', () => {
    const { a, batches } = setup();
    insert(a, [1, 2], 300);
    const progress = cursor('run', 3);
    a.init(T, rowsOf(10, 11, 12), progress, TS + 5);
    // The committed transaction was still buffered: it leaves first, in the same batch.
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(brief(batch!.records)).toEqual([
      { id: 100, op: 'INSERT', key: 1 },
      { id: 101, op: 'INSERT', key: 2 },
      { id: 102, op: 'INIT', key: 10 },
      { id: 103, op: 'INIT', key: 11 },
      { id: 104, op: 'INIT', key: 12 },
    ]);
    const init = batch!.records.filter((r) => r.op === 'INIT');
    expect(init.map((r) => r.seq)).toEqual([0, 1, 2]);
    for (const r of init) {
      expect(r).toMatchObject({ op: 'INIT', schema: T, before: null });
      expect(r.source).toEqual({ serverId: 7, serverVersion: undefined, file: FILE, position: 300, gtid: null, timestampMs: TS + 5, txId: null });
    }
    expect(batch!.resume).toEqual({ file: FILE, position: 300, gtidSet: 'set:300', nextRecordId: 105, snapshot: progress });
    expect(batch!.endsTransaction).toBe(true);
    expect(batch!.lastRecordId).toBe(104);
    expect(a.boundary).toEqual(batch!.resume);
  });

  it('the next transactions continue the ids and carry the cursor in their resume positions', () => {
    const { a, batches } = setup();
    const progress = cursor('run', 1);
    a.init(T, rowsOf(10), progress, TS);
    insert(a, [1], 400);
    a.flush();
    expect(brief(batches[1]!.records)).toEqual([{ id: 101, op: 'INSERT', key: 1 }]);
    expect(batches[1]!.resume).toEqual({ file: FILE, position: 400, gtidSet: 'set:400', nextRecordId: 102, snapshot: progress });
    // A later init replaces the cursor; the earlier batch keeps the one it was emitted with.
    const later = cursor('run', 2);
    a.init(T, rowsOf(11), later, TS);
    expect(batches[2]!.resume.snapshot).toEqual(later);
    expect(batches[1]!.resume.snapshot).toEqual(progress);
  });

  it('an empty chunk still emits a batch that records the progress', () => {
    const { a, batches } = setup();
    const progress = { ...cursor('run'), completedAtMs: 42 };
    a.init(null, ChunkRows.empty, progress, TS);
    expect(batches).toEqual([{ records: [], resume: { ...START, snapshot: progress }, endsTransaction: true, lastRecordId: 99 }]);
  });

  it('skips ids up to skipThrough (a replay after a restart) but still moves the ids and the cursor', () => {
    const { a, batches } = setup({ skipThrough: 101 });
    const progress = cursor('run', 3);
    a.init(T, rowsOf(10, 11, 12), progress, TS);
    expect(brief(batches[0]!.records)).toEqual([{ id: 102, op: 'INIT', key: 12 }]);
    expect(batches[0]!.records[0]!.seq).toBe(0);
    expect(batches[0]!.resume).toMatchObject({ nextRecordId: 103, snapshot: progress });
    expect(batches[0]!.lastRecordId).toBe(102);
    const { a: all, batches: none } = setup({ skipThrough: 200 });
    all.init(T, rowsOf(10, 11), progress, TS);
    expect(none[0]).toMatchObject({ records: [], lastRecordId: 200, resume: { nextRecordId: 102 } });
  });

  it('a resume position with a cursor keeps it until the next init', () => {
    const stored = cursor('stored', 7);
    const { a, batches } = setup({ start: { ...START, snapshot: stored } });
    insert(a, [1], 300);
    a.flush();
    expect(batches[0]!.resume.snapshot).toEqual(stored);
  });

  it('refuses rows inside a transaction, and rows without a schema', () => {
    const { a, batches } = setup();
    a.begin(TS);
    expect(() => a.init(T, rowsOf(1), cursor('run'), TS)).toThrow('full-sync rows can only be placed between transactions');
    a.commit(200, null, 'x');
    expect(() => a.init(null, rowsOf(1), cursor('run'), TS)).toThrow('full-sync rows need their table schema');
    expect(batches).toEqual([]);
  });

  it('a flush(true) checkpoint after an init at the same position emits nothing more', () => {
    const { a, batches } = setup();
    a.init(T, rowsOf(1), cursor('run'), TS);
    a.flush(true);
    expect(batches).toHaveLength(1);
  });
});

describe('TransactionAssembler: the boundary between transactions', () => {
  it('passed() moves only forward in the same file, keeps the gtid set when given none, and not inside a transaction', () => {
    const { a } = setup();
    a.passed(200, 'set:200');
    expect(a.boundary).toEqual({ file: FILE, position: 200, gtidSet: 'set:200', nextRecordId: 100 });
    a.passed(150, 'set:150');
    a.passed(200, 'set:other');
    expect(a.boundary.position).toBe(200);
    expect(a.boundary.gtidSet).toBe('set:200');
    a.passed(260, null);
    expect(a.boundary).toEqual({ file: FILE, position: 260, gtidSet: 'set:200', nextRecordId: 100 });
    a.begin(TS);
    a.passed(900, 'set:900');
    expect(a.boundary.position).toBe(260);
  });

  it('record() puts progress on the boundary without rows, so the next checkpoint stores it; inside a transaction at its commit', () => {
    const { a, batches } = setup();
    const started = cursor('run');
    a.record(started);
    expect(a.boundary.snapshot).toBe(started);
    a.flush(true);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ records: [], resume: { snapshot: started } });
    const next = cursor('run', 5);
    a.begin(TS);
    a.record(next);
    expect(a.boundary.snapshot).toBe(started);
    a.commit(900, null, '1');
    expect(a.boundary).toMatchObject({ position: 900, snapshot: next });
  });

  it('passed() carries the cursor of the last init', () => {
    const { a } = setup();
    const progress = cursor('run');
    a.init(null, ChunkRows.empty, progress, TS);
    a.passed(500, null);
    expect(a.boundary).toMatchObject({ position: 500, snapshot: progress });
  });

  it('passed() after a rotate inside a transaction moves in the new file, where the commit landed', () => {
    const { a } = setup();
    a.passed(900, null);
    a.begin(TS);
    a.rotate('binlog.000002', 4);
    expect(a.boundary).toMatchObject({ file: FILE, position: 900 });
    a.commit(300, null, 'x');
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 300 });
    a.passed(200, null);
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 300 });
    a.passed(800, null);
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 800 });
  });

  it('rotate() moves to a new file but never back: the rotate opening a dump names the current file', () => {
    const { a } = setup();
    a.passed(500, null);
    a.rotate(FILE, 4);
    expect(a.boundary).toMatchObject({ file: FILE, position: 500 });
    a.rotate(FILE, 500);
    expect(a.boundary).toMatchObject({ file: FILE, position: 500 });
    a.rotate('binlog.000002', 4);
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 4 });
    a.passed(120, null);
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 120 });
    a.rotate('binlog.000002', 4);
    expect(a.boundary).toMatchObject({ file: 'binlog.000002', position: 120 });
  });

  it('beforeTransaction fires once before each transaction opens (BEGIN, rows without BEGIN, DDL), never inside one', () => {
    const calls: { inTransaction: boolean; position: number }[] = [];
    const box: { a?: TransactionAssembler } = {};
    const { a } = setup({ beforeTransaction: () => calls.push({ inTransaction: box.a!.inTransaction, position: box.a!.boundary.position }) });
    box.a = a;
    a.gtid('0-1-1');
    expect(calls).toHaveLength(0);
    a.begin(TS);
    a.begin(TS); // MariaDB: GTID event, then BEGIN query, same transaction
    a.rows('INSERT', T, [{ before: null, after: [1], bytes: 8 }], TS);
    a.commit(200, null, '1');
    a.rows('INSERT', T, [{ before: null, after: [2], bytes: 8 }], TS); // no BEGIN (non-transactional table)
    a.commit(300, null, null);
    a.ddl('CREATE_TABLE', 'shop', 'x', 'CREATE TABLE x (id INT)', TS, 400, null);
    a.advance(450, null);
    a.passed(500, null);
    expect(calls).toEqual([
      { inTransaction: false, position: 4 },
      { inTransaction: false, position: 200 },
      { inTransaction: false, position: 300 },
    ]);
  });

  it('rows placed from beforeTransaction come before the transaction that opens, with smaller ids', () => {
    const box: { a?: TransactionAssembler; pending?: ChunkRows } = { pending: rowsOf(50, 51) };
    const { a, batches } = setup({
      beforeTransaction: () => {
        if (box.pending) box.a!.init(T, box.pending, cursor('run', 2), TS);
        box.pending = undefined;
      },
    });
    box.a = a;
    insert(a, [1], 300);
    a.flush();
    expect(batches.map((b) => brief(b.records))).toEqual([
      [
        { id: 100, op: 'INIT', key: 50 },
        { id: 101, op: 'INIT', key: 51 },
      ],
      [{ id: 102, op: 'INSERT', key: 1 }],
    ]);
    expect(batches[0]!.resume).toMatchObject({ position: 4, nextRecordId: 102 });
    expect(batches[1]!.records[0]!.source.position).toBe(4);
    expect(batches[1]!.resume).toMatchObject({ position: 300, nextRecordId: 103, snapshot: cursor('run', 2) });
  });

  it('observeDdl hears each DDL with its table, after beforeTransaction placed what was ready before it', () => {
    const calls: string[] = [];
    const box: { a?: TransactionAssembler } = {};
    const { a, batches } = setup({
      beforeTransaction: () => {
        calls.push('before');
        if (calls.length === 1) box.a!.init(T, rowsOf(50), cursor('run', 1), TS);
      },
      observeDdl: (kind, database, table) => calls.push(`${kind} ${database}.${table}`),
    });
    box.a = a;
    a.ddl('ALTER_TABLE', 'shop', 'orders', 'ALTER TABLE orders ADD COLUMN x INT', TS, 300, null);
    insert(a, [1], 400);
    a.ddl('DROP_DATABASE', 'old', '', 'DROP DATABASE old', TS, 500, null);
    a.flush();
    expect(calls).toEqual(['before', 'ALTER_TABLE shop.orders', 'before', 'before', 'DROP_DATABASE old.']);
    expect(batches.flatMap((b) => brief(b.records))).toEqual([
      { id: 100, op: 'INIT', key: 50 },
      { id: 101, op: 'DDL', key: 'ALTER TABLE orders ADD COLUMN x INT' },
      { id: 102, op: 'INSERT', key: 1 },
      { id: 103, op: 'DDL', key: 'DROP DATABASE old' },
    ]);
  });

  it('observeRows sees every row event with its images, rolled-back ones included', () => {
    const seen: { table: string; images: readonly { before: Row | null; after: Row | null }[] }[] = [];
    const { a } = setup({ observeRows: (schema, images) => seen.push({ table: schema.table, images }) });
    a.begin(TS);
    a.rows('UPDATE', T, [{ before: [1], after: [2], bytes: 8 }], TS);
    a.rollback(200, null);
    a.rows('DELETE', T, [{ before: [3], after: null, bytes: 8 }], TS);
    a.commit(300, null, null);
    expect(seen).toEqual([
      { table: 'orders', images: [{ before: [1], after: [2], bytes: 8 }] },
      { table: 'orders', images: [{ before: [3], after: null, bytes: 8 }] },
    ]);
  });
});
