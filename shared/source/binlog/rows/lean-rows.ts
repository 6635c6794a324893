/**
 * The lean row decoder, placed inside zongji's rows events (WRITE/UPDATE/DELETE_ROWS, v1 as MariaDB
 * writes them, v2 as MySQL does, and MariaDB's compressed forms, which zongji inflates first):
 * zongji still frames the event (table id, flags, columns-present bitmaps, checksum), keeps the
 * table maps, positions and filtering, and calls `_fetchOneRow` per row; on a ZongJi instance with
 * a decoder installed, that call reads the image here into a `LeanRow` instead of zongji's object
 * keyed by column name, so neither that object nor row-values.ts's conversion is made.
 * A table the plan cannot read (row-plan.ts says why) keeps zongji's decoding for its events,
 * logged once per reason at debug; instances without a decoder are untouched.
 */
import type ZongJi from '@vlasky/zongji';
// zongji's package exports only its entry point; its rows event classes are reached by file.
// @ts-expect-error no declaration file for zongji's internal modules
import { UpdateRows, WriteRows } from '../../../../node_modules/@vlasky/zongji/lib/rows_event.js';
import { InvariantError } from '../../../errors.ts';
import type { TableSchema } from '../../../record/index.ts';
import type { Logger } from '../../../log.ts';
import type { ReadOptions, RowCursor } from './column-readers.ts';
import { compileRowPlan, LeanRow, type MapEntry, type RowPlan } from './row-plan.ts';

export { LeanRow } from './row-plan.ts';

export interface LeanRowsSource {
  /** The shape the stream holds for a table id (null while unknown: zongji decodes). */
  schemaOf(tableId: number): TableSchema | null | undefined;
  readonly log?: Logger;
}

/** What zongji's rows event holds while its rows are read. */
interface RowsEventThis {
  tableId: number;
  tableMap: Record<number, MapEntry | undefined>;
  columns_present_bitmap: Buffer;
  columns_present_bitmap2?: Buffer;
  _zongji: { [DECODER]?: LeanRowsDecoder };
  [PLAN]?: RowPlan | null;
}
interface RowsParser {
  _buffer: Buffer;
  _offset: number;
  _packetEnd: number;
}
type FetchOneRow = (this: RowsEventThis, parser: RowsParser) => unknown;

const DECODER = Symbol('leanRowsDecoder');
const PLAN = Symbol('leanRowsPlan');

class LeanRowsDecoder {
  readonly #source: LeanRowsSource;
  readonly #options: ReadOptions;
  /** Per table map entry's column list (kept across TABLE_MAPs on MariaDB): the plan and the schema it was made for. */
  readonly #plans = new WeakMap<object, { schema: TableSchema; plan: RowPlan | null }>();
  /**
   * Per schema, the last entry and its plan: MySQL 8 with FULL metadata gives zongji a new entry with
   * every TABLE_MAP, i.e. every transaction, and compiling costs more than a small row; comparing
   * the new entry field by field with the last one costs far less (hashing a key of it does not).
   */
  readonly #last = new WeakMap<TableSchema, { entry: MapEntry; plan: RowPlan | null }>();
  readonly #logged = new Set<string>();

  constructor(source: LeanRowsSource, options: ReadOptions) {
    this.#source = source;
    this.#options = options;
  }

  planFor(tableId: number, entry: MapEntry | undefined): RowPlan | null {
    const schema = this.#source.schemaOf(tableId);
    if (!entry?.columns || !schema) return null;
    const cached = this.#plans.get(entry.columns);
    if (cached && cached.schema === schema) return cached.plan;
    const last = this.#last.get(schema);
    if (last && sameLayout(last.entry, entry)) {
      this.#plans.set(entry.columns, { schema, plan: last.plan });
      return last.plan;
    }
    const compiled = compileRowPlan(entry, schema, this.#options);
    const plan = typeof compiled === 'string' ? null : compiled;
    const table = `${schema.database}.${schema.table}`;
    const note = plan ? `lean ${table}` : `${table}: ${compiled as string}`;
    if (!this.#logged.has(note)) {
      this.#logged.add(note);
      if (plan) this.#source.log?.debug('rows decoded by the lean decoder', { table });
      else this.#source.log?.debug('rows left to zongji to decode', { table, reason: compiled });
    }
    this.#plans.set(entry.columns, { schema, plan });
    this.#last.set(schema, { entry, plan });
    return plan;
  }
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));

function sameMetadata(a: Record<string, number | undefined> | undefined, b: Record<string, number | undefined> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Whether two table map entries hold everything a plan is compiled from alike (row-plan.ts, column-readers.ts). */
function sameLayout(a: MapEntry, b: MapEntry): boolean {
  if (a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) {
    const x = a.columns[i]!;
    const y = b.columns[i]!;
    const xs = a.columnSchemas[i];
    const ys = b.columnSchemas[i];
    if (x.name !== y.name || x.type !== y.type || x.charset !== y.charset || !sameMetadata(x.metadata, y.metadata)) return false;
    if (xs?.COLUMN_TYPE !== ys?.COLUMN_TYPE || xs?.UNSIGNED !== ys?.UNSIGNED || !sameList(xs?.ENUM_VALUES, ys?.ENUM_VALUES) || !sameList(xs?.SET_VALUES, ys?.SET_VALUES)) return false;
  }
  return true;
}

function planOf(event: RowsEventThis): RowPlan | null {
  let plan = event[PLAN];
  if (plan === undefined) {
    const decoder = event._zongji[DECODER];
    plan = event[PLAN] = decoder ? decoder.planFor(event.tableId, event.tableMap[event.tableId]) : null;
  }
  return plan;
}

function readImage(plan: RowPlan, parser: RowsParser, present: Buffer): LeanRow {
  const c: RowCursor = { buf: parser._buffer, pos: parser._offset };
  const row = plan.read(c, present, parser._packetEnd);
  parser._offset = c.pos;
  return row;
}

let patched = false;

/** Wraps zongji's row readers, once per process; only instances given a decoder take the lean path. */
function patchRowsEvents(): void {
  if (patched) return;
  patched = true;
  const rowsProto = Object.getPrototypeOf((WriteRows as { prototype: object }).prototype) as { _fetchOneRow: FetchOneRow };
  const updateProto = (UpdateRows as { prototype: { _fetchOneRow: FetchOneRow } }).prototype;
  const single = rowsProto._fetchOneRow;
  const pair = updateProto._fetchOneRow;
  if (typeof single !== 'function' || typeof pair !== 'function') {
    throw new InvariantError("zongji's rows events have no _fetchOneRow, so the lean row decoder cannot attach; the installed @vlasky/zongji is not the 0.9 this reader was built for");
  }
  rowsProto._fetchOneRow = function (parser) {
    const plan = planOf(this);
    return plan ? readImage(plan, parser, this.columns_present_bitmap) : single.call(this, parser);
  };
  updateProto._fetchOneRow = function (parser) {
    const plan = planOf(this);
    if (!plan) return pair.call(this, parser);
    const before = readImage(plan, parser, this.columns_present_bitmap);
    return { before, after: readImage(plan, parser, this.columns_present_bitmap2!) };
  };
}

/**
 * Rows of this ZongJi instance's events (or of a zongji-like host decoding captured events) are
 * read by the lean decoder from now on.
 */
export function installLeanRows(zongji: ZongJi | object, source: LeanRowsSource, options: ReadOptions): void {
  patchRowsEvents();
  (zongji as { [DECODER]?: LeanRowsDecoder })[DECODER] = new LeanRowsDecoder(source, options);
}

export function uninstallLeanRows(zongji: ZongJi | object): void {
  delete (zongji as { [DECODER]?: LeanRowsDecoder })[DECODER];
}
