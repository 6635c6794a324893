/**
 * Objects changed on a running task (DTS "Modify the objects to be synchronized"), against the real
 * source and Kafka. The task starts with tables a and b (full + incremental); a change to a and c
 * is requested while it runs (c is copied beside the stream, b stops), the task restarts after the
 * switch, then a change back to a and b is requested while it is stopped (b is copied again, c
 * stops) and read when it starts. The topic replays to the source: every table as the source
 * holds it (b and c as they were when they stopped), a's changes exactly once and in order, no
 * key copied twice, ids strictly increasing; the status shows the three sets and their positions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { consumeMessages, sourceConnection, startTask, taskFor, tempDir, uniqueName, type ConsumedMessage, type RunningTask } from '../helpers/stack.ts';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeTaskFile } from '../helpers/cli.ts';
import { requestObjectChange, type ObjectChangeRequest } from '../../shared/runtime/object-change-request.ts';
import { openTaskStateStore } from '../../shared/runtime/task-state/state-store.ts';
import { taskStatus } from '../../shared/runtime/task-state/task-status.ts';
import { formatStatus } from '../../scripts/dts/lifecycle.ts';
import type { Task } from '../../shared/task/index.ts';

const repo = join(import.meta.dirname, '..', '..');
const db = uniqueName('objreload');
const topic = uniqueName('objreload');

type Rows = Map<string, string>;

/** The topic replayed per table: key → v, INIT/INSERT/UPDATE set, DELETE removes. */
function replay(messages: readonly ConsumedMessage[]): Record<string, Rows> {
  const tables: Record<string, Rows> = {};
  for (const { json } of messages) {
    if (json.isDdl) continue;
    const rows = (tables[json.table as string] ??= new Map());
    for (const row of json.data as Record<string, string>[]) {
      if (json.type === 'DELETE') rows.delete(row.id!);
      else rows.set(row.id!, row.v!);
    }
  }
  return tables;
}

describe('objects changed on a running task', () => {
  let conn: mysql.Connection;
  let running: RunningTask | null = null;
  let dir: string;
  const source = sourceWithOwnServerId();
  const taskWith = (tables: string[]): Task =>
    taskFor({ database: db, tables, topic, dir }, { source, syncTypes: ['full', 'incremental'], fullSync: { chunkRows: 2, workers: 1, signalTable: `${db}.dts_signal` } });
  const sourceRows = async (table: string): Promise<Rows> => {
    const [rows] = (await conn.query(`SELECT CAST(id AS CHAR) AS id, v FROM ${db}.${table} ORDER BY id`)) as unknown as [{ id: string; v: string }[]];
    return new Map(rows.map((r) => [r.id, r.v]));
  };
  const request = async (task: Task) => {
    const store = await openTaskStateStore(task, process.cwd(), 'test');
    try {
      return await requestObjectChange(task, 'test', store);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    dir = await tempDir('objreload');
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    for (const t of ['a', 'b', 'c']) {
      await conn.query(`CREATE TABLE ${db}.${t} (id INT PRIMARY KEY, v VARCHAR(20))`);
      await conn.query(`INSERT INTO ${db}.${t} VALUES ${[1, 2, 3, 4, 5].map((i) => `(${i}, '${t}${i}')`).join(', ')}`);
    }
  });

  afterAll(async () => {
    await running?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  it('switches at recorded positions, copies added tables, and the topic equals the source', { timeout: 180_000 }, async () => {
    const ab = taskWith(['a', 'b']);
    const ac = taskWith(['a', 'c']);
    running = startTask(ab);
    await running.ready;
    // Nothing to switch to: the file selects what the reader reads.
    expect(await request(ab)).toBeNull();
    // The first copy ends before a's changes, so a's messages are its copy and then its changes.
    await waitForTopics([topic]);
    await consumeMessages(topic, (m) => replay(m).a?.size === 5 && replay(m).b?.size === 5, 60_000);
    await conn.query(`INSERT INTO ${db}.a VALUES (6, 'a6')`);
    await conn.query(`INSERT INTO ${db}.b VALUES (6, 'b6')`);
    await conn.query(`INSERT INTO ${db}.c VALUES (6, 'c6')`); // c not selected yet: copied later
    await consumeMessages(topic, (m) => replay(m).b?.get('6') === 'b6', 60_000);

    // 1. While running: a + c. c's rows are copied beside the stream; b's changes stop here.
    const first = await request(ac);
    expect(first).toMatchObject({ alreadyRequested: false, fullSyncTables: [`${db}.c`], objects: [`${db}.a`, `${db}.c`] });
    expect(await request(ac)).toMatchObject({ signalId: first!.signalId, alreadyRequested: true });
    await conn.query(`INSERT INTO ${db}.a VALUES (7, 'a7')`);
    await conn.query(`INSERT INTO ${db}.b VALUES (7, 'b7')`); // after the switch: never delivered
    await conn.query(`UPDATE ${db}.c SET v = 'c1x' WHERE id = 1`);
    await conn.query(`DELETE FROM ${db}.c WHERE id = 2`);
    await conn.query(`INSERT INTO ${db}.c VALUES (7, 'c7')`);
    await consumeMessages(topic, (m) => replay(m).c?.get('7') === 'c7' && replay(m).c?.size === 6 && replay(m).a?.get('7') === 'a7', 60_000);

    // 2. Restart after the switch: the reader resumes with a + c from the history.
    await running.stop();
    running = startTask(ac);
    await running.ready;
    await conn.query(`INSERT INTO ${db}.c VALUES (8, 'c8')`);
    await conn.query(`INSERT INTO ${db}.b VALUES (8, 'b8')`);
    await conn.query(`INSERT INTO ${db}.a VALUES (8, 'a8')`);
    await consumeMessages(topic, (m) => replay(m).a?.get('8') === 'a8', 60_000);
    await running.stop();
    running = null;
    const cAtSecondSwitch = await sourceRows('c');

    // 3. While stopped, with the command a user runs: back to a + b. b is copied again (b7, b8 were missed), c stops.
    const file = await writeTaskFile(dir, {
      name: ab.name,
      source,
      objects: [{ database: db, tables: ['a', 'b'] }],
      destinations: ab.destinations,
      syncTypes: ['full', 'incremental'],
      fullSync: { chunkRows: 2, workers: 1, signalTable: `${db}.dts_signal` },
      queue: { type: 'file', dir },
    });
    const reload = async () =>
      JSON.parse((await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/dts.ts'), 'reload', '--task', file, '--json'], { cwd: repo })).stdout) as {
        request: ObjectChangeRequest;
      };
    const second = (await reload()).request;
    expect(second).toMatchObject({ alreadyRequested: false, fullSyncTables: [`${db}.b`], objects: [`${db}.a`, `${db}.b`] });
    await conn.query(`INSERT INTO ${db}.c VALUES (9, 'c9')`); // after the switch: never delivered
    await conn.query(`UPDATE ${db}.b SET v = 'b1x' WHERE id = 1`);
    await conn.query(`INSERT INTO ${db}.a VALUES (9, 'a9')`);
    running = startTask(ab);
    await running.ready;
    await conn.query(`INSERT INTO ${db}.a VALUES (10, 'a10')`);

    const expected = { a: await sourceRows('a'), b: await sourceRows('b'), c: cAtSecondSwitch };
    const same = (got: Record<string, Rows>) => (['a', 'b', 'c'] as const).every((t) => JSON.stringify([...(got[t] ?? new Map())].sort()) === JSON.stringify([...expected[t]].sort()));
    const messages = await consumeMessages(topic, (m) => same(replay(m)), 90_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; the topic replays to ${JSON.stringify(Object.fromEntries(Object.entries(replay(await consumeMessages(topic, 0))).map(([t, r]) => [t, [...r]])))}`);
    });
    // Nothing more arrives: c9 (after c stopped) and nothing repeated.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await consumeMessages(topic, messages.length);
    expect(all.length).toBe(messages.length);
    expect(same(replay(all))).toBe(true);

    const rows = all.map((m) => m.json as { id: number; table: string; type: string; data: { id: string; v: string }[] });
    // Ids strictly increasing in topic order (one partition): unique, none repeated by the restarts.
    const ids = rows.map((r) => r.id);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    // a was selected throughout: its copy, then each change once, in order.
    const a = rows.filter((r) => r.table === 'a').map((r) => `${r.type} ${r.data[0]!.id}`);
    expect(a.slice(5)).toEqual(['INSERT 6', 'INSERT 7', 'INSERT 8', 'INSERT 9', 'INSERT 10']);
    expect(a.slice(0, 5).sort()).toEqual(['INSERT 1', 'INSERT 2', 'INSERT 3', 'INSERT 4', 'INSERT 5']);
    // No key of the added tables arrives as a row twice within one copy-and-stream stretch.
    const inserts = (table: string) => rows.filter((r) => r.table === table && r.type === 'INSERT').map((r) => r.data[0]!.id);
    // c1 was updated around its copy: the UPDATE arrives once, the copied row at most once (DBLog
    // drops it when the key changed inside the chunk's window, keeps it when the UPDATE came before).
    const updates = (table: string) => rows.filter((r) => r.table === table && r.type === 'UPDATE').map((r) => r.data[0]!.id);
    expect(
      inserts('c')
        .filter((k) => k !== '1')
        .sort(),
    ).toEqual(['3', '4', '5', '6', '7', '8']);
    expect(inserts('c').filter((k) => k === '1').length).toBeLessThanOrEqual(1);
    expect(updates('c')).toEqual(['1']);
    // b: first copy (1-5), b6 streamed, then the second copy of every row b holds (1-8).
    // (b1 was updated around its second copy: the UPDATE once, that copy's row at most once.)
    expect(
      inserts('b')
        .filter((k) => k !== '1')
        .sort((x, y) => Number(x) - Number(y)),
    ).toEqual(['2', '2', '3', '3', '4', '4', '5', '5', '6', '6', '7', '8']);
    expect(inserts('b').filter((k) => k === '1').length).toBeGreaterThanOrEqual(1);
    expect(inserts('b').filter((k) => k === '1').length).toBeLessThanOrEqual(2);
    expect(updates('b')).toEqual(['1']);
    expect(rows.some((r) => r.table === 'b' && r.data[0]!.id === '7' && r.type !== 'INSERT')).toBe(false);

    // The status: three sets, each with the position it took effect from.
    const status = await taskStatus(ab, process.cwd(), 'test');
    expect(status.objectSets.map((s) => ({ signalId: s.signalId, added: s.added, removed: s.removed }))).toEqual([
      { signalId: null, added: [`${db}.a`, `${db}.b`], removed: [] },
      { signalId: first!.signalId, added: [`${db}.c`], removed: [`${db}.b`] },
      { signalId: second!.signalId, added: [`${db}.b`], removed: [`${db}.c`] },
    ]);
    const text = formatStatus(status);
    expect(text).toContain(
      `  objects: ${db}.a, ${db}.b (from ${status.objectSets[2]!.from.file}:${status.objectSets[2]!.from.position}, switched ${status.objectSets[2]!.at} by signal ${second!.signalId}; 2 changes recorded)`,
    );
    expect(text).toContain(`    added: ${db}.b\n    removed: ${db}.c`);
    const from = status.objectSets.map((s) => s.from);
    expect(from[1]!.file > from[0]!.file || (from[1]!.file === from[0]!.file && from[1]!.position > from[0]!.position)).toBe(true);
    expect(from[2]!.file > from[1]!.file || (from[2]!.file === from[1]!.file && from[2]!.position > from[1]!.position)).toBe(true);
  });
});
