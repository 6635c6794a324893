/**
 * The DTS merge recipe gives back the source table: a task with full and incremental sync runs
 * while a writer inserts, updates and deletes rows during the copy; then `_base` ∪ `_log` read
 * through the official Java SDK, merged as DTS documents (latest row per key by record id desc,
 * after flag desc, kept when its after flag is Y), equals `SELECT * FROM` the source table, and no
 * (record id, before flag) pair is in `_log` twice.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OdpsCell } from '../helpers/java-odps.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { maxComputeDestination, mergeBaseAndLog, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { startTask, taskFor, tempDir, useDatabase, waitFor } from '../helpers/stack.ts';

const ROWS = 3000;
const source = useDatabase('mcmerge', 'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(40), qty INT, price DECIMAL(10,2), at DATETIME(6))');
const mc = useLocalMaxCompute('mcmerge');

/** `2026-01-02 03:04:05.000001` (a DATETIME read as UTC) as the SDK renders a TIMESTAMP: epochSeconds.nanos. */
function stampOf(text: string): string {
  const [date, time] = text.split(' ') as [string, string];
  const [hms, frac = ''] = time.split('.');
  const seconds = Date.parse(`${date}T${hms}Z`) / 1000;
  return `${seconds}.${frac.padEnd(6, '0')}000`;
}

type Item = { id: number; name: string | null; qty: number | null; price: string | null; at: string | null };

/** A source row as the SDK renders the MaxCompute values. */
function rendered(r: Item): Record<string, OdpsCell> {
  return { id: String(r.id), name: r.name, qty: r.qty === null ? null : String(r.qty), price: r.price, at: r.at === null ? null : stampOf(r.at) };
}

describe('MaxCompute: the merge recipe', () => {
  it('_base ∪ _log merged equals the source after writes during the full sync', { timeout: 240_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    for (let i = 0; i < ROWS; i += 1000) {
      await conn.query(
        `INSERT INTO ${db}.items VALUES ${Array.from({ length: 1000 }, (_, j) => `(${i + j + 1}, 'item-${i + j + 1}', ${j}, ${(i + j) % 997}.25, '2026-01-02 03:04:05.${String(j).padStart(6, '0')}')`).join(',')}`,
      );
    }
    const dir = await tempDir('mcmerge');
    const task = startTask(
      taskFor(
        { database: db, tables: ['items'], topic: 'unused', dir },
        {
          source: sourceWithOwnServerId(),
          syncTypes: ['full', 'incremental'],
          fullSync: { chunkRows: 200, workers: 1, throttle: { rowsPerSecond: 1000 } },
          destinations: [maxComputeDestination(mc.endpoint(), { flush: { maxRows: 700, maxMegabytes: 64, maxSeconds: 1 } })],
        },
      ),
    );
    let writing = true;
    let changes = 0;
    let next = ROWS + 1;
    const writer = (async () => {
      while (writing) {
        const id = 1 + Math.floor(Math.random() * (next - 1));
        const dice = Math.random();
        if (dice < 0.5) await conn.query(`UPDATE ${db}.items SET qty = qty + 1, name = CONCAT(name, '+'), price = NULL WHERE id = ${id}`);
        else if (dice < 0.75) await conn.query(`DELETE FROM ${db}.items WHERE id = ${id}`);
        else await conn.query(`INSERT INTO ${db}.items VALUES (${next++}, 'new', NULL, 1.50, '1999-12-31 23:59:59.999999')`);
        changes++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    onTestFinished(async () => {
      writing = false;
      await writer.catch(() => {});
      await task.stop();
    });

    await task.ready;
    const stateFile = `${dir}/state.json`;
    const copyState = async () => (JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{}')) as { fullSync?: { completed: boolean } }).fullSync;
    await waitFor(async () => (await copyState())?.completed === false, 30_000, 'the full sync under way');
    const atStart = changes;
    await waitFor(async () => (await copyState())?.completed === true, 60_000, 'the full sync complete');
    const duringCopy = changes - atStart;
    await new Promise((r) => setTimeout(r, 500));
    writing = false;
    await writer;

    const [rows] = (await conn.query(`SELECT id, name, qty, CAST(price AS CHAR) AS price, CAST(at AS CHAR) AS at FROM ${db}.items ORDER BY id`)) as unknown as [Item[]];
    const expected = new Map(rows.map((r) => [String(r.id), rendered(r)]));
    const judge = mc.judge();
    const read = async () => ({ base: await judge.read('items_base'), log: await judge.read('items_log') });
    const same = (got: Map<string, Record<string, OdpsCell>>) => got.size === expected.size && [...expected].every(([k, v]) => JSON.stringify(got.get(k)) === JSON.stringify(v));
    // On time-out the last read goes on to the checks below, which name the rows that differ.
    const { base, log } = await readUntil(read, ({ base, log }) => same(mergeBaseAndLog(base, log, (v) => v.id as string)), 90_000, 'the merged tables equal to the source').catch(read);

    const merged = mergeBaseAndLog(base, log, (v) => v.id as string);
    const differing = [...new Set([...expected.keys(), ...merged.keys()])].filter((k) => JSON.stringify(merged.get(k)) !== JSON.stringify(expected.get(k)));
    expect(
      differing.slice(0, 20).map((k) => ({ key: k, merged: merged.get(k) ?? null, source: expected.get(k) ?? null })),
      `${differing.length} rows differ`,
    ).toEqual([]);
    const pairs = log.map((r) => `${r.values.new_dts_sync_record_id as string}/${r.values.new_dts_sync_before_flag as string}`);
    expect(new Set(pairs).size, 'each (record id, before flag) once in _log').toBe(pairs.length);
    expect(base.length).toBeGreaterThan(ROWS / 2);
    expect(duringCopy, 'writes happened while the full sync copied').toBeGreaterThan(20);
    console.log(`merge: ${ROWS} rows copied (${base.length} in _base), ${changes} changes (${duringCopy} during the copy), ${log.length} _log rows, ${expected.size} rows at the end`);
  });
});
