/**
 * DTS partition policies against the real binlog and a real 8-partition topic (specs/formats.md
 * §3.1, hashing per §2.6). Three tasks read the same writes: several hundred inserts, updates and
 * deletes in many transactions over a composite (INT, VARCHAR) key, a unique key, a table with a
 * partition-key override, a table without any key and a mapped table, with DDL in between.
 * Every message's partition is computed here from the message's own fields with the BigInt
 * reference of test/helpers/java-hash.ts, each key's changes must arrive in write order, and
 * topics hold exactly what they should:
 * - `database-table`: hash of `<db>.<table>`, the table's DDL on its partition, in order with its
 *   rows; database DDL on partition 0;
 * - `primary-key`: hash(db) ^ hash(value) per key column (or the mapping's partition key);
 *   DDL and keyless tables on partition 0;
 * - mapping to a per-table topic created by the task with its own partition count, and a DDL topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { keyPartitionRef, tablePartitionRef } from '../helpers/java-hash.ts';
import { consumeTopics, messagesPerPartition, partitionCount, sourceWithOwnServerId, waitForTopics, type RawMessage } from '../helpers/kafka-read.ts';
import { createTopic, sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, type RunningTask } from '../helpers/stack.ts';

const db = uniqueName('parts');
const PARTITIONS = 8;
const MAPPED_PARTITIONS = 3;
const topics = {
  dt: uniqueName('parts_dt'),
  pk: uniqueName('parts_pk'),
  routed: uniqueName('parts_routed'),
  mapped: uniqueName('parts_mapped'),
  ddl: uniqueName('parts_ddl'),
};

/** Table names whose `<db>.<table>` partitions differ from each other and from 0, so that a wrong policy cannot pass by luck. */
function spreadNames(bases: string[]): string[] {
  const used = new Set([0]);
  return bases.map((base) => {
    for (let i = 0; ; i++) {
      const name = `${base}${i}`;
      const p = tablePartitionRef(db, name, PARTITIONS);
      if (!used.has(p)) {
        used.add(p);
        return name;
      }
    }
  });
}
const [CK, PKO, UK, NOKEY, MAPPED] = spreadNames(['ck', 'pko', 'uk', 'nokey', 'mapped']) as [string, string, string, string, string];

interface TableModel {
  readonly name: string;
  /** Columns that identify a row here (none: the whole table is one sequence). */
  readonly identity: readonly string[];
  readonly ddl: string;
  /** Live rows by their key values: column → value (null for NULL). */
  readonly live: Map<string, Record<string, string | null>>;
}

const tables: TableModel[] = [
  // Key order (a, b) differs from column order (b, v, a).
  { name: CK, identity: ['a', 'b'], ddl: `(b VARCHAR(20) NOT NULL, v INT, a INT NOT NULL, PRIMARY KEY (a, b))`, live: new Map() },
  { name: PKO, identity: ['id'], ddl: `(id INT PRIMARY KEY, grp VARCHAR(10) NULL, v INT)`, live: new Map() },
  { name: UK, identity: ['id'], ddl: `(id INT NOT NULL, v INT, UNIQUE KEY u (id))`, live: new Map() },
  { name: NOKEY, identity: [], ddl: `(n INT, v INT)`, live: new Map() },
  { name: MAPPED, identity: ['id'], ddl: `(id INT PRIMARY KEY, v INT)`, live: new Map() },
];
const byName = new Map(tables.map((t) => [t.name, t]));

interface CanalMessage {
  database: string;
  table: string;
  type: string;
  isDdl: boolean;
  id: number;
  sql: string;
  pkNames: string[] | null;
  data: Record<string, string | null>[] | null;
}

interface Parsed {
  readonly partition: number;
  readonly offset: number;
  readonly m: CanalMessage;
}

function parse(messages: RawMessage[]): Parsed[] {
  return messages.map((r) => ({ partition: r.partition, offset: r.offset, m: JSON.parse(r.value.toString('utf8')) as CanalMessage }));
}

/** What identifies a row message's row: table plus identity values; the table alone when it has no key. */
function identityOf(m: CanalMessage): string {
  const model = byName.get(m.table)!;
  return [m.table, ...model.identity.map((c) => m.data![0]![c])].join('|');
}

/** One change as the test wrote it and as a message shows it. */
const eventOf = (m: CanalMessage) => (m.isDdl ? `DDL ${m.table}` : `${m.type} ${identityOf(m)} v=${m.data![0]!.v}`);

describe('Kafka partition policies', () => {
  let conn: mysql.Connection;
  const running: RunningTask[] = [];
  /** Changes in write order: per row identity, per table, and the DDL. */
  const perIdentity = new Map<string, string[]>();
  const perTable = new Map<string, string[]>();
  const ddlOrder: string[] = [];
  let rowEvents = 0;
  let mappedEvents = 0;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    for (const t of tables) await conn.query(`CREATE TABLE ${db}.${t.name} ${t.ddl}`);
    await createTopic(topics.dt, PARTITIONS); // an existing topic: the task keeps its partitions
    const dir = await tempDir('parts');
    const kafkaDestination = { type: 'kafka' as const, name: 'kafka', brokers: [stack.kafkaBroker], format: 'canal-json' as const, compression: 'lz4' as const };
    const task = (name: string, destination: Record<string, unknown>) =>
      taskFor({ database: db, topic: '', dir: `${dir}/${name}` }, { source: sourceWithOwnServerId(), destinations: [{ ...kafkaDestination, ...destination } as never] });
    running.push(
      startTask(task('dt', { topic: topics.dt, partitionPolicy: 'database-table' })),
      startTask(task('pk', { topic: topics.pk, partitions: PARTITIONS, partitionPolicy: 'primary-key', mapping: [{ database: db, table: PKO, partitionKey: ['grp'] }] })),
      startTask(
        task('routed', {
          topic: topics.routed,
          partitions: PARTITIONS,
          partitionPolicy: 'primary-key',
          ddlTopic: topics.ddl,
          mapping: [{ database: db, table: MAPPED, topic: topics.mapped, partitions: MAPPED_PARTITIONS }],
        }),
      ),
    );
    await Promise.all(running.map((r) => r.ready));
  });

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  function record(table: string, identity: string, event: string): void {
    const list = perIdentity.get(identity) ?? [];
    list.push(event);
    perIdentity.set(identity, list);
    const tableList = perTable.get(table) ?? [];
    tableList.push(event);
    perTable.set(table, tableList);
  }

  /** One random statement on one table; returns its SQL and books the change it makes. */
  function statement(random: () => number, counter: { v: number; id: number }): string {
    const t = tables[Math.floor(random() * tables.length)]!;
    const v = ++counter.v;
    const rows = [...t.live.keys()];
    const r = random();
    const op = rows.length < 4 || r < 0.45 ? 'INSERT' : r < 0.8 ? 'UPDATE' : 'DELETE';
    if (t.name === MAPPED) mappedEvents += 1;
    rowEvents += 1;
    // Numbers unquoted, text quoted, NULL as is.
    const literal = (column: string, value: string | null) => (value === null ? 'NULL' : ['a', 'id', 'n', 'v'].includes(column) ? value : `'${value}'`);
    // The columns that find one row (NOKEY: its unique-by-construction n).
    const rowKey = t.identity.length > 0 ? t.identity : ['n'];
    const identityOfRow = (values: Record<string, string | null>) => [t.name, ...t.identity.map((c) => values[c])].join('|');
    if (op === 'INSERT') {
      const id = ++counter.id;
      const values: Record<string, string | null> =
        t.name === CK
          ? { a: String(id % 7), b: `${['k', 'é', '\u{1F600}', '中文', 'Aa', 'BB', ''][id % 7]}${id}` }
          : t.name === PKO
            ? { id: String(id), grp: ['red', 'blue', 'grün', null, '', '\u{1F600}'][id % 6] ?? null }
            : t.name === NOKEY
              ? { n: String(id) }
              : { id: String(id) };
      values.v = String(v);
      t.live.set(rowKey.map((c) => values[c]).join('|'), values);
      record(t.name, identityOfRow(values), `INSERT ${identityOfRow(values)} v=${v}`);
      const cols = Object.keys(values);
      return `INSERT INTO ${db}.${t.name} (${cols.join(', ')}) VALUES (${cols.map((c) => literal(c, values[c]!)).join(', ')})`;
    }
    const key = rows[Math.floor(random() * rows.length)]!;
    const values = t.live.get(key)!;
    const identity = identityOfRow(values);
    const where = rowKey.map((c) => `${c} = ${literal(c, values[c]!)}`).join(' AND ');
    if (op === 'UPDATE') {
      values.v = String(v);
      record(t.name, identity, `UPDATE ${identity} v=${v}`);
      return `UPDATE ${db}.${t.name} SET v = ${v} WHERE ${where}`;
    }
    t.live.delete(key);
    record(t.name, identity, `DELETE ${identity} v=${values.v}`);
    return `DELETE FROM ${db}.${t.name} WHERE ${where}`;
  }

  it('places every message by its policy and keeps each key in write order', { timeout: 60_000 }, async () => {
    let seed = 20260102;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const counter = { v: 0, id: 0 };
    const ddl: Record<number, [table: string, sql: string]> = {
      30: [CK, `ALTER TABLE ${db}.${CK} ADD COLUMN w INT NULL`],
      60: ['', `ALTER DATABASE ${db} CHARACTER SET utf8mb4`],
      90: [MAPPED, `ALTER TABLE ${db}.${MAPPED} ADD COLUMN w INT NULL`],
      110: [NOKEY, `ALTER TABLE ${db}.${NOKEY} ADD COLUMN w INT NULL`],
    };
    for (let txn = 0; txn < 130; txn++) {
      const statements = Array.from({ length: 1 + Math.floor(random() * 6) }, () => statement(random, counter));
      await conn.query(`BEGIN; ${statements.join('; ')}; COMMIT`);
      const d = ddl[txn];
      if (d) {
        await conn.query(d[1]);
        ddlOrder.push(`DDL ${d[0]}`);
        if (d[0]) perTable.set(d[0], [...(perTable.get(d[0]) ?? []), `DDL ${d[0]}`]);
      }
    }
    const total = rowEvents + ddlOrder.length;
    expect(rowEvents).toBeGreaterThan(400);

    await waitForTopics(Object.values(topics));
    const got = await consumeTopics({
      [topics.dt]: total,
      [topics.pk]: total,
      [topics.routed]: rowEvents - mappedEvents,
      [topics.mapped]: mappedEvents,
      [topics.ddl]: ddlOrder.length,
    });
    // Exactly these many, nothing more: the broker's offsets agree.
    expect(await Promise.all(Object.values(topics).map(async (t) => (await messagesPerPartition(t)).reduce((a, b) => a + b, 0)))).toEqual([
      total,
      total,
      rowEvents - mappedEvents,
      mappedEvents,
      ddlOrder.length,
    ]);
    // Topic shapes: the existing topic kept its 8; the task created the others with theirs.
    expect(await Promise.all([topics.dt, topics.pk, topics.routed, topics.mapped, topics.ddl].map(partitionCount))).toEqual([8, 8, 8, MAPPED_PARTITIONS, 8]);

    const dt = parse(got[topics.dt]!);
    const pk = parse(got[topics.pk]!);
    const routed = parse(got[topics.routed]!);
    const mapped = parse(got[topics.mapped]!);
    const ddlTopic = parse(got[topics.ddl]!);

    // Keys as the source reports them: the primary key in key order, else the unique key, else none.
    const pkNamesOf = (list: Parsed[], table: string) => [...new Set(list.filter((p) => p.m.table === table && !p.m.isDdl).map((p) => JSON.stringify(p.m.pkNames)))];
    expect([CK, PKO, UK, NOKEY, MAPPED].map((t) => pkNamesOf(pk, t))).toEqual([['["a","b"]'], ['["id"]'], ['["id"]'], ['null'], ['["id"]']]);

    // database-table: `<db>.<table>`; database DDL on 0.
    for (const { partition, m } of dt) {
      const expected = m.table === '' ? 0 : tablePartitionRef(m.database, m.table, PARTITIONS);
      expect([eventOf(m), partition]).toEqual([eventOf(m), expected]);
    }
    expect(new Set(dt.map((p) => p.partition)).size).toBe(tables.length + 1); // five tables apart, plus 0

    // primary-key: hash(db) ^ hash(value) per key column; the override hashes grp (NULL as '').
    const keyed = (m: CanalMessage, n: number, partitionKey?: Record<string, string[]>) => {
      if (m.isDdl) return 0;
      const columns = partitionKey?.[m.table] ?? m.pkNames ?? [];
      return columns.length === 0
        ? 0
        : keyPartitionRef(
            m.database,
            columns.map((c) => m.data![0]![c]),
            n,
          );
    };
    for (const { partition, m } of pk) expect([eventOf(m), partition]).toEqual([eventOf(m), keyed(m, PARTITIONS, { [PKO]: ['grp'] })]);
    for (const { partition, m } of routed) expect([eventOf(m), partition]).toEqual([eventOf(m), keyed(m, PARTITIONS)]);
    for (const { partition, m } of mapped) expect([eventOf(m), partition]).toEqual([eventOf(m), keyed(m, MAPPED_PARTITIONS)]);
    // The override changes where PKO rows go: by grp in one task, by id in the other.
    const pkoPartitions = (list: Parsed[]) => new Set(list.filter((p) => p.m.table === PKO && !p.m.isDdl).map((p) => p.partition)).size;
    expect(pkoPartitions(pk)).toBeLessThanOrEqual(5); // five distinct grp hashes (NULL and '' share one)
    expect(pkoPartitions(routed)).toBeGreaterThan(5);
    // Keys spread over every partition; keyless rows and DDL all on 0.
    expect(new Set(pk.map((p) => p.partition)).size).toBe(PARTITIONS);
    expect(new Set(mapped.map((p) => p.partition)).size).toBe(MAPPED_PARTITIONS);
    expect(pk.filter((p) => p.m.table === NOKEY || p.m.isDdl).every((p) => p.partition === 0)).toBe(true);

    // What goes where: DDL and the mapped table's rows leave the routed task's main topic.
    expect(routed.filter((p) => p.m.isDdl || p.m.table === MAPPED)).toEqual([]);
    expect(mapped.every((p) => p.m.table === MAPPED && !p.m.isDdl)).toBe(true);
    expect(ddlTopic.map((p) => [p.partition, `DDL ${p.m.table}`])).toEqual(ddlOrder.map((e) => [0, e]));
    expect(ddlTopic.map((p) => p.m.sql)).toEqual([
      expect.stringContaining(`ADD COLUMN w`),
      expect.stringMatching(/^ALTER DATABASE/i),
      expect.stringContaining(`ADD COLUMN w`),
      expect.stringContaining(`ADD COLUMN w`),
    ]);
    expect(pk.filter((p) => p.m.isDdl).map((p) => [p.partition, eventOf(p.m)])).toEqual(ddlOrder.map((e) => [0, e]));

    // Order: in each topic, each row's changes in the order they were written (messages are
    // sorted by partition then offset, and one row's changes share a partition).
    for (const [label, list] of [
      ['database-table', dt],
      ['primary-key', pk],
      ['routed', [...routed, ...mapped]],
    ] as const) {
      const seen = new Map<string, string[]>();
      for (const { m } of list) {
        if (m.isDdl) continue;
        const identity = identityOf(m);
        seen.set(identity, [...(seen.get(identity) ?? []), eventOf(m)]);
      }
      expect([label, seen.size]).toEqual([label, perIdentity.size]);
      for (const [identity, events] of perIdentity) expect([label, identity, seen.get(identity)]).toEqual([label, identity, events]);
    }
    // database-table: a table's rows and DDL form one sequence on one partition, in write order.
    for (const t of tables) {
      expect([t.name, dt.filter((p) => p.m.table === t.name).map((p) => eventOf(p.m))]).toEqual([t.name, perTable.get(t.name)]);
    }
    // Record ids increase along every partition.
    for (const list of [dt, pk, routed, mapped, ddlTopic]) {
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.partition === list[i - 1]!.partition) expect(list[i]!.m.id).toBeGreaterThan(list[i - 1]!.m.id);
      }
    }
  });
});
