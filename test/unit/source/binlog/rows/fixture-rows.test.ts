/**
 * The lean row decoder against zongji + row-values.ts on the captured MySQL 8/9 binlogs of
 * fixtures/ (copies of ../shared/fixtures/binlog/): every rows event of a table whose TABLE_MAP carries FULL metadata
 * (zongji then needs no INFORMATION_SCHEMA, so the files decode offline), including the inner events
 * of compressed transactions and partial JSON updates rewritten as UPDATE_ROWS_V2 as the live reader
 * does. Both decoders run through zongji's own event classes on the same bytes; their `Row`s must be
 * identical, value type and bytes included. Tables with a column the lean decoder does not read
 * (VECTOR) stay with zongji there, and zongji rejects them: those files are counted, not compared.
 * Files written without FULL metadata need INFORMATION_SCHEMA to decode at all: the generated ones
 * take it from the captured catalog beside them; the older servers' files (the compressed
 * transactions and Sakila among them) have none and do not apply offline; the live
 * equivalence test (test/integration/lean-rows-equivalence.test.ts) covers MySQL 8 without them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
// zongji's package exports only its entry point; its event classes and packet parser are reached by file.
// @ts-expect-error no declaration file for zongji's internal modules
import { TableMap } from '../../../../../node_modules/@vlasky/zongji/lib/binlog_event.js';
// @ts-expect-error no declaration file for zongji's internal modules
import { DeleteRows, UpdateRows, WriteRows } from '../../../../../node_modules/@vlasky/zongji/lib/rows_event.js';
// @ts-expect-error no declaration file for zongji's internal modules
import { Parser } from '../../../../../node_modules/@vlasky/zongji/lib/reader.js';
import type { TableSchema, Row } from '../../../../../shared/record/index.ts';
import { binlogFileEvents, EventType, type RawEvent } from '../../../../../shared/source/binlog/events/event-header.ts';
import { partialUpdateRowsAsUpdateRows } from '../../../../../shared/source/binlog/events/partial-to-update-rows.ts';
import { parseTableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { transactionPayloadEvents } from '../../../../../shared/source/binlog/events/transaction-payload.ts';
import { readJsonAsBytes } from '../../../../../shared/source/binlog/json-column.ts';
import { rowConverter } from '../../../../../shared/source/binlog/row-values.ts';
import { installLeanRows, LeanRow, uninstallLeanRows } from '../../../../../shared/source/binlog/rows/lean-rows.ts';
import { readSingleByteTextAsBytes } from '../../../../../shared/source/binlog/single-byte-text.ts';
import { typeCodeOf } from '../../../../../shared/record/index.ts';
import { column, table } from '../../../../helpers/columns.ts';

// Copies of ../shared/fixtures/binlog (fixtures/README.md): the shared folder is not in the repository.
const FIXTURES = join(import.meta.dirname, 'fixtures');
const OPTIONS = { dateStrings: true, timezone: 'Z', jsonStrings: true, decimalNumbers: false, supportBigNumbers: true, bigNumberStrings: true };
type RowsEventClass = new (parser: unknown, options: object, zongji: object) => { rows: unknown[] };
const ROWS: Record<number, RowsEventClass> = { 23: WriteRows, 30: WriteRows, 24: UpdateRows, 31: UpdateRows, 25: DeleteRows, 32: DeleteRows };

interface ColumnSchema {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  CHARACTER_SET_NAME: string | null;
  UNSIGNED?: boolean;
}

function parserOf(body: Buffer): unknown {
  const parser = new Parser();
  parser.append(body);
  return parser;
}

/**
 * The generated files' INFORMATION_SCHEMA.COLUMNS, as zongji reads it for a table map without FULL
 * metadata (`binlog_row_metadata=MINIMAL`): what lets 07-row-metadata-minimal decode offline.
 */
const CATALOG = JSON.parse(readFileSync(join(FIXTURES, 'mysql-9.7.4-generated/information_schema.columns.cdc.json'), 'utf8')) as (ColumnSchema & {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  ORDINAL_POSITION: number;
})[];

function catalogColumns(database: string, tableName: string): ColumnSchema[] {
  return CATALOG.filter((c) => c.TABLE_SCHEMA === database && c.TABLE_NAME === tableName)
    .sort((a, b) => a.ORDINAL_POSITION - b.ORDINAL_POSITION)
    .map((c) => ({ ...c }));
}

/** The files' rows decoded both ways: how many rows compared, events zongji rejected, and every difference. */
function compareFile(bytes: Buffer, catalog = false) {
  const host = {
    tableMap: {} as Record<number, { columns: { type: number; charset: string | null }[]; columnSchemas: ColumnSchema[] }>,
    useChecksum: false,
    isMariaDb: false,
    connection: { config: OPTIONS },
    _skipSchema: () => false,
    emit: (_: string, err: Error) => {
      throw err;
    },
  };
  const schemas = new Map<number, TableSchema>();
  const rawMaps = new Map<number, Buffer>();
  /** Rows compared; tables of a type our column model lacks (VECTOR); events zongji or the partial-JSON rewrite reject; differences. */
  const out = { rows: 0, skippedTables: 0, rejected: 0, differences: [] as string[], byZongji: 0 };

  const decode = (type: number, body: Buffer, lean: boolean): Row[] => {
    const schema = schemas.get(body.readUIntLE(0, 6))!;
    if (lean) installLeanRows(host, { schemaOf: (id) => schemas.get(id) }, OPTIONS);
    else uninstallLeanRows(host);
    const event = new ROWS[type]!(parserOf(body), { eventType: type, timestamp: 0, nextPosition: 0, size: body.length }, host);
    const convert = rowConverter(schema);
    const take = (r: unknown): Row => {
      if (r instanceof LeanRow) return r.row;
      if (lean) out.byZongji++; // left to zongji: the comparison would be with itself
      return convert(r as Record<string, unknown>).row;
    };
    return event.rows.flatMap((r) => (ROWS[type] === UpdateRows ? [take((r as { before: unknown }).before), take((r as { after: unknown }).after)] : [take(r)]));
  };

  const onEvent = (e: RawEvent): void => {
    let { type } = e.header;
    let body = e.body;
    if (type === EventType.TRANSACTION_PAYLOAD) {
      for (const inner of transactionPayloadEvents(Buffer.from(body))) onEvent(inner);
      return;
    }
    if (type === EventType.TABLE_MAP) {
      const map = new TableMap(parserOf(body), { eventType: type, size: body.length }, host) as {
        tableId: number;
        schemaName: string;
        tableName: string;
        hasSelfDescribingMetadata(): boolean;
        buildColumnSchemas(): ColumnSchema[];
        updateColumnInfo(): void;
      };
      const columnSchemas = map.hasSelfDescribingMetadata() ? map.buildColumnSchemas() : catalog ? catalogColumns(map.schemaName, map.tableName) : [];
      if (columnSchemas.length === 0) return;
      rawMaps.set(map.tableId, body);
      host.tableMap[map.tableId] = { columnSchemas, parentSchema: map.schemaName, tableName: map.tableName } as never;
      map.updateColumnInfo();
      // As binlog-stream.ts prepares each table map: GEOMETRY as its stored bytes, single-byte text and MySQL 8 JSON as bytes.
      for (const c of host.tableMap[map.tableId]!.columns) if (c.type === 255) Object.assign(c, { type: 252, charset: null });
      readSingleByteTextAsBytes(map as never);
      readJsonAsBytes(map as never);
      const cs = host.tableMap[map.tableId]!.columnSchemas;
      if (cs.some((c) => typeCodeOf(c.COLUMN_TYPE) === undefined)) {
        out.skippedTables++;
        return;
      }
      schemas.set(
        map.tableId,
        table(
          cs.map((s) => column(s.COLUMN_NAME, s.COLUMN_TYPE, { charset: s.CHARACTER_SET_NAME, unsigned: s.UNSIGNED ?? /unsigned/.test(s.COLUMN_TYPE) })),
          { database: map.schemaName, table: map.tableName },
        ),
      );
      return;
    }
    if (type === EventType.PARTIAL_UPDATE_ROWS) {
      const raw = rawMaps.get(body.readUIntLE(0, 6));
      if (!raw) return;
      try {
        body = partialUpdateRowsAsUpdateRows(body, parseTableMap(raw));
      } catch {
        out.rejected++; // MINIMAL row images: the live reader stops there too, naming the setting
        return;
      }
      type = EventType.UPDATE_ROWS_V2;
    }
    if (!ROWS[type] || !schemas.has(body.readUIntLE(0, 6))) return;
    let zongji: Row[];
    try {
      zongji = decode(type, body, false);
    } catch {
      out.rejected++;
      return;
    }
    const lean = decode(type, body, true);
    out.rows += zongji.length;
    zongji.forEach((row, i) => {
      if (!isDeepStrictEqual(lean[i], row)) out.differences.push(`row ${i}: lean ${JSON.stringify(lean[i])} zongji ${JSON.stringify(row)}`);
    });
    if (lean.length !== zongji.length) out.differences.push(`${lean.length} rows lean, ${zongji.length} zongji`);
  };
  for (const e of binlogFileEvents(bytes)) onEvent(e);
  return out;
}

function fixtureFiles(): string[] {
  return readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(FIXTURES, f)).isFile() && !/\.(md|txt|sql|json|cnf)$/.test(f) && !f.includes('decoded') && !f.endsWith('.ts'))
    .filter((f) => /binlog|bin\.|\.0000/.test(f) && !f.includes('mariadb'))
    .sort();
}

describe('lean row decoder on captured MySQL 8/9 binlogs', () => {
  const results = new Map<string, ReturnType<typeof compareFile>>();
  for (const file of fixtureFiles()) {
    it(`${file}: the rows zongji + row-values give`, () => {
      let bytes = readFileSync(join(FIXTURES, file));
      if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
      if (!bytes.subarray(0, 4).equals(Buffer.from([0xfe, 0x62, 0x69, 0x6e]))) return void results.set(file, { rows: 0, skippedTables: 0, rejected: 0, differences: [], byZongji: 0 });
      const r = compareFile(bytes, file.startsWith('mysql-9.7.4-generated/'));
      results.set(file, r);
      expect(r.differences.slice(0, 5)).toEqual([]);
      expect(r.byZongji).toBe(0);
    });
  }

  it('compared the files that apply', () => {
    const rows = (f: string) => results.get(f)?.rows ?? 0;
    // 2 inserts, an update (before and after) and a delete of the 24-column type table.
    expect(rows('mysql-9.7.4-generated/01-types-full-metadata-invisible-col.binlog')).toBe(5);
    // A partial JSON update (NOBLOB row image), rewritten as the UPDATE_ROWS_V2 the live reader makes of it: before and after.
    expect(rows('mysql-9.7.4-generated/04-partial-json-row-image-noblob.binlog')).toBe(2);
    // JSON opaque values (DECIMAL, DATE, TIME ... inside documents), ENUM/SET, BIT, invisible columns, a generated invisible key.
    expect(rows('blackbeam-rust_mysql_common/json-opaque.binlog')).toBe(8);
    expect(rows('blackbeam-rust_mysql_common/mysql-enum-string-set.000001')).toBe(4);
    expect(rows('blackbeam-rust_mysql_common/mysql_type_bit.000001')).toBe(1);
    expect(rows('blackbeam-rust_mysql_common/binlog-invisible-columns.000001')).toBe(4);
    expect(rows('mysql-9.7.4-generated/08-gipk-generated-invisible-pk.binlog')).toBe(4);
    // MINIMAL row metadata: the column schemas from the captured INFORMATION_SCHEMA, as zongji fetches them.
    expect(rows('mysql-9.7.4-generated/07-row-metadata-minimal.binlog')).toBe(3);
    // MINIMAL row images cannot carry a partial JSON update's base document: refused before any decoder.
    expect(results.get('mysql-9.7.4-generated/02-partial-json-row-image-minimal.binlog')?.rejected).toBe(4);
    // VECTOR: neither our column model nor zongji reads it (the lean decoder leaves type 242 to zongji: column-readers.test.ts).
    expect(results.get('mysql-9.7.4-generated/11-vector-type.binlog')?.skippedTables).toBe(1);
    expect([...results.values()].reduce((n, r) => n + r.rows, 0)).toBe(39);
  });
});
