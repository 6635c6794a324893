/**
 * Text comparison by collation, on facts checked against MySQL 8.0.31 (SELECT STRCMP(… COLLATE …)):
 * PAD SPACE against NO PAD, the tab before the space, expansions, accents before case in
 * `_as_cs`, emoji alike in pre-UCA-9 collations; LIKE character by character; the weight table
 * format round trip; unknown collations refused. The row-by-row comparison with the servers
 * themselves is test/integration/filter-conditions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { collationNamed, SUPPORTED_COLLATIONS } from '../../../../shared/source/filter-condition/collations/text-collation.ts';
import { decodeTable, encodeEntries, splitLevels } from '../../../../shared/source/filter-condition/collations/weight-data.ts';
import { compileCondition } from '../../../../shared/source/filter-condition/compile-condition.ts';
import { likeMatcher } from '../../../../shared/source/filter-condition/like-pattern.ts';
import { UnsupportedConditionError } from '../../../../shared/source/filter-condition/unsupported.ts';
import { column, table } from '../../../helpers/columns.ts';

const cmp = (collation: string, a: string, b: string) => collationNamed(collation)!.compare(a, b);

describe('collations', () => {
  it('PAD SPACE ignores trailing spaces but a tab sorts before the pad; NO PAD counts them', () => {
    expect(cmp('utf8mb4_general_ci', 'a', 'a ')).toBe(0);
    expect(cmp('utf8mb4_general_ci', 'a\t', 'a')).toBe(-1);
    expect(cmp('utf8mb4_bin', 'cn  ', 'cn')).toBe(0);
    expect(cmp('latin1_swedish_ci', 'cn ', 'CN')).toBe(0);
    expect(cmp('utf8mb4_0900_ai_ci', 'cn ', 'cn')).toBe(1);
    expect(cmp('utf8mb4_0900_bin', 'cn ', 'cn')).toBe(1);
  });

  it('weighs letters as each collation does', () => {
    expect(cmp('utf8mb4_general_ci', 'ß', 's')).toBe(0);
    expect(cmp('utf8mb4_0900_ai_ci', 'ß', 'ss')).toBe(0);
    expect(cmp('utf8mb4_0900_ai_ci', 'É', 'e')).toBe(0);
    // _as_cs: the accent decides before the case.
    expect(cmp('utf8mb4_0900_as_cs', 'e', 'é')).toBe(-1);
    expect(cmp('utf8mb4_0900_as_cs', 'é', 'E')).toBe(1);
    expect(cmp('utf8mb4_0900_ai_ci', 'l·l', 'll')).toBe(-1);
    // Past the BMP every character weighs U+FFFD in general_ci; UCA 9.0.0 tells emoji apart.
    expect(cmp('utf8mb4_general_ci', '😀', '😁')).toBe(0);
    expect(cmp('utf8mb4_0900_ai_ci', '😀', '😁')).not.toBe(0);
  });

  it('LIKE matches character by character by the collation', () => {
    const like = (collation: string, value: string, pattern: string) => likeMatcher(pattern, '\\', collationNamed(collation)!)(value);
    expect(like('utf8mb4_general_ci', 'ß', 's')).toBe(true);
    expect(like('utf8mb4_0900_ai_ci', 'Ä', 'a%')).toBe(true);
    expect(like('utf8mb4_0900_as_cs', 'Ä', 'a%')).toBe(false);
    expect(like('utf8mb4_0900_ai_ci', 'cn ', 'cn')).toBe(false);
    expect(like('utf8mb4_bin', 'abcabd', '%ab_')).toBe(true);
    expect(like('utf8mb4_bin', 'abcabd', '%ab_c')).toBe(false);
  });

  it('refuses a collation it has no exact weights for', () => {
    expect(collationNamed('utf8mb4_unicode_520_ci')).toBeUndefined();
    expect(collationNamed('utf8mb4_uca1400_ai_ci')).toBeUndefined();
    expect(SUPPORTED_COLLATIONS).toContain('utf8mb4_0900_ai_ci');
  });
});

describe('a text column in a condition', () => {
  const shape = (collation?: string) => table([column('id', 'int(11)', { key: true }), column('name', 'varchar(8)', collation ? { collation } : {})], { database: 'd', table: 't' });

  it('compares by its collation', () => {
    expect(compileCondition("name = 'cn'", shape('utf8mb4_0900_ai_ci'))([1, 'cn '])).toBe(false);
    expect(compileCondition("name = 'cn'", shape('utf8mb4_general_ci'))([1, 'cn '])).toBe(true);
  });

  it('is refused when its collation is not evaluated exactly, or not known', () => {
    expect(() => compileCondition("name = 'x'", shape('utf8mb4_unicode_520_ci'))).toThrow(UnsupportedConditionError);
    expect(() => compileCondition("name = 'x'", shape('utf8mb4_unicode_520_ci'))).toThrow(/^column `name` has collation utf8mb4_unicode_520_ci, which filter conditions cannot evaluate exactly/);
    expect(() => compileCondition("name LIKE 'x%'", shape())).toThrow(/^the collation of column `name` is not known at this point/);
    // Only the columns a condition names matter.
    expect(compileCondition('id = 1', shape('utf8mb4_unicode_520_ci'))([1, 'x'])).toBe(true);
  });
});

describe('weight tables', () => {
  it('round-trip runs, ignorables and contractions', () => {
    const entries = [
      { cps: [0x41], levels: [[0x1c47], [0x20], [0x08]] },
      { cps: [0x42], levels: [[0x1c48], [0x20], [0x08]] },
      { cps: [0x43], levels: [[0x1c49], [0x20], [0x08]] },
      { cps: [0x44], levels: [[0x1c60], [0x20], [0x08]] },
      { cps: [0x300], levels: [[], [0x25], [0x02]] },
      { cps: [0x301], levels: [[], [0x25], [0x02]] },
      {
        cps: [0x6c, 0xb7],
        levels: [
          [0x1d77, 0x1d77],
          [0x20, 0x20],
          [2, 2],
        ],
      },
    ];
    const text = encodeEntries(entries);
    expect(text).toBe('41+2 1c47|0020|0008\n44 1c60|0020|0008\n300+1 |0025|0002\n6c,b7 1d771d77|00200020|00020002');
    const table = decodeTable(text);
    for (const e of entries.slice(0, 6)) expect(table.weights(e.cps[0]!)).toEqual(e.levels);
    expect(table.weights(0x45)).toBeUndefined();
    expect(table.contractions.get(0x6c)?.get(0xb7)).toEqual(entries[6]!.levels);
    expect(splitLevels('1C47000000200024000000020002', 2)).toEqual([[0x1c47], [0x20, 0x24], [0x02, 0x02]]);
    expect(splitLevels('DF', 1)).toEqual([[0xdf]]);
  });
});
