/**
 * PARTIAL_UPDATE_ROWS and MySQL's JSON diff against captured binlogs (MySQL 9.7.4 with MINIMAL and
 * NOBLOB row images, MySQL 8.0.22 with MINIMAL): the diffs as mysqlbinlog prints them, and the full
 * after documents, printed as MySQL prints JSON, equal to the documents mysqlbinlog shows.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnValue } from '../../../../../shared/source/binlog/events/column-value.ts';
import { EventType, type RawEvent } from '../../../../../shared/source/binlog/events/event-header.ts';
import { MalformedEventError } from '../../../../../shared/source/binlog/events/event-errors.ts';
import type { JsonNode } from '../../../../../shared/source/binlog/events/json-binary.ts';
import { JsonDiffOperation, type JsonDiff } from '../../../../../shared/source/binlog/events/json-diff.ts';
import { jsonText } from '../../../../../shared/source/binlog/events/json-text.ts';
import { afterImageJson, parsePartialUpdateRows, type PartialUpdateRowsEvent } from '../../../../../shared/source/binlog/events/partial-json.ts';
import { parseTableMap, type TableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { fixtureEvents, reference, referenceText, rowsV2Images } from './fixture-binlog.ts';

/** Each PARTIAL_UPDATE_ROWS of a file with the TABLE_MAP before it. */
function partialEvents(file: string): { table: TableMap; event: PartialUpdateRowsEvent }[] {
  let table: TableMap | null = null;
  const out: { table: TableMap; event: PartialUpdateRowsEvent }[] = [];
  for (const e of fixtureEvents(file)) {
    if (e.header.type === EventType.TABLE_MAP) table = parseTableMap(e.body);
    if (e.header.type === EventType.PARTIAL_UPDATE_ROWS) out.push({ table: table!, event: parsePartialUpdateRows(e.body, table!) });
  }
  return out;
}

function rowsOf(file: string, type: number): { table: TableMap; e: RawEvent }[] {
  let table: TableMap | null = null;
  const out: { table: TableMap; e: RawEvent }[] = [];
  for (const e of fixtureEvents(file)) {
    if (e.header.type === EventType.TABLE_MAP) table = parseTableMap(e.body);
    if (e.header.type === type) out.push({ table: table!, e });
  }
  return out;
}

/** A diff as mysqlbinlog -vv prints it: JSON_REPLACE(@2, '$.n', 2) and so on. */
function diffText(column: number, diffs: JsonDiff[]): string {
  const fn = (d: JsonDiff) => ['JSON_REPLACE', 'JSON_INSERT', 'JSON_REMOVE'][d.operation]!;
  const arg = (v: JsonNode) => (v.kind === 'string' ? `'${v.value}'` : v.kind === 'array' || v.kind === 'object' ? `CAST('${jsonText(v)}' AS JSON)` : jsonText(v));
  let text = `@${column + 1}`;
  let i = 0;
  while (i < diffs.length) {
    const op = diffs[i]!.operation;
    const args: string[] = [];
    for (; i < diffs.length && diffs[i]!.operation === op; i++) args.push(op === JsonDiffOperation.REMOVE ? `'${diffs[i]!.path}'` : `'${diffs[i]!.path}', ${arg(diffs[i]!.value!)}`);
    text = `${fn(diffs[i - 1]!)}(${text}, ${args.join(',\n###      ')})`;
  }
  return text;
}

function json(v: ColumnValue | undefined): JsonNode {
  if (v?.kind !== 'json') throw new Error(`expected a whole JSON value, got ${v?.kind}`);
  return v.value;
}

const START = '{"n": 1, "name": "alice", "tags": ["a", "b"], "nested": {"k": "v"}}';

describe('PARTIAL_UPDATE_ROWS (MySQL 9.7.4, binlog_row_image=MINIMAL)', () => {
  it('decodes the document the updates start from, as mysqlbinlog prints it', () => {
    const [insert] = rowsOf('02a-jdoc-setup.binlog', EventType.WRITE_ROWS_V2);
    const [row] = rowsV2Images(insert!.e.body, insert!.table, false);
    expect(jsonText(json(row!.get(1)))).toBe(START);
    expect(reference('02a-jdoc-setup')).toContain(`@2='${START}'`);
  });

  it('decodes every row image and diff as the reference shows them', () => {
    const events = partialEvents('02-partial-json-row-image-minimal.binlog');
    expect(events).toHaveLength(4);
    const printed = events.map(({ table, event }) => {
      expect([table.schema, table.table, event.tableId, event.rows.length]).toEqual(['cdc', 'jdoc', 124, 1]);
      const row = event.rows[0]!;
      const where = [...row.before].map(([c, v]) => `@${c + 1}=${referenceText(v)}`);
      const set = [...row.after].map(([c, v]) => (v.kind === 'json-diff' ? `${diffText(c, v.diffs)}` : `@${c + 1}=${referenceText(v)}`));
      return { where, set };
    });
    expect(printed).toEqual([
      { where: ['@1=1'], set: ["JSON_REPLACE(@2, '$.n', 2)"] },
      { where: ['@1=1'], set: ["JSON_REPLACE(@2, '$.name', 'bob')", '@3=8'] },
      { where: ['@1=1'], set: ["JSON_REMOVE(@2, '$.tags[0]')"] },
      { where: ['@1=1'], set: ["JSON_INSERT(@2, '$.nested.k2', 'v2',\n###      '$.arr', CAST('[1, 2]' AS JSON))"] },
    ]);
    const ref = reference('02-partial-json-row-image-minimal');
    for (const p of printed) for (const s of p.set) expect(ref).toContain(s.startsWith('@') ? `###   ${s} /* ` : `###   @2=${s} /* `);
  });

  it('needs the previous document, and says so, when the before image lacks it', () => {
    const { event } = partialEvents('02-partial-json-row-image-minimal.binlog')[0]!;
    expect(() => afterImageJson(event.rows[0]!, 1)).toThrow(MalformedEventError);
    expect(() => afterImageJson(event.rows[0]!, 1)).toThrow(/binlog_row_image=MINIMAL/);
    expect(afterImageJson(event.rows[0]!, 0)).toBeUndefined();
  });

  it('applies the four updates in turn to the document, in MySQL key order', () => {
    const [insert] = rowsOf('02a-jdoc-setup.binlog', EventType.WRITE_ROWS_V2);
    let doc = json(rowsV2Images(insert!.e.body, insert!.table, false)[0]!.get(1));
    const docs: string[] = [];
    for (const { event } of partialEvents('02-partial-json-row-image-minimal.binlog')) {
      doc = afterImageJson(event.rows[0]!, 1, doc)!;
      docs.push(jsonText(doc));
    }
    expect(docs).toEqual([
      '{"n": 2, "name": "alice", "tags": ["a", "b"], "nested": {"k": "v"}}',
      '{"n": 2, "name": "bob", "tags": ["a", "b"], "nested": {"k": "v"}}',
      '{"n": 2, "name": "bob", "tags": ["b"], "nested": {"k": "v"}}',
      '{"n": 2, "arr": [1, 2], "name": "bob", "tags": ["b"], "nested": {"k": "v", "k2": "v2"}}',
    ]);
    // The server's own document after the next two updates (n=3, name=carol; not captured) is the
    // NOBLOB file's before image: it has "arr" where the INSERT above placed it.
    const next = docs[3]!.replace('"n": 2', '"n": 3').replace('"bob"', '"carol"');
    expect(reference('04-partial-json-row-image-noblob')).toContain(`@2='${next}'`);
  });
});

describe('PARTIAL_UPDATE_ROWS (MySQL 9.7.4, binlog_row_image=NOBLOB)', () => {
  it('computes the after document from the before image; all values match the reference', () => {
    const { table, event } = partialEvents('04-partial-json-row-image-noblob.binlog')[0]!;
    expect(table.columnTypes).toEqual([3, 245, 3]);
    const row = event.rows[0]!;
    const before = '{"n": 3, "arr": [1, 2], "name": "carol", "tags": ["b"], "nested": {"k": "v", "k2": "v2"}}';
    expect([...row.before.values()].map(referenceText)).toEqual(['1', `'${before}'`, '8']);
    expect(reference('04-partial-json-row-image-noblob')).toContain(`@2='${before}'`);
    expect(row.after.get(1)).toMatchObject({ kind: 'json-diff' });
    expect([referenceText(row.after.get(0)), referenceText(row.after.get(2))]).toEqual(['1', '9']);
    expect(jsonText(afterImageJson(row, 1)!)).toBe('{"n": 4, "arr": [1, 2], "name": "carol", "tags": ["b"], "nested": {"k": "v", "k2": "v2"}}');
    expect(reference('04-partial-json-row-image-noblob')).toContain("@2=JSON_REPLACE(@2, '$.n', 4)");
  });
});

describe('PARTIAL_UPDATE_ROWS (MySQL 8.0.22, 6 rows, generated columns)', () => {
  it('applies each row diff to the document the previous full UPDATE wrote', () => {
    const [update] = rowsOf('json.binlog.000001', EventType.UPDATE_ROWS_V2);
    const images = rowsV2Images(update!.e.body, update!.table, true);
    expect(images).toHaveLength(12);
    const afterDocs = new Map(images.filter((_, i) => i % 2 === 1).map((img) => [referenceText(img.get(0)), json(img.get(1))]));
    const events = partialEvents('json.binlog.000001');
    expect(events).toHaveLength(1);
    const { event } = events[0]!;
    expect(event.rows).toHaveLength(6);
    const out = event.rows.map((row) => {
      const id = referenceText(row.before.get(0));
      return [id, jsonText(afterImageJson(row, 1, afterDocs.get(id))!), referenceText(row.after.get(2)), referenceText(row.after.get(3))];
    });
    expect(out).toEqual([
      ['1', '{"age": 26, "data": "xxxxxxxxxx", "name": "Joe"}', "'Joe'", '26'],
      ['2', '{"age": 34, "data": "yyyyyyyyyy", "name": "Sue"}', "'Sue'", '34'],
      ['3', '{"age": 42, "data": "zzzzzzzzzz", "name": "Pete"}', "'Pete'", '42'],
      ['4', '{"age": 26, "data": "xxxxxxxxxx", "name": "Joe"}', "'Joe'", '26'],
      ['5', '{"age": 34, "data": "yyyyyyyyyy", "name": "Sue"}', "'Sue'", '34'],
      ['6', '{"age": 42, "data": "zzzzzzzzzz", "name": "Pete"}', "'Pete'", '42'],
    ]);
    const ref = reference('json.binlog.000001');
    for (const [, , , age] of out) expect(ref).toContain(`@2=JSON_REPLACE(@2, '$.age', ${age})`);
    expect(ref).toContain(`@2='{"age": 25, "data": "xxxxxxxxxx", "name": "Joe"}'`);
  });
});
