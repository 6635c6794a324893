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
  /** Per table map entry's column list (new with each TABLE_MAP zongji reads): the plan and the schema it was made for. */
  readonly #plans = new WeakMap<object, { schema: TableSchema; plan: RowPlan | null }>();
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
    return plan;
  }
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
