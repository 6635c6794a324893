/**
 * The Canal JSON encoder writes the same bytes as its pre-issue-12 form (reference/, a frozen
 * copy), over thousands of generated records (../generated-records.ts: every column type the
 * type tests use, edge values of every kind, every op, DDL). All live messages are encoded before
 * any is compared, so a message handed out earlier must survive the later ones written into the
 * same slab.
 */
import { describe, expect, it } from 'vitest';
import { encodeCanalJson, valueStringOf } from '../../../../shared/encode/canal-json/index.ts';
import type { RowRecord } from '../../../../shared/record/index.ts';
import { createRecordGenerator, TYPE_TEST_STRINGS, TYPES } from '../generated-records.ts';
import { column, table } from './build.ts';
import { javaDoubleToString, javaFloatToString } from '../../../../shared/encode/canal-json/java-number.ts';
import { referenceEncodeCanalJson, referenceJavaDoubleToString, referenceJavaFloatToString } from './reference/index.ts';

const { int, pick, randomDouble, randomFloat, randomSchema, randomRow, randomRecord } = createRecordGenerator({ seed: 0x5eed12, oddValueRate: 0.04 });

describe('Canal JSON bytes, live encoder against the reference copy', () => {
  const schemas = Array.from({ length: 40 }, (_, i) => randomSchema(i));
  const RECORDS = 6000;
  const records = Array.from({ length: RECORDS }, (_, i) => randomRecord(schemas, pick([i + 1, 2 ** 53 - 1 - i])));
  const nowOf = (i: number) => (i % 7 === 0 ? 0 : 1_767_225_600_000 + i);

  it(`writes identical bytes for ${RECORDS} generated records of every op and column type`, () => {
    // Every live message first: the earlier ones must be intact after the later ones.
    const live = records.map((r, i) => encodeCanalJson(r, { nowMs: nowOf(i) }));
    let compared = 0;
    for (let i = 0; i < records.length; i++) {
      const expected = referenceEncodeCanalJson(records[i]!, { nowMs: nowOf(i) });
      if (!live[i]!.equals(expected)) {
        // Text first: the difference reads better than a byte dump.
        expect(live[i]!.toString('utf8'), `record ${i} (${records[i]!.op})`).toBe(expected.toString('utf8'));
        expect(live[i]!.equals(expected), `record ${i} (${records[i]!.op})`).toBe(true);
      }
      compared++;
    }
    expect(compared).toBe(RECORDS);
    // The generator reached what it is meant to: every op, big messages, changed and unchanged UPDATEs.
    const ops = new Set(records.map((r) => r.op));
    expect([...ops].sort()).toEqual(['DDL', 'DELETE', 'INIT', 'INSERT', 'UPDATE']);
    expect(live.some((b) => b.length > 64 * 1024)).toBe(true);
    const olds = live.map((b) => /"old":(\[\{.*?\}\]|null),"pkNames"/s.exec(b.toString('utf8'))?.[1]);
    expect(olds.filter((o) => o === '[{}]').length).toBeGreaterThan(0);
    expect(olds.filter((o) => o !== undefined && o !== 'null' && o !== '[{}]').length).toBeGreaterThan(100);
  });

  it('writes identical bytes for the every-type row of the type tests, each value alone and all together', () => {
    const schema = table(TYPES.map((type, i) => column(`c${i}`, type)));
    let checked = 0;
    for (const text of TYPE_TEST_STRINGS) {
      const row = schema.columns.map(() => text);
      const record: RowRecord = { op: 'INSERT', id: 1, seq: 0, source: { serverId: 1, file: 'f', position: 4, gtid: null, timestampMs: 1, txId: null }, schema, before: null, after: row };
      expect(encodeCanalJson(record, { nowMs: 2 }).toString('utf8')).toBe(referenceEncodeCanalJson(record, { nowMs: 2 }).toString('utf8'));
      checked++;
    }
    expect(checked).toBe(TYPE_TEST_STRINGS.length);
  });

  it('writes FLOAT and DOUBLE value strings as the reference does, fast paths included', () => {
    const N = 100_000;
    let fast = 0;
    for (let i = 0; i < N; i++) {
      // Half in the plain range, where the fast paths apply; integers, short and long fractions.
      const d = i % 2 === 0 ? randomDouble() : (int(2e7) - 1e7) / pick([1, 2, 4, 10, 3, 1e3, 1e5, 1e9]);
      const f = i % 3 === 0 ? randomFloat() : Math.fround(d);
      const [liveD, refD] = [javaDoubleToString(d), referenceJavaDoubleToString(d)];
      if (liveD !== refD) expect(`${liveD} for double ${d}`).toBe(`${refD} for double ${d}`);
      const [liveF, refF] = [javaFloatToString(f), referenceJavaFloatToString(f)];
      if (liveF !== refF) expect(`${liveF} for float ${f}`).toBe(`${refF} for float ${f}`);
      if (Math.abs(d) >= 1e-3 && Math.abs(d) < 1e7) fast++;
    }
    expect(fast).toBeGreaterThan(N / 2);
  });

  it('writes each value as value-string.ts spells it (the text the partitioner hashes)', () => {
    let values = 0;
    for (const record of records) {
      if (record.op === 'DDL' || record.op === 'UPDATE') continue;
      const image = (record.op === 'DELETE' ? record.before : record.after)!;
      const data = (JSON.parse(encodeCanalJson(record, { nowMs: 1 }).toString('utf8')) as { data: Record<string, string | null>[] }).data[0]!;
      const expected = Object.fromEntries(record.schema.columns.map((c, i) => [c.name, image[i] === null ? null : valueStringOf(c)(image[i]!)]));
      expect(data).toEqual(expected);
      values += image.length;
    }
    expect(values).toBeGreaterThan(10_000);
  });

  it('raises the same invariant error for a row image that does not fit the table', () => {
    const schema = schemas[0]!;
    const bad: RowRecord = { op: 'UPDATE', id: 3, seq: 0, source: { serverId: 1, file: 'f', position: 4, gtid: null, timestampMs: 1, txId: null }, schema, before: [1], after: randomRow(schema) };
    const message = (encode: typeof encodeCanalJson) => {
      try {
        encode(bad, { nowMs: 1 });
        return 'no error';
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    };
    expect(message(encodeCanalJson)).toMatch(/^InvariantError: UPDATE record 3 has a 1-value row image/);
    expect(message(encodeCanalJson)).toBe(message(referenceEncodeCanalJson));
  });
});
