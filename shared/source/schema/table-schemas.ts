/**
 * Table shapes from INFORMATION_SCHEMA, cached per table and dropped when DDL touching the table
 * passes through the stream. The binlog's own column names (binlog_row_metadata=FULL) are the
 * authority on which columns a row event holds: when they disagree with the catalog (the reader
 * is behind an ALTER), the shape is built from the binlog metadata instead.
 */
import { MysqlTypeCode, typeCodeOf, type Column, type TableSchema } from '../../record/index.ts';

export type SqlQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

interface CatalogColumn {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  CHARACTER_SET_NAME: string | null;
  COLLATION_NAME: string | null;
  IS_NULLABLE: string;
}

interface IndexColumn {
  INDEX_NAME: string;
  NON_UNIQUE: number | string;
  COLUMN_NAME: string;
  NULLABLE: string;
}

/** What a TableMap event says about a column (zongji's ColumnSchema, synthesised from FULL metadata). */
export interface BinlogColumn {
  readonly name: string;
  readonly columnType: string;
  readonly charset: string | null;
  readonly unsigned?: boolean;
}

const COLUMNS_SQL = `SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;
const KEYS_SQL = `SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, NULLABLE FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`;

/** The primary key, else the first unique key whose columns are all NOT NULL (as DTS accepts). */
export function chooseKey(index: readonly IndexColumn[]): string[] {
  const groups = new Map<string, IndexColumn[]>();
  for (const c of index) {
    if (Number(c.NON_UNIQUE) !== 0) continue;
    const list = groups.get(c.INDEX_NAME) ?? [];
    list.push(c);
    groups.set(c.INDEX_NAME, list);
  }
  for (const [, cols] of groups) {
    if (cols.every((c) => c.NULLABLE !== 'YES')) return cols.map((c) => c.COLUMN_NAME);
  }
  return [];
}

function toColumn(name: string, type: string, charset: string | null, nullable: boolean, key: boolean, unsigned?: boolean): Column {
  const typeCode = typeCodeOf(type) ?? MysqlTypeCode.VAR_STRING;
  return { name, type, typeCode, unsigned: unsigned ?? /\bunsigned\b/i.test(type), charset, nullable, key };
}

function sameNames(columns: readonly Column[], names: readonly string[]): boolean {
  return columns.length === names.length && columns.every((c, i) => c.name === names[i]);
}

/** A table's shape as the catalog has it now (no columns: the table does not exist). */
export async function catalogSchema(query: SqlQuery, database: string, table: string): Promise<TableSchema> {
  const [columns, index] = await Promise.all([query<CatalogColumn>(COLUMNS_SQL, [database, table]), query<IndexColumn>(KEYS_SQL, [database, table])]);
  const key = chooseKey(index);
  return {
    database,
    table,
    pkNames: key,
    columns: columns.map((c) => ({
      ...toColumn(c.COLUMN_NAME, c.COLUMN_TYPE, c.CHARACTER_SET_NAME, c.IS_NULLABLE === 'YES', key.includes(c.COLUMN_NAME)),
      ...(c.COLLATION_NAME ? { collation: c.COLLATION_NAME } : {}),
    })),
  };
}

export class TableSchemas {
  readonly #query: SqlQuery;
  readonly #cache = new Map<string, TableSchema>();

  constructor(query: SqlQuery) {
    this.#query = query;
  }

  /** The cached shape if it matches the binlog's columns; undefined means `load` is needed. */
  peek(database: string, table: string, binlog: readonly BinlogColumn[]): TableSchema | undefined {
    const cached = this.#cache.get(`${database}.${table}`);
    return cached &&
      sameNames(
        cached.columns,
        binlog.map((c) => c.name),
      )
      ? cached
      : undefined;
  }

  async load(database: string, table: string, binlog: readonly BinlogColumn[]): Promise<TableSchema> {
    let schema = await catalogSchema(this.#query, database, table);
    const key = schema.pkNames;
    if (
      binlog.length > 0 &&
      !sameNames(
        schema.columns,
        binlog.map((c) => c.name),
      )
    ) {
      // The catalog is ahead of (or behind) the event: trust the event for names and types.
      const byName = new Map(schema.columns.map((c) => [c.name, c]));
      const fromBinlog = binlog.map((b) => {
        const known = byName.get(b.name);
        if (known && typeCodeOf(known.type) === typeCodeOf(b.columnType)) return known;
        return toColumn(b.name, b.columnType, b.charset, true, key.includes(b.name), b.unsigned);
      });
      schema = { database, table, pkNames: key.filter((k) => fromBinlog.some((c) => c.name === k)), columns: fromBinlog };
    }
    this.#cache.set(`${database}.${table}`, schema);
    return schema;
  }

  invalidate(database: string, table?: string): void {
    if (table === undefined) {
      for (const k of this.#cache.keys()) if (k.startsWith(`${database}.`)) this.#cache.delete(k);
    } else {
      this.#cache.delete(`${database}.${table}`);
    }
  }
}
