/**
 * The binlog connection: zongji decodes events, this file turns them into assembler calls. Row
 * images are read by the lean decoder (rows/lean-rows.ts) inside zongji's rows events, straight into
 * `Row`s; tables it cannot read (and streams with `rowDecoder: 'zongji'`) go through row-values.ts.
 * Flow control acts on the socket: while paused, mysql2 stops reading and the server's dump
 * thread blocks on TCP, so memory stays bounded however far behind the destinations are.
 */
import ZongJi, { type AnyBinlogEvent, type TableMapEvent, type TableMapEntry } from '@vlasky/zongji';
import { InvariantError } from '../../errors.ts';
import { formatPosition, type Row, type TableSchema } from '../../record/index.ts';
import { SourceConnectionError } from '../errors.ts';
import type { ObjectSelection } from '../object-selection.ts';
import { classifyDdl, ddlTable } from '../schema/ddl-classify.ts';
import type { BinlogColumn, TableSchemas } from '../schema/table-schemas.ts';
import { connectionOptions, type SourceEndpoint } from './connection-options.ts';
import { binlogFailure } from './binlog-failure.ts';
import { includeSchemaOf } from './include-schema.ts';
import { rowConverter } from './row-values.ts';
import { readSingleByteTextAsBytes } from './single-byte-text.ts';
import { readJsonAsBytes } from './json-column.ts';
import type { TransactionAssembler } from './transaction-assembler.ts';
import { Mysql8EventFeed } from './mysql8-event-feed.ts';
import { installLeanRows, LeanRow } from './rows/lean-rows.ts';
import type { Logger } from '../../log.ts';
import type { StreamConditions } from '../filter-condition/index.ts';
import { isSignalTable, type SignalTable } from '../snapshot/signal.ts';

export interface StreamStart {
  readonly file: string;
  readonly position: number;
  /** When set, the server locates the start by GTID (exact across restarts and failover). */
  readonly gtidSet: string | null;
}

export interface BinlogStreamOptions {
  readonly endpoint: SourceEndpoint;
  /** The replica server id this reader presents. */
  readonly replicaServerId: number;
  /** The object selection (object-selection.ts): events of other tables never reach the assembler. */
  readonly objects: ObjectSelection;
  readonly start: StreamStart;
  readonly assembler: TransactionAssembler;
  readonly schemas: TableSchemas;
  /** Per-table filter conditions (DTS "Filter Conditions"); rows outside them never reach the assembler. */
  readonly conditions?: StreamConditions;
  /** Rows inserted into this table are requests to the reader, not changes to deliver. */
  readonly signals?: { readonly table: SignalTable; readonly onSignal: (schema: TableSchema, row: Row) => void };
  /**
   * Who reads row images: the lean decoder (rows/, straight into `Row` arrays; tables it cannot read
   * stay with zongji) or zongji with row-values.ts. Both yield the same rows
   * (test/integration/lean-rows-equivalence.test.ts); zongji's is kept for comparison. Default lean.
   */
  readonly rowDecoder?: 'lean' | 'zongji';
  /** Told at debug which tables' rows the lean decoder leaves to zongji, and why. */
  readonly log?: Logger;
}

const MYSQL_GEOMETRY = 255;
/** Events that carry no change but move the position: followed so a quiet stream reaches the binlog's end. */
const POSITION_ONLY_EVENTS = ['format', 'binlogcheckpoint', 'mariadbgtidlist', 'previousgtids'];
const MYSQL_BLOB = 252;
// ROLLBACK TO (a savepoint) before ROLLBACK: it keeps the transaction open.
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK\s+TO|ROLLBACK(?!\s+TO)|XA\s|SAVEPOINT|RELEASE\s+SAVEPOINT)\b/i;

/** One row image of a rows event: zongji's object keyed by column name, or the lean decoder's row. */
type RowImage = Record<string, unknown> | LeanRow;

function binlogColumns(entry: TableMapEntry): BinlogColumn[] {
  return entry.columnSchemas.map((c) => ({ name: c.COLUMN_NAME, columnType: c.COLUMN_TYPE, charset: c.CHARACTER_SET_NAME, unsigned: c.UNSIGNED }));
}

export class BinlogStream {
  readonly #o: BinlogStreamOptions;
  readonly #zongji: ZongJi;
  /** Compressed transactions and partial JSON updates, fed to zongji as ordinary events. */
  readonly #feed: Mysql8EventFeed;
  readonly #held = new Set<string>();
  #zongjiHeld = false;
  #rawResume: () => void = () => {};
  #rawPause: () => void = () => {};
  readonly #tables = new Map<number, TableSchema>();
  #failure: ((err: Error) => void) | null = null;
  readonly done: Promise<void>;
  #stopped = false;

  constructor(options: BinlogStreamOptions) {
    this.#o = options;
    const mysqlOptions = connectionOptions(options.endpoint);
    this.#zongji = new ZongJi(mysqlOptions);
    if ((options.rowDecoder ?? 'lean') === 'lean') installLeanRows(this.#zongji, { schemaOf: (id) => this.#tables.get(id), log: options.log }, mysqlOptions);
    this.#feed = new Mysql8EventFeed(this.#zongji, {
      blocked: () => this.#blocked,
      finished: () => {
        if (!this.#blocked) this.#rawResume();
      },
      fail: (err) => this.#fail(err),
    });
    // zongji emits 'ready' after creating its binlog command and before queueing it.
    this.#zongji.on('ready', () => {
      try {
        this.#feed.install();
      } catch (err) {
        this.#fail(err as Error);
      }
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.#failure = reject;
      this.#zongji.on('stopped', () => {
        if (this.#stopped) resolve();
        else
          reject(new SourceConnectionError(`the binlog connection to ${options.endpoint.host}:${options.endpoint.port} ended unexpectedly`, { position: formatPosition(options.assembler.boundary) }));
      });
    });
    this.done.catch(() => {}); // observed by the caller; never an unhandled rejection
    this.#zongji.on('binlog', (event) => {
      try {
        this.#onEvent(event);
      } catch (err) {
        this.#fail(err as Error);
      }
    });
    this.#zongji.on('error', (err) => this.#fail(binlogFailure(err, formatPosition(this.#o.assembler.boundary), this.#o.endpoint)));
  }

  /** Resolves once the server accepted the dump request. */
  start(): Promise<void> {
    const { start, objects, replicaServerId } = this.#o;
    return new Promise<void>((resolve, reject) => {
      this.#zongji.once('ready', () => resolve());
      this.done.catch(reject);
      this.#zongji.start({
        serverId: replicaServerId,
        ...(start.gtidSet !== null ? { gtidSet: start.gtidSet } : { filename: start.file, position: start.position }),
        includeSchema: includeSchemaOf(objects, this.#o.signals?.table ?? null),
        includeEvents: [
          'rotate',
          'tablemap',
          'writerows',
          'updaterows',
          'deleterows',
          'query',
          'xid',
          'gtid',
          'mariadbgtid',
          'transactionpayload',
          'partialupdaterows',
          'xaprepare',
          ...POSITION_ONLY_EVENTS,
        ],
      });
      // start() creates the binlog connection synchronously; flow control wraps it before any event.
      this.#wrapFlowControl();
    });
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#zongji.stop();
  }

  /** Stops reading from the socket until every reason given is released. */
  pause(reason: string): void {
    this.#held.add(reason);
    this.#rawPause();
  }

  resume(reason: string): void {
    if (!this.#held.delete(reason)) return;
    this.#continue();
  }

  get #blocked(): boolean {
    return this.#stopped || this.#held.size > 0 || this.#zongjiHeld;
  }

  /** Every hold released: a partly fed compressed transaction goes on first, then the socket flows. */
  #continue(): void {
    if (this.#blocked) return;
    if (this.#feed.pending)
      this.#feed.drain(); // resumes the socket itself once the payload is done
    else this.#rawResume();
  }

  get paused(): boolean {
    return this.#held.size > 0;
  }

  /** zongji pauses the connection itself while it fetches metadata; both holds must be released. */
  #wrapFlowControl(): void {
    const conn = this.#zongji.connection as unknown as { pause(): void; resume(): void } | null;
    if (!conn) throw new InvariantError('zongji has no binlog connection after start(); flow control cannot attach');
    this.#rawPause = conn.pause.bind(conn);
    this.#rawResume = conn.resume.bind(conn);
    conn.pause = () => {
      this.#zongjiHeld = true;
      this.#rawPause();
    };
    conn.resume = () => {
      this.#zongjiHeld = false;
      this.#continue();
    };
  }

  #fail(err: Error): void {
    if (this.#stopped) return;
    this.#failure?.(err); // before stop(): zongji's 'stopped' would otherwise settle `done` as a clean end
    this.stop();
  }

  #onEvent(event: AnyBinlogEvent): void {
    const a = this.#o.assembler;
    const gtidSet = () => this.#zongji.gtidSet ?? null;
    switch (event.getTypeName()) {
      case 'Rotate': {
        const e = event as Extract<AnyBinlogEvent, { getTypeName(): 'Rotate' }>;
        a.rotate(e.binlogName, e.position);
        return;
      }
      case 'Gtid':
      case 'MariadbGtid': {
        const e = event as Extract<AnyBinlogEvent, { getTypeName(): 'MariadbGtid' }>;
        a.gtid(e.gtid);
        if (e.getTypeName() === 'MariadbGtid' && !e.standalone) a.begin(e.timestamp);
        return;
      }
      case 'TableMap':
        this.#onTableMap(event as TableMapEvent);
        return;
      case 'WriteRows':
      case 'UpdateRows':
      case 'DeleteRows':
        this.#onRows(event as Extract<AnyBinlogEvent, { getTypeName(): 'WriteRows' | 'UpdateRows' | 'DeleteRows' }>);
        return;
      case 'Xid': {
        const e = event as Extract<AnyBinlogEvent, { getTypeName(): 'Xid' }>;
        a.commit(e.nextPosition, gtidSet(), String(e.xid));
        return;
      }
      case 'XaPrepare':
        a.commit(event.nextPosition, gtidSet(), null);
        return;
      case 'Query':
        this.#onQuery(event as Extract<AnyBinlogEvent, { getTypeName(): 'Query' }>, gtidSet());
        return;
      case 'TransactionPayload':
      case 'PartialUpdateRows':
        // The feed turns both into ordinary events before zongji parses them; reaching here would lose rows.
        throw new InvariantError(`a ${event.getTypeName()} event reached the reader undecoded`, { position: formatPosition(a.boundary) });
      default:
        // Fake events at the start of a dump carry position 0; passed() ignores anything not ahead.
        if (event.nextPosition > 0) a.passed(event.nextPosition, gtidSet());
        return;
    }
  }

  #onQuery(e: Extract<AnyBinlogEvent, { getTypeName(): 'Query' }>, gtidSet: string | null): void {
    const a = this.#o.assembler;
    const sql = e.query;
    const control = TRANSACTION_CONTROL.exec(sql)?.[1]?.toUpperCase();
    if (control === 'BEGIN') return a.begin(e.timestamp);
    if (control === 'COMMIT') return a.commit(e.nextPosition, gtidSet, null);
    if (control === 'ROLLBACK') return a.rollback(e.nextPosition, gtidSet);
    if (control) return;
    const info = classifyDdl(sql);
    if (!info) return a.advance(e.nextPosition, gtidSet);
    const database = info.tableDatabase ?? info.database ?? e.schema;
    const table = ddlTable(info);
    if (info.kind.endsWith('_DATABASE') ? !this.#o.objects.includesDatabase(database) : !this.#o.objects.includesTable(database, table)) {
      return a.advance(e.nextPosition, gtidSet);
    }
    this.#o.schemas.invalidate(database, info.kind.endsWith('_DATABASE') ? undefined : table);
    a.ddl(info.kind, database, table, sql, e.timestamp, e.nextPosition, gtidSet);
  }

  #onTableMap(e: TableMapEvent): void {
    const entry = e.tableMap[e.tableId];
    if (!entry) return;
    // GEOMETRY values are read as the BLOB they are stored as (SRID + WKB), not zongji's x/y objects.
    for (const column of entry.columns ?? []) {
      if (column.type === MYSQL_GEOMETRY) {
        column.type = MYSQL_BLOB;
        column.charset = null;
      }
    }
    readSingleByteTextAsBytes(e);
    readJsonAsBytes(e);
    const columns = binlogColumns(entry);
    const cached = this.#o.schemas.peek(e.schemaName, e.tableName, columns);
    if (cached) {
      this.#tables.set(e.tableId, cached);
      return;
    }
    // Hold the stream while the catalog is read: the row events that follow need the shape.
    const reason = `schema:${e.schemaName}.${e.tableName}`;
    this.pause(reason);
    this.#o.schemas.load(e.schemaName, e.tableName, columns).then(
      (schema) => {
        this.#tables.set(e.tableId, schema);
        this.resume(reason);
      },
      (err: Error) => this.#fail(new SourceConnectionError(`reading the shape of ${e.schemaName}.${e.tableName} failed: ${err.message}`, { database: e.schemaName, table: e.tableName }, err)),
    );
  }

  #onRows(e: Extract<AnyBinlogEvent, { getTypeName(): 'WriteRows' | 'UpdateRows' | 'DeleteRows' }>): void {
    const schema = this.#tables.get(e.tableId);
    // zongji drops row events of unselected tables itself, so a missing shape means rows would be lost.
    if (!schema) throw new InvariantError(`row event for table id ${e.tableId} arrived without its table map`, { position: formatPosition(this.#o.assembler.boundary) });
    const convert = rowConverter(schema);
    const name = e.getTypeName();
    // Rows the lean decoder read are already `Row`s; zongji's objects are converted here.
    const image = (r: RowImage): { row: Row; bytes: number } => (r instanceof LeanRow ? r : convert(r));
    const signals = this.#o.signals;
    if (signals && isSignalTable(signals.table, schema.database, schema.table) && !this.#o.objects.includesTable(schema.database, schema.table)) {
      if (name === 'WriteRows') for (const r of e.rows as RowImage[]) signals.onSignal(schema, image(r).row);
      return;
    }
    let images: { before: Row | null; after: Row | null; bytes: number }[];
    if (name === 'UpdateRows') {
      images = (e.rows as { before: RowImage; after: RowImage }[]).map((r) => {
        const before = image(r.before);
        const after = image(r.after);
        return { before: before.row, after: after.row, bytes: before.bytes + after.bytes };
      });
    } else {
      const insert = name === 'WriteRows';
      images = (e.rows as RowImage[]).map((r) => {
        const { row, bytes } = image(r);
        return insert ? { before: null, after: row, bytes } : { before: row, after: null, bytes };
      });
    }
    const op = name === 'WriteRows' ? 'INSERT' : name === 'UpdateRows' ? 'UPDATE' : 'DELETE';
    // A filtered UPDATE event can become runs of UPDATE, INSERT and DELETE rows: one call per run, in row order.
    const runs = this.#o.conditions?.apply(op, schema, images, () => `${this.#o.assembler.boundary.file}:${e.nextPosition}`) ?? [{ op, images }];
    for (const run of runs) this.#o.assembler.rows(run.op, schema, run.images, e.timestamp);
  }
}
