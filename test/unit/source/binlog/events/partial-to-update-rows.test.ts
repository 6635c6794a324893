/**
 * A PARTIAL_UPDATE_ROWS body rewritten as UPDATE_ROWS_V2, on the captured MySQL 9.7.4 binlogs: the
 * result decodes as an ordinary update whose before image is the original's, whose JSON column holds
 * the full new document, and whose other columns are the original's values; without the old document
 * (binlog_row_image=MINIMAL) it fails with a typed error that says what to change.
 */
import { describe, expect, it } from 'vitest';
import { EventType } from '../../../../../shared/source/binlog/events/event-header.ts';
import { MalformedEventError } from '../../../../../shared/source/binlog/events/event-errors.ts';
import { parsePartialUpdateRows } from '../../../../../shared/source/binlog/events/partial-json.ts';
import { partialUpdateRowsAsUpdateRows } from '../../../../../shared/source/binlog/events/partial-to-update-rows.ts';
import { parseTableMap, type TableMap } from '../../../../../shared/source/binlog/events/table-map.ts';
import { fixtureEvents, reference, referenceText, rowsV2Images } from './fixture-binlog.ts';

function partial(file: string): { table: TableMap; body: Buffer }[] {
  let table: TableMap | null = null;
  const out: { table: TableMap; body: Buffer }[] = [];
  for (const e of fixtureEvents(file)) {
    if (e.header.type === EventType.TABLE_MAP) table = parseTableMap(e.body);
    if (e.header.type === EventType.PARTIAL_UPDATE_ROWS) out.push({ table: table!, body: e.body });
  }
  return out;
}

describe('partialUpdateRowsAsUpdateRows', () => {
  it('gives the UPDATE_ROWS_V2 of a full-image update: same head and before image, the whole new document', () => {
    const [{ table, body }] = partial('04-partial-json-row-image-noblob.binlog') as [{ table: TableMap; body: Buffer }];
    const rewritten = partialUpdateRowsAsUpdateRows(body, table);
    // Table id, flags, extra data, column count and both bitmaps are copied unchanged.
    const headLength = 6 + 2 + body.readUInt16LE(8) + 1 + 2;
    expect(rewritten.subarray(0, headLength).equals(body.subarray(0, headLength))).toBe(true);
    const [before, after] = rowsV2Images(rewritten, table, true) as [ReturnType<typeof rowsV2Images>[0], ReturnType<typeof rowsV2Images>[0]];
    const old = '{"n": 3, "arr": [1, 2], "name": "carol", "tags": ["b"], "nested": {"k": "v", "k2": "v2"}}';
    expect([...before.values()].map(referenceText)).toEqual(['1', `'${old}'`, '8']);
    expect([...after.values()].map(referenceText)).toEqual(['1', `'${old.replace('"n": 3', '"n": 4')}'`, '9']);
    expect(reference('04-partial-json-row-image-noblob')).toContain("@2=JSON_REPLACE(@2, '$.n', 4)");
    // The original decodes to the same values (the rewrite changed only the JSON column's encoding).
    const original = parsePartialUpdateRows(body, table).rows[0]!;
    expect([referenceText(original.after.get(0)), referenceText(original.after.get(2))]).toEqual(['1', '9']);
  });

  it('refuses an update whose before image lacks the document (MINIMAL), naming the setting to change', () => {
    const events = partial('02-partial-json-row-image-minimal.binlog');
    expect(events).toHaveLength(4);
    for (const { table, body } of events) {
      expect(() => partialUpdateRowsAsUpdateRows(body, table)).toThrow(MalformedEventError);
      expect(() => partialUpdateRowsAsUpdateRows(body, table)).toThrow(/binlog_row_image=FULL or NOBLOB/);
    }
  });

  it('refuses a table map of another table', () => {
    const [{ table, body }] = partial('04-partial-json-row-image-noblob.binlog') as [{ table: TableMap; body: Buffer }];
    expect(() => partialUpdateRowsAsUpdateRows(body, { ...table, tableId: table.tableId + 1 })).toThrow(/table id/);
  });
});
