/**
 * Reads one chunk in a short transaction of its own, with the binlog position the rows are
 * consistent with (the high watermark). MariaDB reports the exact position of a consistent
 * snapshot (`Binlog_snapshot_file/position`). MySQL has no such variable: its position is the
 * binlog's end read right after the snapshot starts, an upper bound of the snapshot's true point
 * (a commit is written to the binlog before InnoDB makes it visible, so everything the snapshot
 * sees is before it). The commits between the two are changes the stream delivers before the
 * chunk joins it, and the merger drops every key the stream changed since the run started, so the
 * merged result is exactly the table at that position. No table or global lock is needed: a lock
 * (FLUSH TABLES WITH READ LOCK, or LOCK TABLES per chunk) would make the point exact too, but needs
 * RELOAD or LOCK TABLES on RDS, and stalls writers behind any long transaction on the table.
 * The table's shape is read before the snapshot starts, never inside it: an instant ALTER (MariaDB
 * 10.3+) lets an older snapshot read the table without an error, so a shape read inside the
 * snapshot could be newer than the rows' position. Read before, it is the shape at the position or
 * an older one, and the merger re-reads a chunk when a DDL on its table passes while it is pending.
 * The shape is read once and kept while no DDL passes (shape-cache.ts says why that is as safe).
 */
import type { Connection as CoreConnection, QueryOptions } from 'mysql2';
import { InvariantError } from '../../errors.ts';
import type { BinlogPoint, Column, TableSchema, TableSnapshot, Value } from '../../record/index.ts';
import type { SourceEndpoint } from '../binlog/connection-options.ts';
import { binlogStatus } from '../binlog-status.ts';
import { openSourceConnection, type SourceConnection } from '../connection.ts';
import { SourceConnectionError } from '../errors.ts';
import { FullSyncQueryError } from './errors.ts';
import { catalogSchema, type SqlQuery } from '../schema/table-schemas.ts';
import { ChunkRows, ChunkRowsWriter } from './chunk-rows.ts';
import { chunkQuery, selectList } from './key-sql.ts';
import { queryRows } from './row-query.ts';
import { ShapeCache } from './shape-cache.ts';
import { typeCastFor } from './snapshot-values.ts';

export interface Chunk {
  readonly schema: TableSchema;
  /** The rows as the queue stores them (chunk-rows.ts). */
  readonly rows: ChunkRows;
  /** Their stored size (the throttle's bytes). */
  readonly bytes: number;
  /** The binlog position the rows are consistent with: they join the stream there. */
  readonly high: BinlogPoint;
  /** Key of the last row (the next chunk starts after it); null when the chunk is empty. */
  readonly lastKey: readonly Value[] | null;
  /** Fewer rows than asked: the range is finished. */
  readonly last: boolean;
}

/** The table was altered between reading its shape and its rows: read the chunk again. */
class ShapeChangedError extends Error {}

const TABLE_DEF_CHANGED = 1412;
const UNKNOWN_COLUMN = 1054;

export class ChunkReader {
  readonly #endpoint: SourceEndpoint;
  readonly #isMariaDb: boolean;
  readonly #shapes: ShapeCache;
  #source: SourceConnection | null = null;
  /** The last chunk's stored size: the next one's buffer starts there. */
  #lastBytes = 1 << 16;

  /** `ddlsSeen`: how many DDLs the stream has passed (a change means a kept shape may be out of date). */
  constructor(endpoint: SourceEndpoint, isMariaDb: boolean, ddlsSeen: () => number) {
    this.#endpoint = endpoint;
    this.#isMariaDb = isMariaDb;
    this.#shapes = new ShapeCache(ddlsSeen);
  }

  /** Rows come as arrays (the chunks' values); catalog and status queries go through the source's `query`, as objects. */
  async #connection(): Promise<SourceConnection> {
    if (this.#source) return this.#source;
    // No connection-wide type cast: a query passes one only when its columns need it (typeCastFor).
    const source = await openSourceConnection(this.#endpoint, 'the full sync', { rowsAsArray: true });
    // TIMESTAMP values in UTC, as the binlog reader renders them; snapshots need REPEATABLE READ.
    await source.conn.query("SET SESSION time_zone = '+00:00'");
    await source.conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    this.#source = source;
    return source;
  }

  async read(table: TableSnapshot, rangeIndex: number, condition: string | null, limit: number): Promise<Chunk> {
    if (table.key.length === 0) throw new InvariantError(`${table.database}.${table.table} has no key to read in chunks; keyless tables go through scan()`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#readOnce(table, rangeIndex, condition, limit);
      } catch (err) {
        const errno = (err as { errno?: number }).errno;
        const retry = err instanceof ShapeChangedError || errno === TABLE_DEF_CHANGED || errno === UNKNOWN_COLUMN;
        if (retry) this.#shapes.forget(table);
        await this.#source?.conn.query('ROLLBACK').catch(() => {});
        if (!retry || attempt >= 10) throw this.#wrap(err as Error, table);
      }
    }
  }

  async #readOnce(table: TableSnapshot, rangeIndex: number, condition: string | null, limit: number): Promise<Chunk> {
    const { conn, query } = await this.#connection();
    const range = table.ranges[rangeIndex]!;
    const shape = await this.#shapes.get(query, table);
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const high = await this.#snapshotPoint(query);
    const { sql, params } = chunkQuery({ database: table.database, table: table.table, key: table.key, after: range.after, upTo: range.upTo, filter: condition, limit, select: shape.select });
    const out = new ChunkRowsWriter(this.#lastBytes + (this.#lastBytes >> 3));
    const fields = await queryRows(coreOf(conn), { sql, values: params, ...(shape.typeCast ? { typeCast: shape.typeCast } : {}) }, shape.schema.columns, { rows: out, rowEnded() {} });
    await conn.query('COMMIT');
    // An ALTER between the catalog and the SELECT either fails the SELECT (table definition changed,
    // or an unknown column) or leaves the columns asked for as they were; a shape that still differs
    // is read again.
    if (!this.#shapes.fits(table, shape, fields)) throw new ShapeChangedError();
    const { schema, keyIndexes } = shape;
    const rows = out.finish();
    this.#lastBytes = Math.max(1 << 12, rows.byteLength);
    const lastRow = rows.length > 0 ? rows.row(rows.length - 1) : null;
    return { schema, rows, bytes: rows.byteLength, high, lastKey: lastRow ? keyIndexes.map((i) => lastRow[i]!) : null, last: table.key.length === 0 || rows.length < limit };
  }

  /**
   * A table without a key, opted in to one pass: a single consistent read streamed in pieces of
   * `pieceRows` (the socket waits while `onPiece` does), all consistent with the same position.
   * The transaction stays open for the whole table, and rows changed meanwhile may arrive twice
   * or be overtaken by their older image: the reason DTS refuses such tables by default.
   */
  async scan(table: TableSnapshot, condition: string | null, pieceRows: number, onPiece: (chunk: Chunk) => Promise<void>): Promise<void> {
    const { conn, query } = await this.#connection();
    try {
      const schema = await catalogSchema(query, table.database, table.table);
      await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const high = await this.#snapshotPoint(query);
      const { sql, params } = chunkQuery({ database: table.database, table: table.table, key: [], after: null, upTo: null, filter: condition, limit: 0, select: selectList(schema.columns) });
      const typeCast = typeCastFor(schema.columns);
      const select: QueryOptions = { sql, values: params, ...(typeCast ? { typeCast } : {}) };
      await streamPieces(coreOf(conn), select, schema.columns, pieceRows, (rows, last) => onPiece({ schema, rows, bytes: rows.byteLength, high, lastKey: null, last }));
      await conn.query('COMMIT');
    } catch (err) {
      await this.#source?.conn.query('ROLLBACK').catch(() => {});
      throw this.#wrap(err as Error, table);
    }
  }

  async #snapshotPoint(query: SqlQuery): Promise<BinlogPoint> {
    if (this.#isMariaDb) {
      const rows = await query<{ Variable_name: string; Value: string }>("SHOW STATUS LIKE 'binlog_snapshot_%'", []);
      const status = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
      return { file: status.get('binlog_snapshot_file') ?? '', position: Number(status.get('binlog_snapshot_position')) };
    }
    const status = await binlogStatus(query);
    if (!status)
      throw new SourceConnectionError(
        'SHOW MASTER STATUS (SHOW BINARY LOG STATUS on MySQL 8.4) returned nothing during the full sync: binary logging is off, or the source user needs the REPLICATION CLIENT privilege (GRANT REPLICATION CLIENT ON *.* TO the user)',
      );
    return status;
  }

  /** Lost connections are retried; a statement the server rejects (privileges, syntax) is not. */
  #wrap(err: Error, table: TableSnapshot): Error {
    const context = { database: table.database, table: table.table };
    const e = err as { errno?: number; fatal?: boolean };
    if (e.errno !== undefined && !e.fatal && !(err instanceof ShapeChangedError)) {
      return new FullSyncQueryError(`full sync of ${table.database}.${table.table} failed: the source rejected a query (${err.message})`, context, err);
    }
    return new SourceConnectionError(`full sync of ${table.database}.${table.table} failed: ${err.message}`, context, err);
  }

  async close(): Promise<void> {
    await this.#source?.close();
    this.#source = null;
  }
}

/** The promise wrapper's callback connection (queries with a row sink go through it). */
function coreOf(conn: SourceConnection['conn']): CoreConnection {
  return (conn as unknown as { connection: CoreConnection }).connection;
}

/**
 * A query's rows in pieces of `pieceRows`: the socket pauses while a full piece waits for
 * `onPiece`, so the pieces in memory stay at two at most however large the table. If `onPiece`
 * fails, the rest of the result is read and dropped (mysql2 cannot cancel a query) and the
 * failure is thrown.
 */
async function streamPieces(core: CoreConnection, query: QueryOptions, columns: readonly Column[], pieceRows: number, onPiece: (rows: ChunkRows, last: boolean) => Promise<void>): Promise<void> {
  const full: ChunkRows[] = [];
  let wake: (() => void) | null = null;
  let dropping = false;
  const sink = {
    rows: new ChunkRowsWriter(),
    rowEnded() {
      if (sink.rows.count < pieceRows) return;
      const piece = sink.rows.finish();
      sink.rows = new ChunkRowsWriter(piece.byteLength);
      if (dropping) return;
      full.push(piece);
      core.pause();
      wake?.();
    },
  };
  let ended = false;
  const done = queryRows(core, query, columns, sink).finally(() => {
    ended = true;
    wake?.();
  });
  done.catch(() => {});
  try {
    while (true) {
      const piece = full.shift();
      if (piece) {
        await onPiece(piece, false);
        if (full.length === 0) core.resume();
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } catch (err) {
    dropping = true;
    full.length = 0;
    core.resume();
    await done.catch(() => {});
    throw err;
  }
  await done;
  await onPiece(sink.rows.finish(), true);
}
