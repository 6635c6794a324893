/**
 * Schema sync, table by table, on the first row of each source table (a database-level selection
 * meets tables created after the start): the precheck of its columns and names, then `<t>_base`
 * and `<t>_log` created with CREATE TABLE IF NOT EXISTS when missing, or checked when present.
 * An existing table of another shape stops the task with both shapes named, except the one shape
 * this task itself leads to: the same columns plus columns at the end (an ADD COLUMN while the
 * task was stopped), which are added.
 *
 * Later rows of a known table are checked against the shape last synced (by the TableSchema
 * object first, so the common case is one comparison). Columns appended at the end (ADD COLUMN)
 * → what is buffered in the old shape is flushed, then `ALTER TABLE … ADD COLUMNS` on both tables;
 * an open upload session keeps its old schema, so the rows after it go to new sessions. Any other
 * change (DROP, RENAME, MODIFY to another MaxCompute type, ADD … FIRST/AFTER) stops the task with
 * the table, its last DDL statement and position: DTS synchronizes only ADD COLUMN to MaxCompute.
 */
import {
  addColumnsSql,
  columnFindings,
  columnsToAdd,
  createTableSql,
  describeShape,
  destinationNameFindings,
  MaxComputePrecheckError,
  namingConflicts,
  tableShapeMismatch,
  type DestinationTable,
  type DestinationTables,
  type MaxComputeLayout,
} from '../../encode/maxcompute/index.ts';
import type { Logger } from '../../log.ts';
import { formatRecordPosition, type DdlRecord, type RowRecord, type TableSchema } from '../../record/index.ts';
import type { MaxComputeClient } from './client-types.ts';
import { TableShapeError, UnsupportedSchemaChangeError } from './schema-errors.ts';

interface Synced {
  /** The TableSchema object last checked: records of one shape share it. */
  schema: TableSchema;
  tables: DestinationTables;
}

export class SchemaSync {
  readonly #client: MaxComputeClient;
  readonly #layout: MaxComputeLayout;
  readonly #log: Logger;
  readonly #sink: string;
  /** By `database.table` of the source. */
  readonly #synced = new Map<string, Synced>();
  #lastReady: TableSchema | null = null;
  readonly #lastDdl = new Map<string, DdlRecord>();

  constructor(client: MaxComputeClient, layout: MaxComputeLayout, log: Logger, sink: string) {
    this.#client = client;
    this.#layout = layout;
    this.#log = log;
    this.#sink = sink;
  }

  /** True when rows of `schema` can be buffered now (no request, no await). */
  isReady(schema: TableSchema): boolean {
    // Asked for every row: a run of one table's rows skips the key string and the map.
    if (schema === this.#lastReady) return true;
    const ready = this.#synced.get(keyOf(schema))?.schema === schema;
    if (ready) this.#lastReady = schema;
    return ready;
  }

  /** Kept so that a shape change can name the statement that caused it. */
  noteDdl(record: DdlRecord): void {
    if (record.table) this.#lastDdl.set(`${record.database}.${record.table}`, record);
  }

  /** Makes the destination tables of `record`'s table match its shape; `flushBuffered` first when they must change. */
  async prepare(record: RowRecord, flushBuffered: () => Promise<void>): Promise<void> {
    const { schema } = record;
    // The shape that is ready for this table may change below.
    this.#lastReady = null;
    const key = keyOf(schema);
    const known = this.#synced.get(key);
    if (known?.schema === schema) return;
    if (!known) {
      this.#synced.set(key, { schema, tables: await this.#syncNew(schema) });
      return;
    }
    const tables = this.#layout.tablesOf(schema);
    const baseAdded = columnsToAdd(known.tables.base.shape, tables.base.shape);
    const logAdded = columnsToAdd(known.tables.log.shape, tables.log.shape);
    if (baseAdded === null || logAdded === null) {
      const ddl = this.#lastDdl.get(key) ?? null;
      throw new UnsupportedSchemaChangeError(schema, describeShape(known.tables.base.shape), describeShape(tables.base.shape), ddl, formatRecordPosition(record.source, record.seq), this.#sink);
    }
    if (baseAdded.length > 0 || logAdded.length > 0) {
      this.#precheck(schema);
      await flushBuffered();
      await this.#addColumns(tables.base, baseAdded);
      await this.#addColumns(tables.log, logAdded);
      this.#log.info('added columns to the MaxCompute tables', {
        table: `${schema.database}.${schema.table}`,
        columns: baseAdded.map((c) => c.name).join(','),
        tables: `${tables.base.name},${tables.log.name}`,
      });
    }
    known.schema = schema;
    known.tables = tables;
  }

  async #syncNew(schema: TableSchema): Promise<DestinationTables> {
    this.#precheck(schema);
    const tables = this.#layout.tablesOf(schema);
    for (const table of [tables.base, tables.log]) await this.#syncTable(schema, table);
    return tables;
  }

  #precheck(schema: TableSchema): void {
    const others = [...this.#synced.values()].map((s) => s.schema).filter((s) => keyOf(s) !== keyOf(schema));
    const findings = [...destinationNameFindings([...others, schema]), ...columnFindings(schema), ...namingConflicts(schema, this.#layout.options)];
    if (findings.length > 0) throw new MaxComputePrecheckError(findings, { sink: this.#sink });
  }

  async #syncTable(schema: TableSchema, table: DestinationTable): Promise<void> {
    const existing = await this.#client.getTable(table.name);
    if (existing === null) {
      await this.#client.runSql(createTableSql(table));
      // IF NOT EXISTS: a table created meanwhile by someone else is checked like any existing one.
      const created = await this.#client.getTable(table.name);
      if (created === null || tableShapeMismatch(table.name, created, table.shape) !== null) {
        throw new TableShapeError(schema, table.name, tableShapeMismatch(table.name, created ?? { columns: [], partitionKeys: [] }, table.shape) ?? '', this.#sink);
      }
      this.#log.info('created MaxCompute table', {
        table: table.name,
        source: `${schema.database}.${schema.table}`,
        columns: table.shape.columns.length,
        partitionKeys: table.shape.partitionKeys.map((c) => c.name).join(','),
      });
      return;
    }
    const mismatch = tableShapeMismatch(table.name, existing, table.shape);
    if (mismatch === null) return;
    const added = columnsToAdd(existing, table.shape);
    if (added === null || added.length === 0) throw new TableShapeError(schema, table.name, mismatch, this.#sink);
    // The table this task wrote before, missing the columns a source ADD COLUMN appended while it was stopped.
    await this.#addColumns(table, added);
    this.#log.info('added columns to an existing MaxCompute table', { table: table.name, columns: added.map((c) => c.name).join(',') });
  }

  async #addColumns(table: DestinationTable, columns: readonly { name: string; type: string; comment?: string }[]): Promise<void> {
    if (columns.length > 0) await this.#client.runSql(addColumnsSql(table.name, columns));
  }
}

function keyOf(schema: TableSchema): string {
  return `${schema.database}.${schema.table}`;
}
