/**
 * DTS "Filter Conditions" against the real MariaDB and Kafka.
 * - The evaluator agrees with MariaDB's own WHERE on a table of awkward values (case, trailing
 *   spaces, NULLs, DECIMAL, BIGINT past 2^53, dates, binary) for every supported operator.
 * - A full + incremental task with `region = 'cn' AND amount >= 100`: the snapshot copies the
 *   matching rows; on the stream, rows crossing the condition become INSERTs and DELETEs, the rest
 *   are dropped; Kafka holds exactly the expected messages in order, and replaying them gives
 *   `SELECT … WHERE <condition>` on the source.
 * - Conditions that are not valid SQL, or that the evaluator cannot do, fail the task before it
 *   starts, with the table, the condition and the config path.
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '../../shared/record/index.ts';
import { compileCondition } from '../../shared/source/filter-condition/index.ts';
import { catalogSchema } from '../../shared/source/schema/table-schemas.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { consumeMessages, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import { replayCanal, sourceTableState, stateChecksum, stateDifferences } from '../helpers/table-state.ts';

const CONDITION = "region = 'cn' AND amount >= 100";

const source = useDatabase(
  'filtercond',
  'CREATE TABLE ${db}.orders (id INT PRIMARY KEY, region VARCHAR(8), amount DECIMAL(10,2), note VARCHAR(20))',
  `CREATE TABLE \${db}.mixed (id INT PRIMARY KEY, region VARCHAR(8), amount DECIMAL(20,2), big BIGINT UNSIGNED, score DOUBLE,
     created DATETIME(3), day DATE, span TIME, status ENUM('new','paid'), bin VARBINARY(8))`,
  'CREATE TABLE ${db}.bad (id INT PRIMARY KEY, amount DECIMAL(10,2))',
  'CREATE TABLE ${db}.altering (id INT PRIMARY KEY, region VARCHAR(8), amount DECIMAL(10,2))',
);

interface Canal {
  type: string;
  table: string;
  isDdl: boolean;
  data: Record<string, string | null>[] | null;
  old: Record<string, string | null>[] | null;
}

describe('the evaluator agrees with MariaDB', () => {
  const regions = ['cn', 'CN', 'cn  ', 'us', 'ç', '', null, '12abc', '_x', 'C'];
  const amounts = ['100.00', '99.99', null, '-5.50', '0.00', '12345678901234567.89', '100.01'];
  const bigs = ['9007199254740993', '9007199254740992', '18446744073709551615', '0', null, '7'];
  const scores = [1.5, 0.1, null, -2, 100];
  const created = ['2024-01-31 23:59:59.999', '2024-02-01 00:00:00.000', null, '0000-00-00 00:00:00.000', '2023-12-31 12:00:00.500'];
  const days = ['2024-02-01', '2024-01-31', null, '1999-12-31'];
  const spans = ['-01:00:00', '09:30:00', '100:00:00', null];
  const statuses = ['new', 'paid', null];
  const bins = ['abc', 'ABC', null, 'abc '];
  const conditions = [
    CONDITION,
    "region = 'cn'", "region <> 'cn'", "region < 'b'", "region > 'Z'", "region >= 'c'", "region <=> NULL", "region = 12", "region IN ('us', 'C', NULL)",
    "region NOT IN ('us', 'cn')", "region LIKE 'c%'", "region LIKE 'c_'", "region NOT LIKE '%n'", "region LIKE '\\_%'", "region LIKE '|_x' ESCAPE '|'",
    "region BETWEEN 'a' AND 'cz'", 'region', 'NOT region', 'region IS NULL', "region = 'cn' XOR amount > 0", "region = 'cn' OR amount > 100 AND id > 3",
    'amount >= 100', 'amount = 100', 'amount <> 100.0', 'amount BETWEEN -6 AND 100.005', 'amount IN (0, 99.99)', 'amount + 0.01 = 100.01', 'amount * 2 > 199.98',
    'amount / 3 > 33.3333', 'amount % 7 = 2', 'amount DIV 3 = 33', '-amount < -100', "amount = '100'", "amount LIKE '%.00'", 'amount = 12345678901234567.89',
    'big = 9007199254740993', 'big > 9007199254740992', "big = '9007199254740993'", 'big = 18446744073709551615', 'big DIV 2 = 3', 'big <=> NULL',
    'score > 1', 'score = 0.1', 'score * 2 = 3', 'score IN (1.5, 100)', 'score + amount > 100',
    "created >= '2024-02-01'", "created < '2024-01-31 23:59:59.999'", "created = '2024-2-1'", "created BETWEEN '2023-01-01' AND '2024-01-31 23:59:59.999'",
    "created LIKE '2024-%'", "day < '2024-02-01 00:00:01'", "day = '2024-01-31'", 'created > day', "span > '10:00:00'", "span < '0:0:0'", "span = '9:30'",
    "status = 'PAID'", "status IN ('new')", "bin = 'abc'", "bin < 'abc'", "bin LIKE 'a%'",
    "(region = 'cn' OR region = 'us') AND NOT (amount < 100 OR amount IS NULL)", 'id % 2 = 0 IS TRUE', 'amount > 100 IS NOT FALSE', 'amount > 100 IS UNKNOWN',
  ];

  it('selects the same rows for every supported operator', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const q = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`);
    const rows = Array.from({ length: 70 }, (_, i) => {
      const pick = <T,>(list: T[], k: number) => list[(i * k + Math.floor(i / list.length)) % list.length]!;
      return `(${i + 1}, ${[pick(regions, 1), pick(amounts, 3), pick(bigs, 5), pick(scores, 7), pick(created, 1), pick(days, 3), pick(spans, 5), pick(statuses, 1), pick(bins, 3)].map(q).join(', ')})`;
    });
    await conn.query(`INSERT INTO ${db}.mixed VALUES ${rows.join(',')}`);
    const query = async <T,>(sql: string, params: unknown[]) => (await conn.query(sql, params))[0] as T[];
    const schema = await catalogSchema(query, db, 'mixed');
    const [all] = (await conn.query({ sql: `SELECT * FROM ${db}.mixed ORDER BY id`, rowsAsArray: true })) as unknown as [Value[][]];
    const disagreements: string[] = [];
    const trivial: string[] = [];
    for (const condition of conditions) {
      const [selected] = (await conn.query(`SELECT id FROM ${db}.mixed WHERE (${condition}) ORDER BY id`)) as unknown as [{ id: number }[]];
      const predicate = compileCondition(condition, schema);
      const ours = all.filter((r) => predicate(r)).map((r) => r[0]);
      const theirs = selected.map((r) => r.id);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push(`${condition}: MariaDB ${JSON.stringify(theirs)}, evaluator ${JSON.stringify(ours)}`);
      if (theirs.length === 0 || theirs.length === all.length) trivial.push(condition);
    }
    expect(disagreements).toEqual([]);
    // Every condition discriminates: it selects some rows, not all.
    expect(all).toHaveLength(70);
    expect(trivial).toEqual([]);
  });
});

describe('a task with a filter condition', () => {
  it('copies the matching rows, turns crossing UPDATEs into INSERT/DELETE, and ends equal to SELECT … WHERE', { timeout: 120_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.orders VALUES (1, 'cn', 100.00, 'a'), (2, 'cn', 99.99, 'b'), (3, 'us', 500.00, 'c'), (4, 'CN', 250.00, 'd'), (5, 'cn', NULL, 'e'), (6, 'cn', 100.00, 'f')`);
    const topic = uniqueName('filtercond');
    const task = startTask(
      taskFor(
        { database: db, topic, dir: await tempDir('filtercond') },
        { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], objects: [{ database: db, tables: [{ name: 'orders', filter: CONDITION }] }] },
      ),
    );
    await task.ready;
    // The snapshot side first, so the stream's changes come after it in Kafka.
    const snapshot = await consumeMessages(topic, 3, 60_000);
    expect(snapshot.map((m) => describeMessage(m.json as unknown as Canal))).toEqual(['INSERT 1 100.00', 'INSERT 4 250.00', 'INSERT 6 100.00']);

    await conn.query(`INSERT INTO ${db}.orders VALUES (7, 'cn', 150.00, 'g')`); // matches: INSERT 7
    await conn.query(`INSERT INTO ${db}.orders VALUES (8, 'us', 150.00, 'h')`); // dropped
    await conn.query(`UPDATE ${db}.orders SET amount = 120.00 WHERE id = 2`); // enters: INSERT 2
    await conn.query(`UPDATE ${db}.orders SET amount = 50.00 WHERE id = 1`); // leaves: DELETE 1 (its old image)
    await conn.query(`UPDATE ${db}.orders SET note = 'x' WHERE id = 4`); // stays: UPDATE 4
    await conn.query(`UPDATE ${db}.orders SET note = 'y' WHERE id = 3`); // neither: dropped
    // One row event, four rows: stays, leaves, stays, enters; one row outside (5, NULL amount).
    await conn.query(`UPDATE ${db}.orders SET note = 'm', region = CASE id WHEN 6 THEN 'us' WHEN 8 THEN 'cn' ELSE region END WHERE id IN (4, 5, 6, 7, 8)`);
    await conn.query(`DELETE FROM ${db}.orders WHERE id IN (3, 7)`); // 7 matches: DELETE 7
    await conn.query(`DELETE FROM ${db}.orders WHERE id IN (2, 5)`); // 2 matches: DELETE 2
    await conn.query(`INSERT INTO ${db}.orders VALUES (9, 'cn', 100.00, 'end')`); // the last message

    const expected = [
      'INSERT 7 150.00', 'INSERT 2 120.00', 'DELETE 1 100.00', 'UPDATE 4 250.00 note d→x',
      'UPDATE 4 250.00 note x→m', 'DELETE 6 100.00', 'UPDATE 7 150.00 note g→m', 'INSERT 8 150.00',
      'DELETE 7 150.00', 'DELETE 2 120.00', 'INSERT 9 100.00',
    ];
    const messages = await consumeMessages(topic, (m) => m.some((x) => (x.json as unknown as Canal).data?.[0]?.note === 'end'), 60_000);
    const stream = messages.slice(3).map((m) => describeMessage(m.json as unknown as Canal));
    expect(stream).toEqual(expected);

    const shape = { table: 'orders', key: ['id'], columns: ['id', 'region', 'amount', 'note'] };
    const fromKafka = replayCanal(messages, shape);
    const filtered = await sourceTableState(conn, db, shape, CONDITION);
    expect([...filtered.keys()].sort()).toEqual(['4', '8', '9']);
    expect(stateChecksum(fromKafka), stateDifferences(filtered, fromKafka)).toBe(stateChecksum(filtered));
    expect((await task.stop()).status).toBe('STOPPED');
  });

  it('follows an ALTER that moves columns, and stops with the binlog position when one the condition names is dropped', { timeout: 90_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const topic = uniqueName('filteralter');
    const task = startTask(
      taskFor({ database: db, topic, dir: await tempDir('filteralter') }, { source: sourceWithOwnServerId(), objects: [{ database: db, tables: [{ name: 'altering', filter: CONDITION }] }] }),
    );
    await task.ready;
    await conn.query(`INSERT INTO ${db}.altering VALUES (1, 'cn', 100.00), (2, 'us', 100.00)`);
    // A new first column: positions shift, so a predicate still reading the old positions would judge the wrong values.
    await conn.query(`ALTER TABLE ${db}.altering ADD COLUMN tag VARCHAR(8) FIRST`);
    await conn.query(`INSERT INTO ${db}.altering VALUES ('cn', 3, 'cn', 150.00), ('cn', 4, 'us', 150.00), ('x', 5, 'cn', 99.00)`);
    const messages = await consumeMessages(topic, (m) => m.some((x) => (x.json as unknown as Canal).data?.[0]?.id === '3'), 60_000);
    expect(messages.filter((m) => !(m.json as unknown as Canal).isDdl).map((m) => describeMessage(m.json as unknown as Canal))).toEqual(['INSERT 1 100.00', 'INSERT 3 150.00']);

    await conn.query(`ALTER TABLE ${db}.altering DROP COLUMN amount`);
    await conn.query(`INSERT INTO ${db}.altering VALUES ('cn', 6, 'cn')`);
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toMatch(
      new RegExp(`the filter condition of ${db}\\.altering cannot be evaluated on the stream at binlog position \\S+:\\d+, with the columns the table has there: unknown column \`amount\` \\(${db}\\.altering has tag, id, region\\)`),
    );
    expect(outcome.error?.message).toContain(`condition: "${CONDITION}" (objects[0].tables[0].filter)`);
  });

  it.each([
    ['not valid SQL', 'amount >= = 100', /not valid for that table: .*SQL syntax.*; set at objects\[0\]\.tables\[0\]\.filter/],
    ['a column the table lacks', 'region = 1', /not valid for that table: .*Unknown column 'region'.*; set at objects\[0\]\.tables\[0\]\.filter/],
    [
      'a function the stream cannot evaluate',
      'amount > FLOOR(99.5)',
      /the filter condition of \S+\.bad cannot be evaluated on the stream: functions \(FLOOR\(…\)\) are not supported.* at "FLOOR\(99\.5\)"; condition: "amount > FLOOR\(99\.5\)" \(objects\[0\]\.tables\[0\]\.filter\)/,
    ],
  ])('fails before starting when the condition is %s', { timeout: 60_000 }, async (_what, condition, message) => {
    const { db } = source;
    const topic = uniqueName('filterbad');
    const task = startTask(
      taskFor(
        { database: db, topic, dir: await tempDir('filterbad') },
        { source: sourceWithOwnServerId(), syncTypes: ['full', 'incremental'], objects: [{ database: db, tables: [{ name: 'bad', filter: condition }] }] },
      ),
    );
    await expect(task.ready).rejects.toThrow(/task ended before it was ready: FAILED/);
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.message).toMatch(message);
  });
});

/** `TYPE id amount` for a message's one row, plus `note old→new` when an UPDATE changed the note. */
function describeMessage(j: Canal): string {
  expect(j.data).toHaveLength(1);
  const row = j.data![0]!;
  const old = j.old?.[0];
  const note = j.type === 'UPDATE' && old && 'note' in old ? ` note ${old.note}→${row.note}` : '';
  return `${j.type} ${row.id} ${row.amount}${note}`;
}
