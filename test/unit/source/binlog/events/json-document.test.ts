/**
 * The JSON pieces on their own, on hand-built inputs the captured binlogs do not cover: large
 * containers, opaque DECIMAL/DATETIME values, MySQL's text form of strings and doubles, diff paths,
 * and the INSERT / REPLACE / REMOVE rules (key order, array positions, paths that do not resolve).
 */
import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../../../../shared/source/binlog/events/event-errors.ts';
import { decodeBinaryJson, type JsonNode } from '../../../../../shared/source/binlog/events/json-binary.ts';
import { applyJsonDiffs, JsonDiffOperation, parseJsonDiffs, parseJsonPath, type JsonDiff } from '../../../../../shared/source/binlog/events/json-diff.ts';
import { jsonText } from '../../../../../shared/source/binlog/events/json-text.ts';
import { EventType } from '../../../../../shared/source/binlog/events/event-header.ts';
import { parseTableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { fixtureEvents, reference, referenceText, rowsV2Images } from './fixture-binlog.ts';

const int = (n: number): JsonNode => ({ kind: 'int', value: BigInt(n) });
const str = (value: string): JsonNode => ({ kind: 'string', value });
const obj = (...entries: [string, JsonNode][]): JsonNode => ({ kind: 'object', entries });
const arr = (...items: JsonNode[]): JsonNode => ({ kind: 'array', items });
const d = (operation: JsonDiff['operation'], path: string, value: JsonNode | null = null): JsonDiff => ({ operation, path, value });

describe('binary JSON', () => {
  it('prints documents with opaque DATE, DATETIME, TIME, DECIMAL and BIT values as mysqlbinlog does (MySQL 9.0.1)', () => {
    const events = fixtureEvents('json-opaque.binlog');
    const table = parseTableMap(events.find((e) => e.header.type === EventType.TABLE_MAP)!.body);
    const printed = events
      .filter((e) => e.header.type === EventType.WRITE_ROWS_V2)
      .flatMap((e) => rowsV2Images(e.body, table, false))
      .map((img) => referenceText(img.get(0)));
    const expected = [...reference('json-opaque.binlog').matchAll(/^### {3}@1=(.*?) \/\* /gm)].map((m) => m[1]);
    expect(expected).toHaveLength(8);
    expect(printed).toEqual(expected);
    expect(printed.slice(0, 4)).toEqual([`'{"a": "base64:type15:VQ=="}'`, `'{"b": "2012-03-18"}'`, `'{"c": "2012-03-18 11:30:45.000000"}'`, `'{"c": "87:31:46.654321"}'`]);
  });

  it('reads a large object with an inline int32', () => {
    const bytes = Buffer.from([0x01, 1, 0, 0, 0, 20, 0, 0, 0, 19, 0, 0, 0, 1, 0, 0x07, 0xfb, 0xff, 0xff, 0xff, 0x6b]);
    expect(jsonText(decodeBinaryJson(bytes))).toBe('{"k": -5}');
  });

  it('prints opaque DECIMAL as its number and DATETIME as a quoted string', () => {
    expect(jsonText(decodeBinaryJson(Buffer.from([0x0f, 246, 5, 5, 2, 0x80, 0x01, 0x32])))).toBe('1.50');
    expect(jsonText(decodeBinaryJson(Buffer.from([0x0f, 246, 5, 5, 2, 0x7f, 0xfe, 0xcd])))).toBe('-1.50');
    const ymd = BigInt(((2024 * 13 + 1) << 5) | 2);
    const hms = BigInt((3 << 12) | (4 << 6) | 5);
    const packed = Buffer.alloc(8);
    packed.writeBigInt64LE((((ymd << 17n) | hms) << 24n) | 6n);
    expect(jsonText(decodeBinaryJson(Buffer.concat([Buffer.from([0x0f, 12, 8]), packed])))).toBe('"2024-01-02 03:04:05.000006"');
    expect(jsonText(decodeBinaryJson(Buffer.from([0x0f, 252, 2, 0x61, 0x62])))).toBe('"base64:type252:YWI="');
  });

  it('rejects a container that claims more bytes than it has', () => {
    expect(() => decodeBinaryJson(Buffer.from([0x02, 1, 0, 40, 0, 0x04, 1, 0]))).toThrow(MalformedEventError);
  });

  it('reads each integer type at its width and sign, and names the type whose bytes are missing', () => {
    const ints = [
      [0x05, 0xff, 0xff],
      [0x06, 0xff, 0xff],
      [0x07, 0x00, 0x00, 0x00, 0x80],
      [0x08, 0xff, 0xff, 0xff, 0xff],
      [0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ].map((bytes) => decodeBinaryJson(Buffer.from(bytes)));
    expect(ints).toEqual([-1n, 65535n, -2147483648n, 4294967295n, -1n, 18446744073709551615n].map((value) => ({ kind: 'int', value })));
    expect(() => decodeBinaryJson(Buffer.from([0x06, 0xff]))).toThrow('MySQL binary JSON is malformed: a uint16 needs 2 bytes at 1 of 2');
    expect(() => decodeBinaryJson(Buffer.from([0x09, 1, 2, 3, 4, 5, 6, 7]))).toThrow('MySQL binary JSON is malformed: an int64 needs 8 bytes at 1 of 8');
  });
});

describe('JSON text as MySQL prints it', () => {
  it('escapes strings and marks doubles', () => {
    expect(jsonText(str('a"b\\c\n\u0001é'))).toBe('"a\\"b\\\\c\\n\\u0001é"');
    expect([2, 1.5, 1e21, -0.25].map((value) => jsonText({ kind: 'double', value }))).toEqual(['2.0', '1.5', '1e21', '-0.25']);
    expect(jsonText(obj(['a', obj()], ['bb', arr()], ['ccc', { kind: 'literal', value: null }]))).toBe('{"a": {}, "bb": [], "ccc": null}');
    expect(jsonText({ kind: 'int', value: 18446744073709551615n })).toBe('18446744073709551615');
  });
});

describe('JSON diffs', () => {
  it('parses the paths diffs carry', () => {
    expect(parseJsonPath('$.a."b c"[3]')).toEqual([{ key: 'a' }, { key: 'b c' }, { index: 3 }]);
    expect(parseJsonPath('$')).toEqual([]);
    expect(() => parseJsonPath('$.*')).toThrow(/unsupported member leg/);
  });

  it('parses a diff list and rejects an unknown operation', () => {
    const bytes = Buffer.from([2, 3, 0x24, 0x2e, 0x61, 0, 3, 0x24, 0x2e, 0x62, 3, 0x05, 7, 0]);
    expect(parseJsonDiffs(bytes)).toEqual([d(JsonDiffOperation.REMOVE, '$.a'), d(JsonDiffOperation.REPLACE, '$.b', int(7))]);
    expect(() => parseJsonDiffs(Buffer.from([3, 1, 0x24]))).toThrow(/operation 3/);
  });

  it('inserts members at MySQL key order and elements at their index', () => {
    const before = obj(['b', int(1)], ['ccc', arr(int(1), int(2))]);
    const after = applyJsonDiffs(before, [
      d(JsonDiffOperation.INSERT, '$.a', int(0)),
      d(JsonDiffOperation.INSERT, '$.dd', str('x')),
      d(JsonDiffOperation.INSERT, '$.ccc[1]', int(9)),
      d(JsonDiffOperation.INSERT, '$.ccc[10]', int(3)),
    ]);
    expect(jsonText(after)).toBe('{"a": 0, "b": 1, "dd": "x", "ccc": [1, 9, 2, 3]}');
    expect(jsonText(before)).toBe('{"b": 1, "ccc": [1, 2]}');
  });

  it('replaces and removes, including the whole document', () => {
    const before = obj(['a', arr(int(1), int(2), int(3))]);
    expect(jsonText(applyJsonDiffs(before, [d(JsonDiffOperation.REMOVE, '$.a[0]'), d(JsonDiffOperation.REPLACE, '$.a[1]', str('z'))]))).toBe('{"a": [2, "z"]}');
    expect(jsonText(applyJsonDiffs(before, [d(JsonDiffOperation.REPLACE, '$', int(5))]))).toBe('5');
  });

  it('reports a diff that does not fit the before document', () => {
    const before = obj(['a', int(1)]);
    expect(() => applyJsonDiffs(before, [d(JsonDiffOperation.REPLACE, '$.b', int(2))])).toThrow(/REPLACE of \$\.b does not fit/);
    expect(() => applyJsonDiffs(before, [d(JsonDiffOperation.INSERT, '$.a', int(2))])).toThrow(MalformedEventError);
    expect(() => applyJsonDiffs(before, [d(JsonDiffOperation.REMOVE, '$.x.y')])).toThrow(MalformedEventError);
  });
});
