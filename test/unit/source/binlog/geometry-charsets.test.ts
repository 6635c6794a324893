/**
 * MariaDB's charset lists of binlog_row_metadata=FULL read against its character columns, GEOMETRY
 * included (the live check on both servers is in test/integration/canal-json-types.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mariadbCharsetIds } from '../../../../shared/source/binlog/geometry-charsets.ts';

// id INT, g GEOMETRY, a VARCHAR, b VARCHAR, e ENUM (a STRING column whose real type is ENUM).
const types = [3, 255, 15, 15, 247];
const event = { columnCount: types.length, _effectiveColumnType: (i: number) => types[i]! };
const NULL_BITMAP = [0x00];
const SIGNEDNESS = [1, 1, 0x00]; // a field before the charsets: skipped
/** zongji's ids: the ENUM's from its own list, which the repair keeps. */
const zongjiIds = [undefined, undefined, 63, 8, 45];

describe('mariadbCharsetIds', () => {
  it('reads DEFAULT_CHARSET positions against the character columns, GEOMETRY first among them', () => {
    // Default 255 (utf8mb4_0900_ai_ci, length-encoded as 0xFC + 2 bytes), then position 0 → 63 (binary), 1 → 8 (latin1).
    const block = Buffer.from([...NULL_BITMAP, ...SIGNEDNESS, 2, 7, 0xfc, 0xff, 0x00, 0, 63, 1, 8]);
    expect(mariadbCharsetIds(event, block, zongjiIds)).toEqual([undefined, 63, 8, 255, 45]);
  });

  it('reads COLUMN_CHARSET one id per character column, GEOMETRY first among them', () => {
    const block = Buffer.from([...NULL_BITMAP, 3, 3, 63, 8, 33, ...SIGNEDNESS]);
    expect(mariadbCharsetIds(event, block, zongjiIds)).toEqual([undefined, 63, 8, 33, 45]);
  });

  it('leaves the ids as they were without a charset list', () => {
    expect(mariadbCharsetIds(event, Buffer.from([...NULL_BITMAP, ...SIGNEDNESS]), zongjiIds)).toEqual(zongjiIds);
  });
});
