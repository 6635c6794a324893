/**
 * Row-event decoding alone: the catch-up bench's 16-column rows (catchup.ts), written to the stack's
 * MariaDB and captured once from its binlog as raw rows-event bytes, then decoded in memory, round
 * after round, through zongji's rows events: with zongji's own decoding plus row-values.ts (the
 * `zongji` decoder) and with the lean decoder of shared/source/binlog/rows/ (`lean`), each into the
 * `Row` arrays the assembler takes. Prints one JSON line per decoder (rows/s, heap after the rounds).
 *
 *   npm run bench -- row-decode [--rows 200000] [--batch 1000] [--rounds 5]
 */
import { isDeepStrictEqual } from 'node:util';
import { parseArgs } from 'node:util';
import ZongJi from '@vlasky/zongji';
// zongji's package exports only its entry point; its rows events and packet parser are reached by file.
// @ts-expect-error no declaration file for zongji's internal modules
import { DeleteRows, UpdateRows, WriteRows } from '../../node_modules/@vlasky/zongji/lib/rows_event.js';
// @ts-expect-error no declaration file for zongji's internal modules
import { Parser } from '../../node_modules/@vlasky/zongji/lib/reader.js';
import type { Row, TableSchema } from '../../shared/record/index.ts';
import { connectionOptions } from '../../shared/source/binlog/connection-options.ts';
import { readJsonAsBytes } from '../../shared/source/binlog/json-column.ts';
import { rowConverter } from '../../shared/source/binlog/row-values.ts';
import { installLeanRows, LeanRow, uninstallLeanRows } from '../../shared/source/binlog/rows/lean-rows.ts';
import { readSingleByteTextAsBytes } from '../../shared/source/binlog/single-byte-text.ts';
import { catalogSchema } from '../../shared/source/schema/table-schemas.ts';
import { Secret } from '../../shared/task/secret.ts';
import { sourceConnection, stack } from './bench-env.ts';
import { benchRowSql, benchTableSql } from './bench-table.ts';

const DB = 'bench_row_decode';
const TABLE_SQL = benchTableSql(DB, 't');

/** A rows event as captured: its type and header fields, and its body (checksum included, as zongji reads it). */
interface CapturedEvent {
  readonly type: number;
  readonly timestamp: number;
  readonly nextPosition: number;
  readonly body: Buffer;
}
type RowsEventClass = new (parser: unknown, options: object, zongji: object) => { rows: unknown[] };
const EVENT_CLASSES: Record<number, RowsEventClass> = { 23: WriteRows, 30: WriteRows, 24: UpdateRows, 31: UpdateRows, 25: DeleteRows, 32: DeleteRows };
const HEADER = 19;

interface Capture {
  readonly events: CapturedEvent[];
  /** The zongji-like host the events are decoded against: zongji's table map, checksum use and options. */
  readonly host: { tableMap: unknown; useChecksum: boolean; connection: { config: object } };
  readonly schema: TableSchema;
}

/** Streams the binlog from `from` until `rows` rows of the table went by, keeping each rows event's bytes. */
async function capture(from: { file: string; position: number }, rows: number): Promise<Capture> {
  const options = connectionOptions({ host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: new Secret(''), connectTimeoutMs: 10_000 });
  const zongji = new ZongJi(options);
  const events: CapturedEvent[] = [];
  let tableId = -1;
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    zongji.on('error', reject);
    zongji.on('ready', () => {
      const proto = (zongji as unknown as { BinlogClass: { prototype: { binlogData(p: { buffer: Buffer; offset: number; end: number }, c: unknown): unknown } } }).BinlogClass.prototype;
      const original = proto.binlogData;
      proto.binlogData = function (packet, connection) {
        const at = packet.offset + 1;
        const type = packet.buffer[at + 4]!;
        if (EVENT_CLASSES[type] && packet.end - at > HEADER + 6 && packet.buffer.readUIntLE(at + HEADER, 6) === tableId) {
          events.push({
            type,
            timestamp: packet.buffer.readUInt32LE(at) * 1000,
            nextPosition: packet.buffer.readUInt32LE(at + 13),
            body: Buffer.from(packet.buffer.subarray(at + HEADER, packet.end)),
          });
        }
        return original.call(this, packet, connection);
      };
    });
    zongji.on('binlog', (e) => {
      const event = e as { getTypeName(): string; tableId: number; rows?: unknown[] };
      if (event.getTypeName() === 'TableMap') {
        tableId = event.tableId;
        // As binlog-stream.ts prepares each table map before its rows.
        readSingleByteTextAsBytes(event as never);
        readJsonAsBytes(event as never);
      } else if (event.rows && (seen += event.rows.length) >= rows) resolve();
    });
    // A replica id far from the tests' (a duplicate id drops the other connection).
    zongji.start({ serverId: 900_001, filename: from.file, position: from.position, includeSchema: { [DB]: ['t'] }, includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows'] });
  });
  zongji.stop();
  const conn = await sourceConnection({ dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const schema = await catalogSchema(async <T>(sql: string, params: unknown[]) => (await conn.query(sql, params))[0] as T[], DB, 't');
  await conn.end();
  const z = zongji as unknown as { tableMap: unknown; useChecksum: boolean };
  return { events, host: { tableMap: z.tableMap, useChecksum: z.useChecksum, connection: { config: options } }, schema };
}

/** Every captured row decoded once into `Row`s, as BinlogStream takes them. */
function decodeAll(c: Capture, each: (row: Row) => void): number {
  const convert = rowConverter(c.schema);
  const take = (r: unknown): Row => (r instanceof LeanRow ? r.row : convert(r as Record<string, unknown>).row);
  let count = 0;
  for (const e of c.events) {
    const parser = new Parser();
    parser.append(e.body);
    const event = new EVENT_CLASSES[e.type]!(parser, { eventType: e.type, timestamp: e.timestamp, nextPosition: e.nextPosition, size: e.body.length }, c.host);
    for (const r of event.rows) {
      if (r instanceof LeanRow || !('before' in (r as object))) each(take(r));
      else {
        each(take((r as { before: unknown }).before));
        each(take((r as { after: unknown }).after));
      }
      count++;
    }
  }
  return count;
}

function measure(c: Capture, rounds: number): { rowsPerSec: number; heapMiB: number } {
  decodeAll(c, () => {}); // warm-up
  let rows = 0;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) rows += decodeAll(c, () => {});
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rowsPerSec: Math.round(rows / seconds), heapMiB: Math.round(process.memoryUsage().heapUsed / 1048576) };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rows: { type: 'string', default: '200000' }, batch: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' } } });
  const rows = Number(values.rows);
  const batch = Number(values.batch);
  const rounds = Number(values.rounds);
  const conn = await sourceConnection();
  await conn.query(`DROP DATABASE IF EXISTS ${DB}`);
  await conn.query(`CREATE DATABASE ${DB}`);
  await conn.query(TABLE_SQL);
  const [[status]] = (await conn.query('SHOW MASTER STATUS')) as unknown as [[{ File: string; Position: number | string }]];
  for (let start = 1; start <= rows; start += batch) {
    const values: string[] = [];
    for (let id = start; id < start + batch && id <= rows; id++) values.push(benchRowSql(id));
    await conn.query(`INSERT INTO ${DB}.t VALUES ${values.join(',')}`);
  }
  const captured = await capture({ file: status.File, position: Number(status.Position) }, rows);
  await conn.query(`DROP DATABASE IF EXISTS ${DB}`);
  await conn.end();

  // Both decoders must give the same rows before either is timed.
  const zongjiRows: Row[] = [];
  decodeAll(captured, (r) => zongjiRows.push(r));
  installLeanRows(captured.host, { schemaOf: () => captured.schema }, captured.host.connection.config);
  let i = 0;
  let same = true;
  decodeAll(captured, (r) => (same &&= isDeepStrictEqual(r, zongjiRows[i++])));
  if (!same || i !== zongjiRows.length) throw new Error(`the lean decoder's rows differ from zongji's (row ${i} of ${zongjiRows.length})`);
  zongjiRows.length = 0;

  const common = { bench: 'row-decode', rows, rounds, events: captured.events.length };
  uninstallLeanRows(captured.host);
  process.stdout.write(`${JSON.stringify({ ...common, decoder: 'zongji', ...measure(captured, rounds) })}\n`);
  installLeanRows(captured.host, { schemaOf: () => captured.schema }, captured.host.connection.config);
  process.stdout.write(`${JSON.stringify({ ...common, decoder: 'lean', ...measure(captured, rounds) })}\n`);
}
