/**
 * The merger against a fake stream (a MergeTarget that records where rows were placed): a chunk
 * joins only between transactions at or after its watermark, without the keys the stream changed
 * meanwhile, and the progress it carries is the cursor after it.
 */
import { describe, expect, it } from 'vitest';
import { MysqlTypeCode, type ResumePosition, type Row, type SnapshotCursor, type TableSchema, type TableSnapshot } from '../../../../shared/record/index.ts';
import type { Chunk } from '../../../../shared/source/snapshot/chunk-reader.ts';
import { ChunkMerger, type MergeTarget } from '../../../../shared/source/snapshot/chunk-merger.ts';
import { ChunkRows } from '../../../../shared/source/snapshot/chunk-rows.ts';

const column = (name: string, key: boolean) => ({
  name,
  type: key ? 'int(11)' : 'varchar(20)',
  typeCode: key ? MysqlTypeCode.LONG : MysqlTypeCode.VAR_STRING,
  unsigned: false,
  charset: key ? null : 'utf8mb4',
  nullable: !key,
  key,
});

const T: TableSchema = { database: 'shop', table: 'orders', columns: [column('id', true), column('v', false)], pkNames: ['id'] };
const OTHER: TableSchema = { ...T, table: 'other' };
/** `orders` after an ALTER that dropped its key column, as the stream would read it. */
const ALTERED: TableSchema = { ...T, columns: [column('v', false)], pkNames: [] };
/** Composite key (region, seq), columns out of key order in the row. */
const PAIRS: TableSchema = { database: 'shop', table: 'pairs', columns: [column('seq', true), column('v', false), column('region', true)], pkNames: ['region', 'seq'] };

const NAME = 'shop.orders';
const NOW = 1_750_000_000_000;

interface Placed {
  readonly table: string | null;
  readonly rows: readonly Row[];
  readonly progress: SnapshotCursor;
  readonly at: string;
  readonly timestampMs: number;
}

class FakeStream implements MergeTarget {
  inTransaction = false;
  boundary: ResumePosition = { file: 'binlog.000001', position: 100, gtidSet: null, nextRecordId: 1 };
  readonly placed: Placed[] = [];
  recorded: SnapshotCursor | null = null;
  record(progress: SnapshotCursor): void {
    this.recorded = progress;
  }
  init(schema: TableSchema | null, rows: ChunkRows, progress: SnapshotCursor, timestampMs: number): void {
    if (this.inTransaction) throw new Error('placed inside a transaction');
    this.placed.push({ table: schema && `${schema.database}.${schema.table}`, rows: rows.toArray(), progress, at: `${this.boundary.file}:${this.boundary.position}`, timestampMs });
  }
  moveTo(file: string, position: number): void {
    this.boundary = { ...this.boundary, file, position };
  }
}

function snapshotOf(table: TableSchema, key: readonly string[] = table.pkNames): TableSnapshot {
  return { database: table.database, table: table.table, key, ranges: [{ after: null, upTo: null, done: false }], rows: 0, estimatedRows: 10 };
}

function cursorFor(current: TableSnapshot | null): SnapshotCursor {
  return { runId: 'run-1', tables: [NAME], finished: {}, current, completedAtMs: null };
}

function chunk(schema: TableSchema, rows: Row[], file: string, position: number): Chunk {
  return { schema, rows: ChunkRows.of(rows), bytes: 10 * rows.length, high: { file, position }, lastKey: rows.length ? [rows.at(-1)![0]!] : null, last: false };
}

/** Counts rows into `current.rows`, as the runner's `advance` does. */
const countRows = (cursor: SnapshotCursor, rows: number): SnapshotCursor => ({ ...cursor, current: cursor.current && { ...cursor.current, rows: cursor.current.rows + rows } });

function setup(cursor: SnapshotCursor | null = cursorFor(snapshotOf(T))) {
  const stream = new FakeStream();
  const merged: SnapshotCursor[] = [];
  const merger = new ChunkMerger(
    cursor,
    () => stream,
    (c) => merged.push(c),
    () => NOW,
  );
  return { stream, merged, merger };
}

/** Whether a promise settled by now (microtasks flushed). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

const rows = (...ids: number[]): Row[] => ids.map((id) => [id, `v${id}`]);

describe('ChunkMerger: the watermark', () => {
  it('holds a chunk until the stream boundary reaches its high watermark, then places it there', async () => {
    const { stream, merged, merger } = setup();
    const p = merger.register(NAME);
    p.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 500), countRows);
    expect(stream.placed).toEqual([]);
    expect(merger.pendingChunks).toBe(1);
    stream.moveTo('binlog.000001', 499);
    merger.tryMerge();
    expect(stream.placed).toEqual([]);
    expect(await settled(p.handle.merged)).toBe(false);
    stream.moveTo('binlog.000001', 500);
    merger.tryMerge();
    expect(stream.placed).toHaveLength(1);
    expect(stream.placed[0]).toMatchObject({ table: NAME, rows: rows(1, 2, 3), at: 'binlog.000001:500', timestampMs: NOW });
    expect(stream.placed[0]!.progress.current!.rows).toBe(3);
    expect(merged).toEqual([stream.placed[0]!.progress]);
    expect(merger.cursor).toBe(stream.placed[0]!.progress);
    expect(merger.pendingChunks).toBe(0);
    expect(await settled(p.handle.merged)).toBe(true);
    // Placed once: a later boundary does not place it again.
    stream.moveTo('binlog.000001', 900);
    merger.tryMerge();
    expect(stream.placed).toHaveLength(1);
  });

  it('a later binlog file is past a watermark whatever its offset; ready() merges at once when already past', () => {
    const { stream, merger } = setup();
    stream.moveTo('binlog.000002', 4);
    merger.register(NAME).ready(chunk(T, rows(1), 'binlog.000001', 90_000), countRows);
    expect(stream.placed.map((p) => p.at)).toEqual(['binlog.000002:4']);
  });

  it('never places rows inside a transaction, even past the watermark', () => {
    const { stream, merger } = setup();
    stream.inTransaction = true;
    stream.moveTo('binlog.000001', 1000);
    merger.register(NAME).ready(chunk(T, rows(1), 'binlog.000001', 500), countRows);
    merger.tryMerge();
    expect(stream.placed).toEqual([]);
    stream.inTransaction = false;
    merger.tryMerge();
    expect(stream.placed).toHaveLength(1);
  });

  it('places nothing while there is no cursor; replace() starts the run', () => {
    const { stream, merger } = setup(null);
    merger.register(NAME).ready(chunk(T, rows(1), 'binlog.000001', 50), countRows);
    merger.tryMerge();
    expect(stream.placed).toEqual([]);
    expect(merger.cursor).toBeNull();
    const start = cursorFor(snapshotOf(T));
    merger.replace(start);
    expect(merger.cursor).toBe(start);
    // The stream carries the new run at once, so the next batch stores it even before a chunk joins.
    expect(stream.recorded).toBe(start);
    merger.tryMerge();
    expect(stream.placed).toHaveLength(1);
    expect(stream.placed[0]!.progress.current!.rows).toBe(1);
  });
});

describe('ChunkMerger: keys changed while a chunk is pending', () => {
  it('drops keys in before and after images, in order, and counts only the rows kept', () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    merger.observe(T, [
      { before: null, after: [2, 'new'] }, // insert
      { before: [3, 'a'], after: [4, 'b'] }, // update that moves key 3 to 4
      { before: [6, 'x'], after: null }, // delete
    ]);
    p.ready(chunk(T, rows(1, 2, 3, 4, 5, 6, 7), 'binlog.000001', 100), countRows);
    expect(stream.placed[0]!.rows).toEqual(rows(1, 5, 7));
    expect(stream.placed[0]!.progress.current!.rows).toBe(3);
  });

  it('keeps watching after the rows are read, until the chunk joins the stream', () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    p.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 400), countRows);
    merger.observe(T, [{ before: [2, 'a'], after: [2, 'b'] }]);
    stream.moveTo('binlog.000001', 400);
    merger.tryMerge();
    expect(stream.placed[0]!.rows).toEqual(rows(1, 3));
  });

  it('drops keys the stream changed since the run started, also before the chunk registered, but not those of other tables', () => {
    const { stream, merger } = setup();
    merger.observe(T, [{ before: null, after: [1, 'early'] }]);
    const p = merger.register(NAME);
    merger.observe(OTHER, [{ before: [2, 'x'], after: null }]);
    p.ready(chunk(T, rows(1, 2), 'binlog.000001', 100), countRows);
    expect(stream.placed[0]!.rows).toEqual(rows(2));
    // Between two chunks of the table, and while the next one is pending.
    merger.observe(T, [{ before: null, after: [3, 'between'] }]);
    const next = merger.register(NAME);
    merger.observe(T, [{ before: null, after: [4, 'during'] }]);
    next.ready(chunk(T, rows(3, 4, 5), 'binlog.000001', 100), countRows);
    expect(stream.placed[1]!.rows).toEqual(rows(5));
    expect(stream.placed[1]!.progress.current!.rows).toBe(2);
  });

  it('forgets changes from before the run, and the keys of a table once it is copied', () => {
    const { stream, merger } = setup(null);
    merger.observe(T, [{ before: null, after: [1, 'before the run'] }]);
    merger.replace({ runId: 'run-2', tables: [NAME, 'shop.other'], finished: {}, current: snapshotOf(T), completedAtMs: null });
    merger.observe(T, [{ before: null, after: [2, 'in the run'] }]);
    const p = merger.register(NAME);
    p.ready({ ...chunk(T, rows(1, 2, 3), 'binlog.000001', 100), last: true }, (c, n) => ({ ...c, current: null, finished: { ...c.finished, [NAME]: n } }));
    expect(stream.placed[0]!.rows).toEqual(rows(1, 3));
    // Copied: changes to it no longer matter to the run (the next table's keys still do).
    merger.observe(T, [{ before: null, after: [4, 'after its copy'] }]);
    merger.observe(OTHER, [{ before: null, after: [7, 'waiting'] }]);
    merger.replace({ ...merger.cursor!, current: snapshotOf(OTHER) });
    const q = merger.register('shop.other');
    q.ready(chunk(OTHER, rows(6, 7), 'binlog.000001', 100), countRows);
    expect(stream.placed[1]!.rows).toEqual(rows(6));
  });

  it('compares keys by value and type: the string "2" is not the number 2', () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    merger.observe(T, [{ before: null, after: ['2', 'x'] }]);
    p.ready(chunk(T, rows(1, 2), 'binlog.000001', 100), countRows);
    expect(stream.placed[0]!.rows).toEqual(rows(1, 2));
  });

  it('drops the whole chunk (and still records progress) when the stream rows lack the key columns', () => {
    const { stream, merged, merger } = setup();
    const p = merger.register(NAME);
    merger.observe(ALTERED, [{ before: null, after: ['only v'] }]);
    p.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 100), (c, n) => ({
      ...countRows(c, n),
      current: c.current && { ...c.current, ranges: [{ after: [3], upTo: null, done: false }], rows: c.current.rows + n },
    }));
    expect(stream.placed[0]!.rows).toEqual([]);
    expect(stream.placed[0]!.progress.current!.rows).toBe(0);
    expect(stream.placed[0]!.progress.current!.ranges[0]!.after).toEqual([3]);
    expect(merged).toHaveLength(1);
  });

  it('matches composite keys by the key columns in key order, wherever they sit in the row', () => {
    const { stream, merger } = setup(cursorFor(snapshotOf(PAIRS)));
    const p = merger.register('shop.pairs');
    // Rows are (seq, v, region).
    merger.observe(PAIRS, [{ before: [2, 'x', 'cn'], after: [2, 'y', 'cn'] }]);
    p.ready(
      chunk(
        PAIRS,
        [
          [1, 'a', 'cn'],
          [2, 'b', 'cn'],
          [2, 'c', 'us'],
          [1, 'd', 'us'],
        ],
        'binlog.000001',
        100,
      ),
      countRows,
    );
    expect(stream.placed[0]!.rows).toEqual([
      [1, 'a', 'cn'],
      [2, 'c', 'us'],
      [1, 'd', 'us'],
    ]);
  });

  it("uses the plan's key (a unique key) when the table has no primary key", () => {
    const NO_PK: TableSchema = { ...T, pkNames: [], columns: [column('id', false), column('v', false)] };
    const { stream, merger } = setup(cursorFor(snapshotOf(NO_PK, ['id'])));
    const p = merger.register(NAME);
    merger.observe(NO_PK, [{ before: [2, 'a'], after: null }]);
    p.ready(chunk(NO_PK, rows(1, 2, 3), 'binlog.000001', 100), countRows);
    expect(stream.placed[0]!.rows).toEqual(rows(1, 3));
  });
});

describe('ChunkMerger: progress and order', () => {
  it('a progress-only step is placed at the next boundary between transactions, with no rows', async () => {
    const { stream, merged, merger } = setup();
    stream.inTransaction = true;
    const done = merger.progress((c) => ({ ...c, completedAtMs: 123 }));
    expect(stream.placed).toEqual([]);
    expect(await settled(done)).toBe(false);
    stream.inTransaction = false;
    merger.tryMerge();
    expect(stream.placed).toEqual([{ table: null, rows: [], progress: { ...cursorFor(snapshotOf(T)), completedAtMs: 123 }, at: 'binlog.000001:100', timestampMs: NOW }]);
    expect(merged.at(-1)!.completedAtMs).toBe(123);
    expect(merger.cursor!.completedAtMs).toBe(123);
    expect(await settled(done)).toBe(true);
  });

  it('places ready chunks in registration order; one not yet read does not hold back another range', () => {
    const { stream, merger } = setup();
    const tag = (range: number) => (c: SnapshotCursor, n: number) => ({ ...countRows(c, n), runId: `${c.runId}>${range}` });
    const a = merger.register(NAME);
    const b = merger.register(NAME);
    const c = merger.register(NAME);
    c.ready(chunk(T, rows(30), 'binlog.000001', 700), tag(2));
    b.ready(chunk(T, rows(20), 'binlog.000001', 600), tag(1));
    expect(stream.placed).toEqual([]);
    stream.moveTo('binlog.000001', 800);
    merger.tryMerge();
    // b and c were both ready and past: registration order, not readiness order.
    expect(stream.placed.map((p) => p.rows[0]![0])).toEqual([20, 30]);
    expect(merger.pendingChunks).toBe(1);
    a.ready(chunk(T, rows(10), 'binlog.000001', 800), tag(0));
    expect(stream.placed.map((p) => p.rows[0]![0])).toEqual([20, 30, 10]);
    // Each placement carries the cursor after every earlier one.
    expect(stream.placed.map((p) => p.progress.runId)).toEqual(['run-1>1', 'run-1>1>2', 'run-1>1>2>0']);
    expect(stream.placed.map((p) => p.progress.current!.rows)).toEqual([1, 2, 3]);
  });

  it('a chunk with a later watermark waits while an earlier-registered one with a lower watermark goes', () => {
    const { stream, merger } = setup();
    merger.register(NAME).ready(chunk(T, rows(1), 'binlog.000001', 900), countRows);
    merger.register(NAME).ready(chunk(T, rows(2), 'binlog.000001', 300), countRows);
    stream.moveTo('binlog.000001', 500);
    merger.tryMerge();
    expect(stream.placed.map((p) => p.rows[0]![0])).toEqual([2]);
    stream.moveTo('binlog.000001', 900);
    merger.tryMerge();
    expect(stream.placed.map((p) => p.rows[0]![0])).toEqual([2, 1]);
  });
});

describe('ChunkMerger: a DDL while a chunk is pending', () => {
  it('a chunk whose table was altered while it was read is not placed: the cursor stays, its worker reads the range again', async () => {
    const { stream, merged, merger } = setup();
    const before = merger.cursor;
    const p = merger.register(NAME);
    merger.observeDdl('ALTER_TABLE', 'shop', 'orders');
    p.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 100), countRows);
    expect(stream.placed).toEqual([]);
    expect(merged).toEqual([]);
    expect(merger.cursor).toBe(before);
    expect(merger.pendingChunks).toBe(0);
    expect(await p.handle.merged).toBe('stale');
    // The range read again after the DDL joins as usual.
    const again = merger.register(NAME);
    stream.moveTo('binlog.000001', 300);
    again.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 300), countRows);
    expect(stream.placed.map((x) => x.rows)).toEqual([rows(1, 2, 3)]);
    expect(await again.handle.merged).toBe('placed');
  });

  it('also when the DDL comes after the rows were read, while the chunk waits for its watermark; it leaves even inside a transaction', async () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    p.ready(chunk(T, rows(1, 2), 'binlog.000001', 500), countRows);
    stream.moveTo('binlog.000001', 400);
    merger.tryMerge();
    merger.observeDdl('ALTER_TABLE', 'shop', 'orders');
    stream.inTransaction = true;
    stream.moveTo('binlog.000001', 600);
    merger.tryMerge();
    expect(await settled(p.handle.merged)).toBe(true);
    expect(await p.handle.merged).toBe('stale');
    stream.inTransaction = false;
    merger.tryMerge();
    expect(stream.placed).toEqual([]);
  });

  it('a chunk already past its watermark is placed before the DDL (the assembler merges before it reports the DDL)', async () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    stream.inTransaction = true;
    p.ready(chunk(T, rows(1, 2), 'binlog.000001', 100), countRows);
    stream.inTransaction = false;
    merger.tryMerge(); // beforeTransaction of the DDL's transaction
    merger.observeDdl('ALTER_TABLE', 'shop', 'orders');
    expect(stream.placed.map((x) => x.rows)).toEqual([rows(1, 2)]);
    expect(await p.handle.merged).toBe('placed');
  });

  it('DDL on another table leaves the chunk alone; its database dropped or a RENAME makes it stale; progress steps are never stale', async () => {
    const outcome = async (ddl: (m: ChunkMerger) => void) => {
      const { merger } = setup();
      const p = merger.register(NAME);
      ddl(merger);
      p.ready(chunk(T, rows(1), 'binlog.000001', 100), countRows);
      return p.handle.merged;
    };
    expect(await outcome((m) => m.observeDdl('ALTER_TABLE', 'shop', 'other'))).toBe('placed');
    expect(await outcome((m) => m.observeDdl('ALTER_TABLE', 'shop2', 'orders'))).toBe('placed');
    expect(await outcome((m) => m.observeDdl('CREATE_INDEX', 'shop', 'orders'))).toBe('stale');
    expect(await outcome((m) => m.observeDdl('DROP_DATABASE', 'shop', ''))).toBe('stale');
    expect(await outcome((m) => m.observeDdl('ALTER_DATABASE', 'other_db', ''))).toBe('placed');
    expect(await outcome((m) => m.observeDdl('RENAME_TABLE', 'shop', 'archive'))).toBe('stale');

    const { stream, merger } = setup();
    stream.inTransaction = true;
    const done = merger.progress((c) => ({ ...c, completedAtMs: 1 }));
    merger.observeDdl('DROP_DATABASE', 'shop', '');
    stream.inTransaction = false;
    merger.tryMerge();
    await done;
    expect(merger.cursor!.completedAtMs).toBe(1);
  });
});

describe('ChunkMerger: reads ahead and DDL counts', () => {
  it('cancels a registered chunk that will never be ready: it leaves at once, settles stale, and does not hold others back', async () => {
    const { stream, merger } = setup();
    const first = merger.register(NAME);
    const ahead = merger.register(NAME);
    first.ready(chunk(T, rows(1, 2), 'binlog.000001', 500), countRows);
    expect(merger.pendingChunks).toBe(2);
    ahead.cancel();
    expect(merger.pendingChunks).toBe(1);
    expect(await ahead.handle.merged).toBe('stale');
    stream.moveTo('binlog.000001', 500);
    merger.tryMerge();
    expect(stream.placed.map((p) => p.rows)).toEqual([rows(1, 2)]);
    expect(await first.handle.merged).toBe('placed');
  });

  it('does not cancel a chunk already ready: it still joins the stream', async () => {
    const { stream, merger } = setup();
    const p = merger.register(NAME);
    p.ready(chunk(T, rows(1), 'binlog.000001', 500), countRows);
    p.cancel();
    expect(merger.pendingChunks).toBe(1);
    stream.moveTo('binlog.000001', 500);
    merger.tryMerge();
    expect(await p.handle.merged).toBe('placed');
    expect(stream.placed.map((x) => x.rows)).toEqual([rows(1)]);
  });

  it('counts every DDL the stream passes, of any table (chunk readers keep a shape while the count stays)', () => {
    const { merger } = setup();
    expect(merger.ddlsSeen).toBe(0);
    merger.observeDdl('ALTER_TABLE', 'shop', 'orders');
    merger.observeDdl('CREATE_TABLE', 'elsewhere', 't');
    expect(merger.ddlsSeen).toBe(2);
  });

  it('still drops keys the stream changed before the chunk registered (the per-row check runs whenever the table has changed keys)', () => {
    const { stream, merger } = setup();
    merger.observe(T, [{ before: null, after: [2, 'changed before'] }]);
    const p = merger.register(NAME);
    p.ready(chunk(T, rows(1, 2, 3), 'binlog.000001', 100), countRows);
    expect(stream.placed[0]!.rows).toEqual(rows(1, 3));
  });
});
