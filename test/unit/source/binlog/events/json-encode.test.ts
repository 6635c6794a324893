/**
 * The binary JSON encoder that turns a partial update's computed document back into a column value:
 * byte for byte what MySQL stored for every JSON value in the captured binlogs (8.0.22, 9.0.1, 9.7.4),
 * and a round trip through the decoder for the layouts those lack (large containers, integer widths).
 */
import { describe, expect, it } from 'vitest';
import { ByteCursor } from '../../../../../shared/source/binlog/events/byte-cursor.ts';
import { EventType } from '../../../../../shared/source/binlog/events/event-header.ts';
import { decodeBinaryJson, type JsonNode } from '../../../../../shared/source/binlog/events/json-binary.ts';
import { encodeBinaryJson } from '../../../../../shared/source/binlog/events/json-encode.ts';
import { jsonText } from '../../../../../shared/source/binlog/events/json-text.ts';
import { readImage } from '../../../../../shared/source/binlog/events/partial-json.ts';
import { ColumnType, parseTableMap, type TableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { fixtureEvents } from './fixture-binlog.ts';

/** The stored bytes of every non-null JSON value in the WRITE/UPDATE_ROWS_V2 events of a file. */
function storedJson(file: string): Buffer[] {
  let table: TableMap | null = null;
  const out: Buffer[] = [];
  for (const e of fixtureEvents(file)) {
    if (e.header.type === EventType.TABLE_MAP) table = parseTableMap(e.body);
    const update = e.header.type === EventType.UPDATE_ROWS_V2;
    if (!update && e.header.type !== EventType.WRITE_ROWS_V2) continue;
    const c = new ByteCursor(e.body);
    c.skip(8, 'table id and flags');
    c.skip(c.u16('extra') - 2, 'extra');
    const n = c.packed('columns');
    const bitmap = (b: Buffer) => Array.from({ length: n }, (_, i) => (b[i >> 3]! & (1 << (i & 7))) !== 0);
    const before = bitmap(c.bytes(Math.ceil(n / 8), 'bitmap'));
    const after = update ? bitmap(c.bytes(Math.ceil(n / 8), 'bitmap')) : before;
    while (c.remaining > 0) {
      for (const present of update ? [before, after] : [before]) {
        const raw = new Map<number, Buffer>();
        readImage(c, table!, present, null, raw);
        for (const [col, bytes] of raw) if (table!.columnTypes[col] === ColumnType.JSON) out.push(bytes.subarray(table!.columnMeta[col]!));
      }
    }
  }
  return out;
}

const int = (value: bigint): JsonNode => ({ kind: 'int', value });

describe('encodeBinaryJson', () => {
  it('writes every captured JSON value exactly as MySQL stored it', () => {
    const files = ['json.binlog.000001', 'json-opaque.binlog', '02a-jdoc-setup.binlog', '01-types-full-metadata-invisible-col.binlog'];
    // 6 inserts and 6 updates' two images; 8 inserts; 1 insert; the types file's JSON values.
    expect(files.map((f) => storedJson(f).length)).toEqual([18, 8, 1, 3]);
    const values = files.flatMap(storedJson);
    expect(values.every((b) => b.length > 0)).toBe(true);
    for (const stored of values) expect(encodeBinaryJson(decodeBinaryJson(stored)).toString('hex')).toBe(stored.toString('hex'));
  });

  it('stores integers in the narrowest type and inlines what fits an entry', () => {
    const cases: [bigint, number][] = [
      [-32768n, 0x05],
      [32767n, 0x05],
      [32768n, 0x07],
      [-2147483648n, 0x07],
      [2147483648n, 0x09],
      [-(2n ** 63n), 0x09],
      [2n ** 63n, 0x0a],
      [2n ** 64n - 1n, 0x0a],
    ];
    for (const [value, type] of cases) {
      const bytes = encodeBinaryJson(int(value));
      expect([bytes[0], decodeBinaryJson(bytes)]).toEqual([type, int(value)]);
    }
    // [1, 70000] small: the int16 inline (type 5, value 1), the int32 at offset 10 (after 4 + 2 * 3 bytes).
    expect(encodeBinaryJson({ kind: 'array', items: [int(1n), int(70000n)] }).toString('hex')).toBe('02' + '0200' + '0e00' + '05' + '0100' + '07' + '0a00' + '70110100');
  });

  it('switches a container to the large layout past 64 KiB, nested ones staying small', () => {
    const big = 'é'.repeat(40_000);
    const doc: JsonNode = {
      kind: 'object',
      entries: [
        ['a', { kind: 'array', items: [int(100000n), { kind: 'double', value: 2.5 }] }],
        ['big', { kind: 'string', value: big }],
        ['t', { kind: 'literal', value: true }],
      ],
    };
    const bytes = encodeBinaryJson(doc);
    expect(bytes[0]).toBe(0x01); // large object
    expect(bytes.readUInt32LE(1)).toBe(3);
    expect(bytes.readUInt32LE(5)).toBe(bytes.length - 1);
    expect(decodeBinaryJson(bytes)).toEqual(doc);
    expect(jsonText(decodeBinaryJson(bytes))).toBe(`{"a": [100000, 2.5], "t": true, "big": "${big}"}`.replace('"t": true, "big"', '"big"').replace(`"${big}"}`, `"${big}", "t": true}`));
    const small = encodeBinaryJson({ kind: 'array', items: [doc.entries[0]![1]] });
    expect(small[0]).toBe(0x02);
  });

  it('keeps opaque values and the three literals', () => {
    const opaque: JsonNode = { kind: 'opaque', fieldType: 246, data: Buffer.from([5, 2, 0x80, 0x01, 0x32]) };
    expect(encodeBinaryJson(opaque).toString('hex')).toBe('0f' + 'f6' + '05' + '0502800132');
    for (const value of [null, true, false]) expect(decodeBinaryJson(encodeBinaryJson({ kind: 'literal', value }))).toEqual({ kind: 'literal', value });
  });
});
