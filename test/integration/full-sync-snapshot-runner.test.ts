/**
 * A worker against the real source and a fake stream whose position the test holds back: it reads
 * one chunk ahead while the previous one waits to join the stream (never two), a DDL that makes
 * both stale drops the one ahead and the range is read again from the cursor, so every row is
 * placed once, in key order. The shape cache: one catalog read per table while no DDL passes, a
 * new one when the count moves, and a column change the stream did not report still caught.
 */
import { describe, expect, it } from 'vitest';
import { createThrottle } from '../../shared/ops/throttle.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import type { ResumePosition, TableSchema, TableSnapshot } from '../../shared/record/index.ts';
import type { SqlQuery } from '../../shared/source/schema/table-schemas.ts';
import { ChunkMerger, type MergeTarget } from '../../shared/source/snapshot/chunk-merger.ts';
import { ChunkReader } from '../../shared/source/snapshot/chunk-reader.ts';
import type { ChunkRows } from '../../shared/source/snapshot/chunk-rows.ts';
import { ShapeCache } from '../../shared/source/snapshot/shape-cache.ts';
import { newSnapshotCursor, runSnapshot } from '../../shared/source/snapshot/snapshot-runner.ts';
import { Secret } from '../../shared/task/secret.ts';
import { stack, useDatabase, waitFor } from '../helpers/stack.ts';

const ROWS = 95;
const source = useDatabase('snaprunner', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))', 'CREATE TABLE ${db}.shape (id INT PRIMARY KEY, v VARCHAR(20))');
const endpoint = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: new Secret(''), connectTimeoutMs: 10_000 };
const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await source.conn().query(sql, params))[0] as T[];

const BEHIND: ResumePosition = { file: 'binlog.000000', position: 0, gtidSet: null, nextRecordId: 1 };
const AHEAD: ResumePosition = { file: 'binlog.999999', position: Number.MAX_SAFE_INTEGER, gtidSet: null, nextRecordId: 1 };

/** A stream that places chunks only once the test lets its position pass their watermarks. */
class HeldStream implements MergeTarget {
  inTransaction = false;
  boundary = BEHIND;
  readonly placed: number[][] = [];
  /** Chunks' rows (the run's last step, a progress mark without a table, places none). */
  init(schema: TableSchema | null, rows: ChunkRows): void {
    if (schema) this.placed.push(rows.toArray().map((r) => Number(r[0])));
  }
  record(): void {}
}

describe('runSnapshot: reading ahead', () => {
  it('reads one chunk ahead of the one waiting to join, and after a DDL makes both stale, places every row once in key order', { timeout: 60_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.t VALUES ${Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(',')}`);
    const stream = new HeldStream();
    const merger = new ChunkMerger(
      newSnapshotCursor('run', [`${db}.t`]),
      () => stream,
      () => {},
    );
    const logged: string[] = [];
    const log: Logger = { ...silentLogger, info: (message) => void logged.push(message) };
    const stop = new AbortController();
    const startedAt = Date.now();
    const run = runSnapshot(
      { workers: 1, chunkRows: 10, keylessTables: 'refuse', endpoint, isMariaDb: stack.source === 'mariadb', filters: new Map(), throttle: createThrottle(undefined) },
      { merger, query, signal: stop.signal, log, room: async () => {} },
    );
    let merging: NodeJS.Timeout | undefined;
    try {
      // The first chunk is read and waits for the stream; the second is registered and read meanwhile.
      await waitFor(() => merger.pendingChunks === 2, 10_000, 'a chunk waiting and one read ahead');
      await new Promise((r) => setTimeout(r, 300));
      expect(merger.pendingChunks).toBe(2); // never a third
      expect(stream.placed).toEqual([]);
      // An ALTER passes the stream while both are pending: neither may be placed.
      merger.observeDdl('ALTER_TABLE', db, 't');
      merger.tryMerge();
      stream.boundary = AHEAD;
      merging = setInterval(() => merger.tryMerge(), 5);
      await run;
    } finally {
      clearInterval(merging);
      stop.abort();
    }
    expect(stream.placed.flat()).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(stream.placed.map((rows) => rows.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(logged.filter((m) => m.startsWith('full sync chunk read again'))).toHaveLength(1);
    expect(merger.cursor!.completedAtMs).toBeGreaterThanOrEqual(startedAt);
    expect(merger.cursor!.completedAtMs).toBeLessThanOrEqual(Date.now());
    expect(merger.cursor!.finished).toEqual({ [`${db}.t`]: ROWS });
    expect(merger.pendingChunks).toBe(0);
  });
});

describe('ShapeCache', () => {
  const table = (): TableSnapshot => ({ database: source.db, table: 'shape', key: ['id'], ranges: [{ after: null, upTo: null, done: false }], rows: 0, estimatedRows: 0 });

  it('reads the catalog once while the DDL count stays, again when it moves or the shape is forgotten', async () => {
    let catalogReads = 0;
    const counting: SqlQuery = async <T>(sql: string, params: unknown[]) => {
      if (sql.includes('information_schema.COLUMNS')) catalogReads++;
      return query<T>(sql, params);
    };
    let ddls = 0;
    const cache = new ShapeCache(() => ddls);
    const first = await cache.get(counting, table());
    expect(await cache.get(counting, table())).toBe(first);
    expect(catalogReads).toBe(1);
    expect(first.schema.columns.map((c) => [c.name, c.type, c.key])).toEqual([
      ['id', 'int(11)', true],
      ['v', 'varchar(20)', false],
    ]);
    expect(first.keyIndexes).toEqual([0]);
    expect(first.typeCast).toBeUndefined();
    ddls++;
    const second = await cache.get(counting, table());
    expect(second).not.toBe(first);
    expect(catalogReads).toBe(2);
    cache.forget(table());
    await cache.get(counting, table());
    expect(catalogReads).toBe(3);
    // Another key for the same table (a new run chose another unique key): read again.
    await cache.get(counting, { ...table(), key: ['v'] });
    expect(catalogReads).toBe(4);
  });

  it('catches a column change the stream did not report: the next chunk comes back in the new shape', { timeout: 30_000 }, async () => {
    const { db } = source;
    await source.conn().query(`INSERT INTO ${db}.shape VALUES (1, 'a'), (2, 'b'), (3, '4')`);
    const reader = new ChunkReader(endpoint, stack.source === 'mariadb', () => 0);
    try {
      const before = await reader.read(table(), 0, null, 2);
      expect(before.schema.columns[1]!.type).toBe('varchar(20)');
      expect(before.rows.toArray()).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      const again = await reader.read(table(), 0, null, 2);
      expect(again.schema).toBe(before.schema); // kept: one object for every chunk
      // Same names, another type, and the DDL count never moved (as if the stream missed it).
      await source.conn().query(`UPDATE ${db}.shape SET v = '7' WHERE id < 3`);
      await source.conn().query(`ALTER TABLE ${db}.shape MODIFY v INT`);
      const after = await reader.read(table(), 0, null, 2);
      expect(after.schema.columns[1]!.type).toMatch(/^int/);
      expect(after.rows.toArray()).toEqual([
        [1, 7],
        [2, 7],
      ]);
    } finally {
      await reader.close();
    }
  });
});
