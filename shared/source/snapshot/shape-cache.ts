/**
 * A table's shape for its chunk reads, read from the catalog once per table and kept until the
 * stream passes a DDL (any DDL: they are rare) or a chunk's result columns differ from those of the
 * first chunk read with it. Reading the catalog before every chunk cost two information_schema
 * queries per chunk; keeping it is as safe, because a DDL that changes the rows' shape is caught
 * one of three ways:
 * - the stream passed it before the chunk registered: the DDL count moved, the shape is read again
 *   (still before the chunk's snapshot starts, see chunk-reader.ts);
 * - the stream passes it while the chunk is pending: the merger finds the chunk stale and its
 *   worker reads the range again, with a fresh shape (the count moved);
 * - the stream has not reached it yet when the chunk is placed: impossible, a chunk joins the
 *   stream only after its snapshot's position, which is after the DDL.
 * The column check is a second line for DDLs the stream does not report (a RENAME onto a selected
 * name from an unselected one): names, types, charsets, flags, lengths and decimals.
 */
import type { FieldPacket } from 'mysql2';
import type { TableSchema, TableSnapshot } from '../../record/index.ts';
import { catalogSchema, type SqlQuery } from '../schema/table-schemas.ts';
import { sameNames } from './changed-keys.ts';
import { selectList } from './key-sql.ts';
import { typeCastFor } from './snapshot-values.ts';

/** What a chunk read needs of its table, computed once per shape. */
export interface ChunkShape {
  /** The catalog's shape with the plan's key as the key (the same object for every chunk). */
  readonly schema: TableSchema;
  /** The SELECT list (FLOAT cast to DOUBLE, see key-sql.ts). */
  readonly select: string;
  readonly typeCast: ReturnType<typeof typeCastFor>;
  /** Positions of the key's columns in a row. */
  readonly keyIndexes: readonly number[];
}

interface Entry {
  readonly shape: ChunkShape;
  readonly key: readonly string[];
  /** The DDL count when the catalog was read. */
  readonly ddls: number;
  /** The result columns of the first chunk read with this shape; null until then. */
  columns: string | null;
}

export class ShapeCache {
  readonly #entries = new Map<string, Entry>();
  /** How many DDLs the stream has passed so far (ChunkMerger.ddlsSeen). */
  readonly #ddls: () => number;

  constructor(ddls: () => number) {
    this.#ddls = ddls;
  }

  /** The table's shape, from the catalog unless a kept one is still valid. Call after the chunk registered. */
  async get(query: SqlQuery, table: TableSnapshot): Promise<ChunkShape> {
    const name = `${table.database}.${table.table}`;
    const kept = this.#entries.get(name);
    const ddls = this.#ddls();
    if (kept && kept.ddls === ddls && sameNames(kept.key, table.key)) return kept.shape;
    const catalog = await catalogSchema(query, table.database, table.table);
    const schema: TableSchema = { ...catalog, pkNames: table.key, columns: catalog.columns.map((c) => ({ ...c, key: table.key.includes(c.name) })) };
    const shape: ChunkShape = {
      schema,
      select: selectList(schema.columns),
      typeCast: typeCastFor(schema.columns),
      keyIndexes: table.key.map((k) => schema.columns.findIndex((c) => c.name === k)),
    };
    this.#entries.set(name, { shape, key: table.key, ddls, columns: null });
    return shape;
  }

  /**
   * Whether a chunk's result columns fit the shape it was read with: the first chunk's must carry
   * the shape's names in order (an ALTER between the catalog and the SELECT that left the names
   * asked for readable), later chunks' must equal the first's in every attribute.
   */
  fits(table: TableSnapshot, shape: ChunkShape, fields: readonly FieldPacket[]): boolean {
    const entry = this.#entries.get(`${table.database}.${table.table}`);
    if (entry?.shape !== shape) return false;
    const columns = fields.map((f) => `${f.name}\u0000${f.columnType}\u0000${f.characterSet}\u0000${String(f.flags)}\u0000${f.columnLength}\u0000${f.decimals}`).join('\u0001');
    if (entry.columns !== null) return entry.columns === columns;
    if (fields.length !== shape.schema.columns.length || fields.some((f, i) => f.name !== shape.schema.columns[i]!.name)) return false;
    entry.columns = columns;
    return true;
  }

  /** The shape is wrong or doubtful (the source rejected the SELECT): read the catalog next time. */
  forget(table: TableSnapshot): void {
    this.#entries.delete(`${table.database}.${table.table}`);
  }
}
